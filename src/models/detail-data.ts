/**
 * What the detail model learns from: every face's lighting-normalised texture (the data
 * pipeline's `texture` array, render/uv-texture.ts) at DETAIL_SIZE, read relative to the mean
 * neutral face of its own dataset (so a dataset's blur, grain or contrast never reads as an
 * emotion: FER2013's 48-pixel faces hold most of the sad, fearful and angry faces, muxspace most
 * of the neutral ones), then a texture basis (principal directions) and per-emotion means.
 *
 * Texture maths is plain typed arrays; the principal directions use tfjs for the one big
 * product (the texel covariance).
 */
import type * as TF from '@tensorflow/tfjs';
import { EMOTIONS } from '../core/emotions.ts';
import { symmetricEigen } from '../core/linalg.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import { TEXTURE_MISSING, TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';
import { type FaceSet, TEXTURE_TEXELS } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';

/** The detail model's texture side (the stored textures are UV_SIZE; detail is smooth enough at half). */
export const DETAIL_SIZE = 64;

/** Faces' textures at the detail size: shading (ln-luminance units) and coverage per texel. */
export interface DetailSet {
  n: number;
  size: number;
  shading: Float32Array;
  cover: Uint8Array;
  /** Index into EMOTIONS, part and source, as the FaceSet's. */
  emotion: Uint8Array;
  part: Uint8Array;
  source: Uint8Array;
  sources: number;
}

/** Averages each block of stored texels into one detail texel (covered texels only; none covered: not covered). */
export function downsampleTexture(texture: ArrayLike<number>, size: number, shading: Float32Array, cover: Uint8Array): void {
  const f = UV_SIZE / size;
  if (!Number.isInteger(f) || f < 1) throw new Error(`the detail size must divide ${UV_SIZE}`);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0, count = 0;
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * UV_SIZE + x * f;
        for (let dx = 0; dx < f; dx++) {
          const v = texture[row + dx]!;
          if (v === TEXTURE_MISSING) continue;
          sum += v;
          count++;
        }
      }
      const o = y * size + x;
      shading[o] = count > 0 ? (sum / count) * TEXTURE_STEP : 0;
      cover[o] = count > 0 ? 1 : 0;
    }
  }
}

export function detailSetOf(faces: FaceSet, size = DETAIL_SIZE): DetailSet {
  if (!faces.texture) throw new Error('the faces were read without their textures');
  const texels = size * size;
  const shading = new Float32Array(faces.n * texels), cover = new Uint8Array(faces.n * texels);
  for (let i = 0; i < faces.n; i++) {
    downsampleTexture(faces.texture.subarray(i * TEXTURE_TEXELS, (i + 1) * TEXTURE_TEXELS), size, shading.subarray(i * texels, (i + 1) * texels), cover.subarray(i * texels, (i + 1) * texels));
  }
  return { n: faces.n, size, shading, cover, emotion: faces.emotion, part: faces.part, source: faces.source, sources: faces.sources.length };
}

const NEUTRAL = EMOTIONS.indexOf('neutral');
/** GAN_EMOTIONS slot of an EMOTIONS index (-1: neutral). */
export const slotOf = (emotion: number): number => GAN_EMOTIONS.indexOf(EMOTIONS[emotion] as (typeof GAN_EMOTIONS)[number]);

/** Per source: the mean neutral shading per texel over the given parts (texels no neutral face covers: 0). */
export function neutralMeans(set: DetailSet, parts: readonly number[]): Float32Array {
  const texels = set.size * set.size;
  const sum = new Float64Array(set.sources * texels), count = new Float64Array(set.sources * texels);
  for (let i = 0; i < set.n; i++) {
    if (set.emotion[i] !== NEUTRAL || !parts.includes(set.part[i]!)) continue;
    const s = set.source[i]! * texels, o = i * texels;
    for (let t = 0; t < texels; t++) if (set.cover[o + t]) { sum[s + t] = sum[s + t]! + set.shading[o + t]!; count[s + t] = count[s + t]! + 1; }
  }
  return Float32Array.from(sum, (v, k) => (count[k]! > 0 ? v / count[k]! : 0));
}

/** A face's detail: its shading minus its source's neutral mean, times the mask; 0 where not covered. */
export function detailRow(set: DetailSet, neutral: Float32Array, mask: Float32Array, i: number, out: Float32Array): Float32Array {
  const texels = set.size * set.size, o = i * texels, s = set.source[i]! * texels;
  for (let t = 0; t < texels; t++) out[t] = set.cover[o + t] ? (set.shading[o + t]! - neutral[s + t]!) * mask[t]! : 0;
  return out;
}

/**
 * Per GAN_EMOTIONS slot: the mean detail of that emotion's faces in the given parts (each texel
 * over the faces that cover it; fewer than `minCount` faces: 0), and the face counts. With each
 * face read against its own source's neutral mean, this is "the mean real texture minus the
 * mean neutral texture", dataset by dataset.
 */
export function emotionMeans(set: DetailSet, neutral: Float32Array, mask: Float32Array, parts: readonly number[], minCount = 20): { means: Float32Array; counts: number[] } {
  const texels = set.size * set.size, slots = GAN_EMOTIONS.length;
  const sum = new Float64Array(slots * texels), count = new Float64Array(slots * texels);
  const counts = new Array<number>(slots).fill(0);
  const row = new Float32Array(texels);
  for (let i = 0; i < set.n; i++) {
    const slot = slotOf(set.emotion[i]!);
    if (slot < 0 || !parts.includes(set.part[i]!)) continue;
    counts[slot]!++;
    detailRow(set, neutral, mask, i, row);
    const o = i * texels, b = slot * texels;
    for (let t = 0; t < texels; t++) if (set.cover[o + t]) { sum[b + t] = sum[b + t]! + row[t]!; count[b + t] = count[b + t]! + 1; }
  }
  const means = Float32Array.from(sum, (v, k) => (count[k]! >= minCount ? v / count[k]! : 0));
  return { means, counts };
}

/**
 * Baseline rows (GAN_EMOTIONS slots x size², each already masked by `from`) re-masked by `to`
 * for the slots asked for, in place: each texel times to/from (0 where `from` is 0). Per texel
 * the baseline is linear in the mask (a mean or a line fit of masked maps), so a row re-masked
 * this way is the row `to` would have given; `to` must lie at or under `from` (a narrower region).
 */
export function remaskRows(rows: Float32Array, slots: readonly number[], from: Float32Array, to: Float32Array): Float32Array {
  const n = from.length;
  if (to.length !== n || rows.length % n !== 0) throw new Error('remaskRows: the masks and the rows do not fit one another');
  for (let i = 0; i < n; i++) if (to[i]! > from[i]! + 1e-6) throw new Error('remaskRows: the new mask reaches where the old one did not');
  for (const s of slots) {
    for (let i = 0; i < n; i++) rows[s * n + i] = from[i]! > 0 ? rows[s * n + i]! * (to[i]! / from[i]!) : 0;
  }
  return rows;
}

/**
 * Per GAN_EMOTIONS slot: the detail at intensity 1 under a line through neutral, fitted over that
 * emotion's faces in the given parts: per texel Σ t_i d_i / Σ t_i² over the faces covering it
 * (d_i a face's detail, t_i its intensity label 0..1 from the expression codes; fewer than
 * `minCount` covering faces: 0). The class mean is the detail of the average face of an emotion,
 * whose intensity is well under 1; this is the detail of a face at the intensity the expression
 * model's apex stands for.
 */
export function emotionLines(set: DetailSet, neutral: Float32Array, mask: Float32Array, intensity: ArrayLike<number>, parts: readonly number[], minCount = 20): Float32Array {
  const texels = set.size * set.size, slots = GAN_EMOTIONS.length;
  const num = new Float64Array(slots * texels), den = new Float64Array(slots * texels), count = new Float64Array(slots * texels);
  const row = new Float32Array(texels);
  for (let i = 0; i < set.n; i++) {
    const slot = slotOf(set.emotion[i]!);
    if (slot < 0 || !parts.includes(set.part[i]!)) continue;
    const t = intensity[i]!;
    detailRow(set, neutral, mask, i, row);
    const o = i * texels, b = slot * texels;
    for (let x = 0; x < texels; x++) {
      if (!set.cover[o + x]) continue;
      num[b + x] = num[b + x]! + t * row[x]!;
      den[b + x] = den[b + x]! + t * t;
      count[b + x] = count[b + x]! + 1;
    }
  }
  return Float32Array.from(num, (v, k) => (count[k]! >= minCount && den[k]! > 0 ? v / den[k]! : 0));
}

/**
 * The k principal directions (uncentred: the emotions' mean details are directions the basis
 * must hold) of the rows, by subspace iteration (V <- orth(X^T X V), never forming the texel
 * covariance) and a Rayleigh-Ritz step. Seeded; returns orthonormal rows (k x dim) and the
 * share of the rows' energy each keeps.
 */
export function principalDirections(tf: typeof TF, rows: Float32Array, n: number, dim: number, k: number, seed: number, iterations = 20): { basis: Float32Array; energy: number[]; kept: number } {
  const m = Math.min(dim, k + 8);
  const X = tf.tensor2d(rows, [n, dim]);
  // tfjs-wasm multiplies by a transposed operand slowly (15 s against 0.35 s here): transpose once.
  const Xt = tf.transpose(X);
  try {
    const rng = createRng(subSeed(seed, 'pca'));
    let V = Float32Array.from({ length: dim * m }, () => gaussian(rng)); // dim x m, row-major
    const orthonormalise = (A: Float32Array) => {
      for (let j = 0; j < m; j++) {
        for (let p = 0; p < j; p++) {
          let dot = 0;
          for (let r = 0; r < dim; r++) dot += A[r * m + j]! * A[r * m + p]!;
          for (let r = 0; r < dim; r++) A[r * m + j] = A[r * m + j]! - dot * A[r * m + p]!;
        }
        let norm = 0;
        for (let r = 0; r < dim; r++) norm += A[r * m + j]! ** 2;
        norm = Math.sqrt(norm) || 1;
        for (let r = 0; r < dim; r++) A[r * m + j] = A[r * m + j]! / norm;
      }
    };
    orthonormalise(V);
    for (let it = 0; it < iterations; it++) {
      V = tf.tidy(() => tf.matMul(Xt, tf.matMul(X, tf.tensor2d(V, [dim, m]))).dataSync() as Float32Array).slice();
      orthonormalise(V);
    }
    const T = tf.tidy(() => { const XV = tf.matMul(X, tf.tensor2d(V, [dim, m])); return Array.from(tf.div(tf.matMul(tf.transpose(XV), XV), n).dataSync()); });
    const { values, vectors } = symmetricEigen(T, m);
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    const basis = new Float32Array(k * dim);
    for (let c = 0; c < k; c++) {
      const e = order[c]!;
      for (let r = 0; r < dim; r++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += V[r * m + j]! * vectors[j * m + e]!;
        basis[c * dim + r] = s;
      }
    }
    let total = 0;
    for (let i = 0; i < n * dim; i++) total += rows[i]! ** 2;
    total /= n;
    const energy = order.slice(0, k).map((e) => values[e]! / total);
    return { basis, energy, kept: energy.reduce((a, b) => a + b, 0) };
  } finally {
    X.dispose();
    Xt.dispose();
  }
}

/** The basis coefficients of a row (k dot products). */
export function project(basis: Float32Array, k: number, row: ArrayLike<number>, out = new Float32Array(k)): Float32Array {
  const dim = basis.length / k;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let t = 0; t < dim; t++) s += basis[c * dim + t]! * row[t]!;
    out[c] = s;
  }
  return out;
}

/** Share of a map's energy the basis keeps (1: exactly representable). */
export function keptShare(basis: Float32Array, k: number, row: ArrayLike<number>): number {
  const c = project(basis, k, row);
  let e = 0, total = 0;
  for (let i = 0; i < c.length; i++) e += c[i]! ** 2;
  for (let t = 0; t < row.length; t++) total += row[t]! ** 2;
  return total > 0 ? e / total : 1;
}

// ---------------------------------------------------------------------------------------------
// How much of what a photo's shape reads its skin shows (the detail layer's rest gains)

/**
 * For the rest gains: per face, the amounts read from its own code (what DetailLayer.fromRest
 * receives: n x slots), and its detail row's products with each emotion's baseline map.
 */
export interface RestStats {
  n: number;
  slots: number;
  /** n x slots: the amounts read from each face's own code (≥ 0). */
  amounts: Float64Array;
  /** n x slots: row · baseline_e (only where the amount is above 1e-3). */
  rowDotMap: Float64Array;
  /** n: row · row. */
  rowEnergy: Float64Array;
  /** slots x slots: baseline_e · baseline_f. */
  mapDotMap: Float64Array;
}

export function restStats(set: DetailSet, neutral: Float32Array, mask: Float32Array, baseline: Float32Array, amounts: Float64Array): RestStats {
  const texels = set.size * set.size, slots = baseline.length / texels;
  if (!Number.isInteger(slots) || amounts.length !== set.n * slots) throw new Error('restStats: the amounts hold one row of slots per face, and the baseline one map per slot');
  const mapDotMap = new Float64Array(slots * slots);
  for (let k = 0; k < slots; k++) {
    for (let l = 0; l < slots; l++) {
      let s = 0;
      for (let t = 0; t < texels; t++) s += baseline[k * texels + t]! * baseline[l * texels + t]!;
      mapDotMap[k * slots + l] = s;
    }
  }
  const rowDotMap = new Float64Array(set.n * slots), rowEnergy = new Float64Array(set.n), row = new Float32Array(texels);
  for (let i = 0; i < set.n; i++) {
    detailRow(set, neutral, mask, i, row);
    let e = 0;
    for (let t = 0; t < texels; t++) e += row[t]! ** 2;
    rowEnergy[i] = e;
    for (let k = 0; k < slots; k++) {
      if (amounts[i * slots + k]! <= 1e-3) continue;
      let s = 0;
      for (let t = 0; t < texels; t++) s += row[t]! * baseline[k * texels + t]!;
      rowDotMap[i * slots + k] = s;
    }
  }
  return { n: set.n, slots, amounts, rowDotMap, rowEnergy, mapDotMap };
}

/**
 * The rest gains g (per slot, 0..1) that best explain the faces' detail rows by what their own
 * codes read: least squares of row_i - Σ_e g_e a_ie baseline_e over the given faces, by
 * coordinate descent with each g_e held to 0..1 (the problem is convex, so it converges to its
 * minimum). A slot never read (all amounts 0) keeps gain 0.
 */
export function fitRestGains(stats: RestStats, faces: readonly number[], sweeps = 200): Float64Array {
  const m = stats.slots, M = new Float64Array(m * m), b = new Float64Array(m);
  for (const i of faces) {
    for (let k = 0; k < m; k++) {
      const ak = stats.amounts[i * m + k]!;
      if (ak <= 1e-3) continue;
      b[k] = b[k]! + ak * stats.rowDotMap[i * m + k]!;
      for (let l = 0; l < m; l++) M[k * m + l] = M[k * m + l]! + ak * stats.amounts[i * m + l]! * stats.mapDotMap[k * m + l]!;
    }
  }
  const g = new Float64Array(m);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let k = 0; k < m; k++) {
      const d = M[k * m + k]!;
      if (d <= 1e-12) continue;
      let r = b[k]!;
      for (let l = 0; l < m; l++) if (l !== k) r -= M[k * m + l]! * g[l]!;
      g[k] = Math.min(1, Math.max(0, r / d));
    }
  }
  return g;
}

/**
 * The squared error left in the faces' detail rows after subtracting Σ_e g_e a_ie baseline_e,
 * over their energy (1: the subtraction explains nothing; above 1: it adds detail the faces do
 * not show). NaN without faces.
 */
export function restError(stats: RestStats, gains: ArrayLike<number>, faces: readonly number[]): number {
  const m = stats.slots;
  let err = 0, energy = 0;
  for (const i of faces) {
    let v = stats.rowEnergy[i]!;
    for (let k = 0; k < m; k++) {
      const ck = gains[k]! * stats.amounts[i * m + k]!;
      if (ck === 0) continue;
      v -= 2 * ck * stats.rowDotMap[i * m + k]!;
      for (let l = 0; l < m; l++) v += ck * gains[l]! * stats.amounts[i * m + l]! * stats.mapDotMap[k * m + l]!;
    }
    err += v;
    energy += stats.rowEnergy[i]!;
  }
  return faces.length > 0 && energy > 0 ? err / energy : NaN;
}
