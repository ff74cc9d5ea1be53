/**
 * Measurements of expression codes (pure maths on rows of numbers): Fréchet distance between
 * two sets of codes, diversity, spread. Rows are `dim` numbers each, packed in one array.
 */
import { symmetricEigen } from '../core/linalg.ts';

export interface Moments { mean: Float64Array; cov: Float64Array; n: number }

export function moments(rows: ArrayLike<number>, dim: number): Moments {
  const n = Math.floor(rows.length / dim);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) mean[a] = mean[a]! + rows[i * dim + a]! / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = rows[i * dim + a]! - mean[a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b] = cov[a * dim + b]! + da * (rows[i * dim + b]! - mean[b]!);
    }
  }
  const div = Math.max(1, n - 1);
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) { cov[a * dim + b] = cov[a * dim + b]! / div; cov[b * dim + a] = cov[a * dim + b]!; }
  return { mean, cov, n };
}

/** Symmetric PSD square root (eigenvalues clipped at 0). */
function sqrtPsd(m: ArrayLike<number>, dim: number): Float64Array {
  const { values, vectors } = symmetricEigen(Array.from(m), dim);
  const out = new Float64Array(dim * dim);
  for (let k = 0; k < dim; k++) {
    const s = Math.sqrt(Math.max(0, values[k]!));
    if (s === 0) continue;
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = out[i * dim + j]! + s * vectors[i * dim + k]! * vectors[j * dim + k]!;
  }
  return out;
}

function mul(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): Float64Array {
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let k = 0; k < dim; k++) {
    const v = a[i * dim + k]!;
    if (v === 0) continue;
    for (let j = 0; j < dim; j++) out[i * dim + j] = out[i * dim + j]! + v * b[k * dim + j]!;
  }
  return out;
}

/**
 * Fréchet distance between two Gaussians fitted to the rows (the FID formula on codes):
 * |μ1 - μ2|² + tr(Σ1 + Σ2 - 2 (Σ1^½ Σ2 Σ1^½)^½).
 */
export function frechetDistance(a: Moments, b: Moments): number {
  const dim = a.mean.length;
  let d = 0;
  for (let k = 0; k < dim; k++) d += (a.mean[k]! - b.mean[k]!) ** 2;
  const s1 = sqrtPsd(a.cov, dim);
  const m = mul(mul(s1, b.cov, dim), s1, dim);
  // Symmetrise against rounding before the eigen-decomposition.
  for (let i = 0; i < dim; i++) for (let j = i + 1; j < dim; j++) { const v = (m[i * dim + j]! + m[j * dim + i]!) / 2; m[i * dim + j] = v; m[j * dim + i] = v; }
  const { values } = symmetricEigen(Array.from(m), dim);
  let tr = 0;
  for (let k = 0; k < dim; k++) tr += a.cov[k * dim + k]! + b.cov[k * dim + k]!;
  for (const v of values) tr -= 2 * Math.sqrt(Math.max(0, v));
  return d + Math.max(0, tr);
}

export function frechetOfRows(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  return frechetDistance(moments(a, dim), moments(b, dim));
}

/** Mean Euclidean distance between pairs of rows (all pairs up to `maxPairs`, else a fixed stride sample). */
export function meanPairwiseDistance(rows: ArrayLike<number>, dim: number, maxRows = 400): number {
  const n = Math.floor(rows.length / dim);
  const m = Math.min(n, maxRows);
  if (m < 2) return 0;
  const step = n / m;
  const idx = Array.from({ length: m }, (_, i) => Math.floor(i * step));
  let s = 0, c = 0;
  for (let x = 0; x < m; x++) for (let y = x + 1; y < m; y++) {
    let d = 0;
    for (let a = 0; a < dim; a++) d += (rows[idx[x]! * dim + a]! - rows[idx[y]! * dim + a]!) ** 2;
    s += Math.sqrt(d);
    c++;
  }
  return s / c;
}

/** Total variance (trace of the covariance) of the rows. */
export function totalVariance(rows: ArrayLike<number>, dim: number): number {
  const { cov } = moments(rows, dim);
  let t = 0;
  for (let a = 0; a < dim; a++) t += cov[a * dim + a]!;
  return t;
}

/** The q-quantile (0..1) of values, by linear interpolation. */
export function quantileOf(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const p = Math.min(Math.max(q, 0), 1) * (s.length - 1);
  const lo = Math.floor(p), hi = Math.ceil(p);
  return s[lo]! + (s[hi]! - s[lo]!) * (p - lo);
}

/**
 * Fraction of the rows' total variance that lies between groups (the intra-class correlation of
 * the grouping, pooled over dimensions): 0 when the groups share one distribution, 1 when each
 * group is a single point.
 */
export function betweenGroupFraction(rows: ArrayLike<number>, dim: number, group: ArrayLike<number>): number {
  const n = Math.floor(rows.length / dim);
  const all = moments(rows, dim).mean;
  const sums = new Map<number, { s: Float64Array; n: number }>();
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    let e = sums.get(g);
    if (!e) { e = { s: new Float64Array(dim), n: 0 }; sums.set(g, e); }
    for (let a = 0; a < dim; a++) e.s[a] = e.s[a]! + rows[i * dim + a]!;
    e.n++;
  }
  let between = 0, total = 0;
  for (const e of sums.values()) for (let a = 0; a < dim; a++) between += e.n * (e.s[a]! / e.n - all[a]!) ** 2;
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) total += (rows[i * dim + a]! - all[a]!) ** 2;
  return total > 0 ? between / total : 0;
}

/**
 * Intra-class correlation ICC(1) of rows grouped (one-way random effects, pooled over dimensions):
 * the share of variance due to the group, corrected for the chance agreement of small groups.
 * 0: the group tells nothing; 1: rows of a group are identical.
 */
export function intraclassCorrelation(rows: ArrayLike<number>, dim: number, group: ArrayLike<number>): number {
  const n = Math.floor(rows.length / dim);
  const all = moments(rows, dim).mean;
  const sums = new Map<number, { s: Float64Array; n: number }>();
  for (let i = 0; i < n; i++) {
    let e = sums.get(group[i]!);
    if (!e) { e = { s: new Float64Array(dim), n: 0 }; sums.set(group[i]!, e); }
    for (let a = 0; a < dim; a++) e.s[a] = e.s[a]! + rows[i * dim + a]!;
    e.n++;
  }
  const G = sums.size;
  if (G < 2 || n <= G) return NaN;
  let ssb = 0, ssw = 0, sq = 0;
  for (const e of sums.values()) { for (let a = 0; a < dim; a++) ssb += e.n * (e.s[a]! / e.n - all[a]!) ** 2; sq += e.n * e.n; }
  for (let i = 0; i < n; i++) { const e = sums.get(group[i]!)!; for (let a = 0; a < dim; a++) ssw += (rows[i * dim + a]! - e.s[a]! / e.n) ** 2; }
  const msb = ssb / (G - 1), msw = ssw / (n - G);
  const n0 = (n - sq / n) / (G - 1);
  const d = msb + (n0 - 1) * msw;
  return d > 0 ? (msb - msw) / d : NaN;
}
