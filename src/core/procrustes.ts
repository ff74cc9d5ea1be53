/**
 * Similarity alignment (Procrustes / Horn's quaternion method): finds scale s, rotation R and
 * translation t minimising sum |s R a_i + t - b_i|^2. Points are flat xyz arrays.
 */
import { type Mat3, quatToMat3, symmetricEigen } from './linalg.ts';

export type Points = ArrayLike<number>;

export interface Similarity {
  scale: number;
  /** Row-major 3x3 rotation (proper, det = +1). */
  rotation: Mat3;
  translation: [number, number, number];
}

export const IDENTITY_SIMILARITY: Similarity = Object.freeze({
  scale: 1,
  rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3,
  translation: [0, 0, 0] as [number, number, number],
});

function centroid(p: Points, idx: readonly number[]): [number, number, number] {
  let x = 0, y = 0, z = 0;
  for (const i of idx) { x += p[i * 3]!; y += p[i * 3 + 1]!; z += p[i * 3 + 2]!; }
  const n = idx.length;
  return [x / n, y / n, z / n];
}

/**
 * Fits b ≈ s R a + t over the given point indices (all points when omitted).
 * Throws on fewer than 3 points or degenerate (all coincident) input.
 */
export function fitSimilarity(a: Points, b: Points, indices?: readonly number[]): Similarity {
  const n = Math.min(a.length, b.length) / 3;
  const idx = indices ?? Array.from({ length: n }, (_, i) => i);
  if (idx.length < 3) throw new Error('fitSimilarity needs at least 3 points');
  const ca = centroid(a, idx);
  const cb = centroid(b, idx);
  const m = new Array<number>(9).fill(0);
  let aa = 0;
  for (const i of idx) {
    const ax = a[i * 3]! - ca[0], ay = a[i * 3 + 1]! - ca[1], az = a[i * 3 + 2]! - ca[2];
    const bx = b[i * 3]! - cb[0], by = b[i * 3 + 1]! - cb[1], bz = b[i * 3 + 2]! - cb[2];
    const av = [ax, ay, az], bv = [bx, by, bz];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r * 3 + c] = m[r * 3 + c]! + av[r]! * bv[c]!;
    aa += ax * ax + ay * ay + az * az;
  }
  if (!(aa > 1e-12)) throw new Error('fitSimilarity: source points are degenerate');
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = m as Mat3;
  const nmat = [
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ];
  const { values, vectors } = symmetricEigen(nmat, 4);
  let best = 0;
  for (let i = 1; i < 4; i++) if (values[i]! > values[best]!) best = i;
  const q = [vectors[best]!, vectors[4 + best]!, vectors[8 + best]!, vectors[12 + best]!];
  const qn = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!);
  const rotation = quatToMat3(q[0]! / qn, q[1]! / qn, q[2]! / qn, q[3]! / qn);
  let num = 0;
  for (const i of idx) {
    const ax = a[i * 3]! - ca[0], ay = a[i * 3 + 1]! - ca[1], az = a[i * 3 + 2]! - ca[2];
    const bx = b[i * 3]! - cb[0], by = b[i * 3 + 1]! - cb[1], bz = b[i * 3 + 2]! - cb[2];
    const rx = rotation[0] * ax + rotation[1] * ay + rotation[2] * az;
    const ry = rotation[3] * ax + rotation[4] * ay + rotation[5] * az;
    const rz = rotation[6] * ax + rotation[7] * ay + rotation[8] * az;
    num += rx * bx + ry * by + rz * bz;
  }
  const scale = num / aa;
  const translation: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    translation[r] = cb[r]! - scale * (rotation[r * 3]! * ca[0] + rotation[r * 3 + 1]! * ca[1] + rotation[r * 3 + 2]! * ca[2]);
  }
  return { scale, rotation, translation };
}

/** Applies s R p + t to every point. */
export function applySimilarity(t: Similarity, p: Points, out = new Float64Array(p.length)): Float64Array {
  const R = t.rotation;
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i]!, y = p[i + 1]!, z = p[i + 2]!;
    out[i] = t.scale * (R[0] * x + R[1] * y + R[2] * z) + t.translation[0];
    out[i + 1] = t.scale * (R[3] * x + R[4] * y + R[5] * z) + t.translation[1];
    out[i + 2] = t.scale * (R[6] * x + R[7] * y + R[8] * z) + t.translation[2];
  }
  return out;
}

/** Applies the inverse transform: R^T (p - t) / s. */
export function invertSimilarityApply(t: Similarity, p: Points, out = new Float64Array(p.length)): Float64Array {
  const R = t.rotation;
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i]! - t.translation[0], y = p[i + 1]! - t.translation[1], z = p[i + 2]! - t.translation[2];
    out[i] = (R[0] * x + R[3] * y + R[6] * z) / t.scale;
    out[i + 1] = (R[1] * x + R[4] * y + R[7] * z) / t.scale;
    out[i + 2] = (R[2] * x + R[5] * y + R[8] * z) / t.scale;
  }
  return out;
}

/** Rotates and scales vectors (no translation): s R v. */
export function applyLinear(t: Similarity, v: Points, out = new Float64Array(v.length)): Float64Array {
  const R = t.rotation;
  for (let i = 0; i < v.length; i += 3) {
    const x = v[i]!, y = v[i + 1]!, z = v[i + 2]!;
    out[i] = t.scale * (R[0] * x + R[1] * y + R[2] * z);
    out[i + 1] = t.scale * (R[3] * x + R[4] * y + R[5] * z);
    out[i + 2] = t.scale * (R[6] * x + R[7] * y + R[8] * z);
  }
  return out;
}

/** Root-mean-square distance between two point sets over the given indices. */
export function rmsDistance(a: Points, b: Points, indices?: readonly number[]): number {
  const n = Math.min(a.length, b.length) / 3;
  const idx = indices ?? Array.from({ length: n }, (_, i) => i);
  let s = 0;
  for (const i of idx) s += (a[i * 3]! - b[i * 3]!) ** 2 + (a[i * 3 + 1]! - b[i * 3 + 1]!) ** 2 + (a[i * 3 + 2]! - b[i * 3 + 2]!) ** 2;
  return Math.sqrt(s / idx.length);
}
