/** Small dense linear algebra for 3D geometry. Matrices are row-major number arrays. */

export type Mat3 = [number, number, number, number, number, number, number, number, number];

/** Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations. Returns eigenvalues and column eigenvectors (row-major). */
export function symmetricEigen(a: number[], n: number): { values: number[]; vectors: number[] } {
  const m = a.slice();
  const v = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i]!;
  return { values, vectors: v };
}

/** Rotation matrix from a unit quaternion (w, x, y, z). */
export function quatToMat3(w: number, x: number, y: number, z: number): Mat3 {
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** Rotation from Euler angles: yaw about y, pitch about x, roll about z (applied roll, then pitch, then yaw). */
export function eulerToMat3(yaw: number, pitch: number, roll: number): Mat3 {
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  const cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cr = Math.cos(roll), sr = Math.sin(roll);
  // R = Ry * Rx * Rz
  const rz: Mat3 = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  const rx: Mat3 = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const ry: Mat3 = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  return mul3(ry, mul3(rx, rz));
}

export function mul3(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * b[k * 3 + j]!;
    r[i * 3 + j] = s;
  }
  return r;
}

export function transpose3(a: Mat3): Mat3 {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}

/**
 * Non-negative least squares in Gram form: the b >= 0 minimising 1/2 b'Gb - h'b (G: n x n,
 * symmetric positive definite, row-major), by cyclic coordinate descent until no entry moves by
 * more than 1e-7 or `sweeps` sweeps. Starts from 0; writes into `out` and returns it.
 */
export function nnlsGram(G: ArrayLike<number>, h: ArrayLike<number>, n: number, sweeps: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let it = 0; it < sweeps; it++) {
    let change = 0;
    for (let a = 0; a < n; a++) {
      let g = h[a]!;
      for (let b = 0; b < n; b++) if (b !== a) g -= G[a * n + b]! * out[b]!;
      const v = Math.max(0, g / G[a * n + a]!);
      change = Math.max(change, Math.abs(v - out[a]!));
      out[a] = v;
    }
    if (change < 1e-7) break;
  }
  return out;
}
