/**
 * The expression space: identity separated from expression, as in morphable models,
 *
 *   aligned face ≈ mean neutral + identity · a + rig fields · b,
 *
 * where the mean neutral face and the identity directions come from data (principal components
 * of the variation among neutral faces, with the expression directions projected out first, so
 * identity can never explain away a smile), and b is the rig's action-unit code (the EMFACS
 * fields of src/core/rig.ts; what is learned from data is which units real faces use, how
 * strongly and in what combinations). `neutralCode` is the code real neutral faces get on
 * average: the floor of fitting noise, identity the basis cannot remove and the slight
 * expression of "neutral" photos.
 *
 * Pure: numbers in, numbers out. Meshes are 468 x xyz in the canonical frame (cm).
 */
import { createExpressionFitter, type ExpressionFitter } from './expression-fit.ts';
import { symmetricEigen } from './linalg.ts';
import { AU_COUNT } from './rig.ts';
import { createRng, gaussian } from './rng.ts';
import { LANDMARK_COUNT } from './topology.ts';

export const MESH_DIM = LANDMARK_COUNT * 3;

export interface ExpressionSpace {
  /** Mean neutral face (MESH_DIM). */
  readonly mean: Float64Array;
  /** Orthonormal identity directions, count x MESH_DIM. */
  readonly identity: Float64Array;
  readonly identityCount: number;
  /** Variance of neutral faces along each identity direction (cm²). */
  readonly identityVariance: Float64Array;
  /** Mean code of real neutral faces (AU_COUNT). */
  readonly neutralCode: Float64Array;
  /**
   * The floor above which neutraliseFace takes a photo's code out, per unit (AU_COUNT; learned from
   * photos of the same people, src/core/removal-floor.ts). Absent: `neutralCode`.
   */
  readonly removalFloor?: Float64Array;
  /** The rig's fields, AU_COUNT x MESH_DIM (ExpressionRig.basis). */
  readonly basis: ArrayLike<number>;
}

/** Gram-Schmidt (twice, for stability) on `count` rows of length `dim`; drops rows that are (nearly) dependent. */
export function orthonormalRows(rows: ArrayLike<number>, count: number, dim: number, tolerance = 1e-8): { vectors: Float64Array; count: number } {
  const out = new Float64Array(count * dim);
  let kept = 0;
  const v = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let t = 0; t < dim; t++) v[t] = rows[r * dim + t]!;
    const before = Math.sqrt(dot(v, 0, v, 0, dim));
    if (before === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < kept; j++) {
        const d = dot(out, j * dim, v, 0, dim);
        for (let t = 0; t < dim; t++) v[t] = v[t]! - d * out[j * dim + t]!;
      }
    }
    const n = Math.sqrt(dot(v, 0, v, 0, dim));
    if (n <= tolerance * before) continue;
    for (let t = 0; t < dim; t++) out[kept * dim + t] = v[t]! / n;
    kept++;
  }
  return { vectors: out.slice(0, kept * dim), count: kept };
}

function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += a[ao + t]! * b[bo + t]!;
  return s;
}

/** Removes the span of orthonormal rows `basis` (count x dim) from v, in place. */
export function projectOut(v: Float64Array, basis: ArrayLike<number>, count: number, dim = v.length): Float64Array {
  for (let j = 0; j < count; j++) {
    const d = dot(basis, j * dim, v, 0, dim);
    for (let t = 0; t < dim; t++) v[t] = v[t]! - d * basis[j * dim + t]!;
  }
  return v;
}

export interface PrincipalComponents {
  mean: Float64Array;
  /** Orthonormal directions, count x dim, by decreasing variance. */
  vectors: Float64Array;
  count: number;
  /** Variance along each direction. */
  variances: Float64Array;
  /** Total variance of the (projected) rows: the sum over all directions. */
  totalVariance: number;
}

export interface PcaOptions {
  /** Number of components. */
  components: number;
  /** Orthonormal directions (count x dim) removed from every centred row before the analysis. */
  exclude?: { vectors: ArrayLike<number>; count: number };
  /** Subspace iterations (default 40). */
  iterations?: number;
  seed?: number;
}

/**
 * Principal components of n rows of length dim by subspace iteration (the covariance is never
 * formed: each step is two passes over the data), then a Rayleigh-Ritz rotation.
 */
export function principalComponents(row: (i: number) => ArrayLike<number>, n: number, dim: number, o: PcaOptions): PrincipalComponents {
  if (n < 2) throw new Error('principal components need at least two rows');
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const r = row(i);
    for (let t = 0; t < dim; t++) mean[t] = mean[t]! + r[t]!;
  }
  for (let t = 0; t < dim; t++) mean[t] = mean[t]! / n;
  // Centred (and projected) rows, kept once.
  const X = new Float64Array(n * dim);
  const tmp = new Float64Array(dim);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = row(i);
    for (let t = 0; t < dim; t++) tmp[t] = r[t]! - mean[t]!;
    if (o.exclude) projectOut(tmp, o.exclude.vectors, o.exclude.count, dim);
    X.set(tmp, i * dim);
    total += dot(tmp, 0, tmp, 0, dim);
  }
  const k = Math.min(o.components, n - 1, dim);
  if (k <= 0) return { mean, vectors: new Float64Array(0), count: 0, variances: new Float64Array(0), totalVariance: total / (n - 1) };
  const rng = createRng(o.seed ?? 1);
  let Q = orthonormalRows(Float64Array.from({ length: k * dim }, () => gaussian(rng)), k, dim).vectors;
  const P = new Float64Array(n * k);
  const iterations = o.iterations ?? 40;
  const multiply = (q: Float64Array): Float64Array => {
    // P = X q^T (n x k); Y = P^T X (k x dim).
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) P[i * k + j] = dot(X, i * dim, q, j * dim, dim);
    const Y = new Float64Array(k * dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const p = P[i * k + j]!;
        if (p === 0) continue;
        const yo = j * dim, xo = i * dim;
        for (let t = 0; t < dim; t++) Y[yo + t] = Y[yo + t]! + p * X[xo + t]!;
      }
    }
    return Y;
  };
  for (let it = 0; it < iterations; it++) {
    const o2 = orthonormalRows(multiply(Q), k, dim, 1e-12);
    if (o2.count < k) break;
    Q = o2.vectors;
  }
  // Rayleigh-Ritz: the k x k covariance in the subspace, diagonalised.
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) P[i * k + j] = dot(X, i * dim, Q, j * dim, dim);
  const C = new Array<number>(k * k).fill(0);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) C[a * k + b] = C[a * k + b]! + P[i * k + a]! * P[i * k + b]!;
  }
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) { C[a * k + b] = C[a * k + b]! / (n - 1); C[b * k + a] = C[a * k + b]!; }
  const eig = symmetricEigen(C, k);
  const order = eig.values.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const vectors = new Float64Array(k * dim);
  const variances = new Float64Array(k);
  order.forEach(([value, col], r) => {
    variances[r] = Math.max(0, value);
    for (let j = 0; j < k; j++) {
      const c = eig.vectors[j * k + col]!;
      for (let t = 0; t < dim; t++) vectors[r * dim + t] = vectors[r * dim + t]! + c * Q[j * dim + t]!;
    }
  });
  return { mean, vectors, count: k, variances, totalVariance: total / (n - 1) };
}

export interface SpaceOptions {
  /** Identity directions to keep (0: no identity basis). */
  identityComponents: number;
  /**
   * Extra expression directions (count x MESH_DIM, any scale) kept out of the identity basis in
   * addition to the rig's fields: class-mean differences, within-video variation.
   */
  expressionDirections?: { vectors: ArrayLike<number>; count: number };
  /** Leave the rig's fields in the identity analysis (the plain PCA of neutral faces). Default false. */
  keepFieldsInIdentity?: boolean;
  seed?: number;
}

/**
 * The mean neutral face and identity basis from neutral faces. The code floor (`neutralCode`)
 * is measured afterwards with `measureNeutralCode` (it depends on the identity basis).
 */
export function buildExpressionSpace(neutral: (i: number) => ArrayLike<number>, n: number, basis: ArrayLike<number>, o: SpaceOptions): ExpressionSpace {
  const rows: number[] = [];
  if (!o.keepFieldsInIdentity) for (let t = 0; t < AU_COUNT * MESH_DIM; t++) rows.push(basis[t]!);
  let count = o.keepFieldsInIdentity ? 0 : AU_COUNT;
  if (o.expressionDirections) {
    for (let t = 0; t < o.expressionDirections.count * MESH_DIM; t++) rows.push(o.expressionDirections.vectors[t]!);
    count += o.expressionDirections.count;
  }
  const exclude = count > 0 ? orthonormalRows(rows, count, MESH_DIM) : undefined;
  const pca = principalComponents(neutral, n, MESH_DIM, { components: o.identityComponents, exclude, seed: o.seed ?? 1 });
  return {
    mean: pca.mean, identity: pca.vectors, identityCount: pca.count, identityVariance: pca.variances,
    neutralCode: new Float64Array(AU_COUNT), basis,
  };
}

/** A reader of codes in a space: the NNLS fit against the mean neutral face, identity projected out. */
export function createCodeReader(space: ExpressionSpace, options: { ridge?: number; sweeps?: number } = {}): ExpressionFitter {
  return createExpressionFitter({
    basis: space.basis, reference: space.mean,
    identity: space.identityCount > 0 ? { vectors: space.identity, count: space.identityCount } : undefined,
    ridge: options.ridge, sweeps: options.sweeps,
  });
}

/** The space with its code floor: the mean code of the given neutral faces. */
export function withNeutralCode(space: ExpressionSpace, neutral: (i: number) => ArrayLike<number>, n: number): ExpressionSpace {
  const reader = createCodeReader(space);
  const floor = new Float64Array(AU_COUNT);
  const code = new Float64Array(AU_COUNT);
  for (let i = 0; i < n; i++) {
    reader.fit(neutral(i), undefined, code);
    for (let a = 0; a < AU_COUNT; a++) floor[a] = floor[a]! + code[a]! / n;
  }
  return { ...space, neutralCode: floor };
}

/** Identity coefficients a of an aligned face (its departure from the mean along each identity direction). */
export function identityCoefficients(aligned: ArrayLike<number>, space: ExpressionSpace): Float64Array {
  const a = new Float64Array(space.identityCount);
  for (let j = 0; j < space.identityCount; j++) {
    let s = 0;
    for (let t = 0; t < MESH_DIM; t++) s += space.identity[j * MESH_DIM + t]! * (aligned[t]! - space.mean[t]!);
    a[j] = s;
  }
  return a;
}

export interface Neutralised {
  /** The face with its own expression taken out (canonical frame). */
  neutral: Float64Array;
  /** The face's code as read (AU_COUNT). */
  code: Float64Array;
  /** What was removed: the code above the neutral floor (AU_COUNT, ≥ 0). */
  removed: Float64Array;
  /** RMS residual of the fit per point, cm. */
  rms: number;
}

/** The floor neutraliseFace takes codes out above: the space's removal floor, else its neutral code. */
export function removalFloorOf(space: ExpressionSpace): Float64Array {
  return space.removalFloor ?? space.neutralCode;
}

/**
 * The part of a face's code that neutraliseFace takes out: each unit above the floor
 * (removalFloorOf: what real neutral faces show), 0 for the units in `keep` (indices into ACTION_UNITS).
 */
export function removedCode(code: ArrayLike<number>, floor: ArrayLike<number>, keep: readonly number[] = [], out: Float64Array = new Float64Array(AU_COUNT)): Float64Array {
  for (let a = 0; a < AU_COUNT; a++) out[a] = keep.includes(a) ? 0 : Math.max(0, (code[a] ?? 0) - (floor[a] ?? 0));
  return out;
}

/**
 * Estimates a face's own expression and takes it out: the code b0 read against the population's
 * mean neutral face with identity projected out, and the face minus the rig fields at the part
 * of b0 above the space's removal floor (removalFloorOf; so a face that is already neutral stays
 * as it is).
 * Units listed in `keep` (indices into ACTION_UNITS) are left as the face shows them. `floor`
 * replaces the space's removal floor (the mean neutral code, say, for a face about to show an expression).
 */
export function neutraliseFace(canonical: ArrayLike<number>, space: ExpressionSpace, reader: ExpressionFitter = createCodeReader(space), keep: readonly number[] = [], floor: ArrayLike<number> = removalFloorOf(space)): Neutralised {
  const { code, rms } = reader.fit(canonical, undefined, new Float64Array(AU_COUNT));
  const removed = removedCode(code, floor, keep);
  const neutral = Float64Array.from({ length: MESH_DIM }, (_, t) => canonical[t]!);
  for (let a = 0; a < AU_COUNT; a++) {
    const c = removed[a]!;
    if (c === 0) continue;
    const o = a * MESH_DIM;
    for (let t = 0; t < MESH_DIM; t++) neutral[t] = neutral[t]! - c * space.basis[o + t]!;
  }
  return { neutral, code, removed, rms };
}
