/**
 * A face's appearance in the canonical face's texture (UV) space: unwrap a photo's luminance
 * through its 468-point mesh into MediaPipe's canonical UV layout, normalise the lighting, store
 * it as int8, and project a UV-space texture back onto an image through a mesh.
 *
 * Pure typed-array code: no Node, no DOM, no tfjs (it runs in the data pipeline's workers, in the
 * renderers and in tests).
 *
 * Conventions:
 * - UV: CANONICAL_UVS, 468 x (u, v) in [0, 1], v down; a texture of size S has texel (i, j) (column
 *   i, row j) centred at u = (i + 0.5) / S, v = (j + 0.5) / S. The layout is close to a front view
 *   of the canonical face (u to image right, v down), so a face looking at the camera has the same
 *   triangle winding in the image as in UV space.
 * - Meshes: 468 x (x, y, z) in image pixels (x right, y down); only x and y are used. Image pixel
 *   centres are at +0.5, as in src/render/cpu-warp.ts.
 * - Shading: natural-log luminance, ln(L + 1/255), minus a quadratic surface in (u, v) fitted over
 *   the covered texels; 0 where not covered.
 */
import { CANONICAL_POSITIONS, CANONICAL_TRIANGLES, CANONICAL_UVS, LANDMARK_COUNT } from '../core/topology.ts';
import type { RgbaImage } from './cpu-warp.ts';

/** Texture side in texels. */
export const UV_SIZE = 128;
/** int8 storage: value = int8 * TEXTURE_STEP (natural-log units), so the range is +-127/64 = +-1.98. */
export const TEXTURE_STEP = 1 / 64;
/** int8 value of a texel that is not covered. */
export const TEXTURE_MISSING = -128;
/**
 * A triangle whose image area is under this fraction of its expected area (the canonical face's
 * 3D triangle area at the mesh's scale: what it would cover facing the camera) is not covered:
 * seen that obliquely (over 72.5 degrees from head-on), it holds too few image pixels to trust.
 */
export const MIN_AREA_FRACTION = 0.3;
/** Added to the luminance (0..1) before the logarithm, so black pixels stay finite. */
export const LOG_OFFSET = 1 / 255;

const TRIANGLE_COUNT = CANONICAL_TRIANGLES.length / 3;

function checkMesh(mesh: ArrayLike<number>): void {
  if (mesh.length < LANDMARK_COUNT * 3) throw new Error(`uv-texture: a mesh needs ${LANDMARK_COUNT * 3} values (468 x xyz), got ${mesh.length}`);
}

/** The canonical face's triangle areas, cm^2 (3D). */
const CANONICAL_AREAS: Float64Array = (() => {
  const out = new Float64Array(TRIANGLE_COUNT);
  const p = (i: number, k: number) => CANONICAL_POSITIONS[i * 3 + k]!;
  for (let t = 0; t < TRIANGLE_COUNT; t++) {
    const a = CANONICAL_TRIANGLES[t * 3]!, b = CANONICAL_TRIANGLES[t * 3 + 1]!, c = CANONICAL_TRIANGLES[t * 3 + 2]!;
    const e1 = [p(b, 0) - p(a, 0), p(b, 1) - p(a, 1), p(b, 2) - p(a, 2)] as const;
    const e2 = [p(c, 0) - p(a, 0), p(c, 1) - p(a, 1), p(c, 2) - p(a, 2)] as const;
    const nx = e1[1] * e2[2] - e1[2] * e2[1], ny = e1[2] * e2[0] - e1[0] * e2[2], nz = e1[0] * e2[1] - e1[1] * e2[0];
    out[t] = Math.hypot(nx, ny, nz) / 2;
  }
  return out;
})();

/**
 * The mesh's scale in image pixels per canonical centimetre: the least-squares linear map from the
 * canonical face's 3D points to the mesh's x, y (a scaled orthographic projection when the face is
 * the canonical one, turned any way) has rows of length `scale`; their root mean square is taken.
 */
export function meshScale(mesh: ArrayLike<number>): number {
  checkMesh(mesh);
  const mc = [0, 0, 0], mp = [0, 0];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    for (let k = 0; k < 3; k++) mc[k]! += CANONICAL_POSITIONS[i * 3 + k]!;
    mp[0]! += mesh[i * 3]!; mp[1]! += mesh[i * 3 + 1]!;
  }
  for (let k = 0; k < 3; k++) mc[k]! /= LANDMARK_COUNT;
  mp[0]! /= LANDMARK_COUNT; mp[1]! /= LANDMARK_COUNT;
  // C = sum c c^T (3x3), B = sum p c^T (2x3), P = B C^-1.
  const C = new Float64Array(9), B = new Float64Array(6);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const c0 = CANONICAL_POSITIONS[i * 3]! - mc[0]!, c1 = CANONICAL_POSITIONS[i * 3 + 1]! - mc[1]!, c2 = CANONICAL_POSITIONS[i * 3 + 2]! - mc[2]!;
    const cs = [c0, c1, c2];
    const px = mesh[i * 3]! - mp[0]!, py = mesh[i * 3 + 1]! - mp[1]!;
    for (let r = 0; r < 3; r++) {
      for (let q = 0; q < 3; q++) C[r * 3 + q] = C[r * 3 + q]! + cs[r]! * cs[q]!;
      B[r] = B[r]! + px * cs[r]!;
      B[3 + r] = B[3 + r]! + py * cs[r]!;
    }
  }
  let sum = 0;
  for (let row = 0; row < 2; row++) {
    const m = Float64Array.from(C), r = B.slice(row * 3, row * 3 + 3);
    if (!solve(m, r, 3)) return 0;
    sum += r[0]! * r[0]! + r[1]! * r[1]! + r[2]! * r[2]!;
  }
  return Math.sqrt(sum / 2);
}

/**
 * Which canonical triangles the image shows well enough: 1 where the triangle faces the camera
 * (the same winding in the image as in UV space) and its image area is at least MIN_AREA_FRACTION
 * of its expected area, the canonical face's 3D triangle area at the mesh's scale (meshScale):
 * the fraction is the cosine of the angle between the triangle's normal and the view direction.
 */
export function visibleTriangles(mesh: ArrayLike<number>, size = UV_SIZE): Uint8Array {
  checkMesh(mesh);
  const out = new Uint8Array(TRIANGLE_COUNT);
  const scale = meshScale(mesh);
  if (!(scale > 0)) return out;
  const s2 = scale * scale;
  for (let t = 0; t < TRIANGLE_COUNT; t++) {
    const a = CANONICAL_TRIANGLES[t * 3]!, b = CANONICAL_TRIANGLES[t * 3 + 1]!, c = CANONICAL_TRIANGLES[t * 3 + 2]!;
    const ua = CANONICAL_UVS[a * 2]! * size, va = CANONICAL_UVS[a * 2 + 1]! * size;
    const uvArea = (CANONICAL_UVS[b * 2]! * size - ua) * (CANONICAL_UVS[c * 2 + 1]! * size - va) - (CANONICAL_UVS[c * 2]! * size - ua) * (CANONICAL_UVS[b * 2 + 1]! * size - va);
    const xa = mesh[a * 3]!, ya = mesh[a * 3 + 1]!;
    const imgArea = (mesh[b * 3]! - xa) * (mesh[c * 3 + 1]! - ya) - (mesh[c * 3]! - xa) * (mesh[b * 3 + 1]! - ya);
    if (uvArea === 0 || imgArea * uvArea <= 0) continue; // degenerate or facing away
    if (Math.abs(imgArea) / 2 < MIN_AREA_FRACTION * CANONICAL_AREAS[t]! * s2) continue; // too oblique
    out[t] = 1;
  }
  return out;
}

/**
 * Rasterises triangle (dst corners) over a w x h grid of pixel centres and calls `paint(pixel,
 * sx, sy)` with the matching point of the source triangle (affine map, source pixel-centre
 * convention: a source coordinate of k + 0.5 is the centre of pixel k).
 */
function rasterise(
  dx0: number, dy0: number, dx1: number, dy1: number, dx2: number, dy2: number,
  sx0: number, sy0: number, sx1: number, sy1: number, sx2: number, sy2: number,
  w: number, h: number, paint: (pixel: number, sx: number, sy: number) => void,
): void {
  const det = (dx1 - dx0) * (dy2 - dy0) - (dx2 - dx0) * (dy1 - dy0);
  if (!(Math.abs(det) > 1e-12)) return;
  const inv = 1 / det;
  const l1x = (dy2 - dy0) * inv, l1y = -(dx2 - dx0) * inv;
  const l2x = -(dy1 - dy0) * inv, l2y = (dx1 - dx0) * inv;
  const minX = Math.max(0, Math.floor(Math.min(dx0, dx1, dx2)));
  const maxX = Math.min(w - 1, Math.ceil(Math.max(dx0, dx1, dx2)));
  const minY = Math.max(0, Math.floor(Math.min(dy0, dy1, dy2)));
  const maxY = Math.min(h - 1, Math.ceil(Math.max(dy0, dy1, dy2)));
  const e1x = sx1 - sx0, e1y = sy1 - sy0, e2x = sx2 - sx0, e2y = sy2 - sy0;
  const eps = 1e-6;
  for (let y = minY; y <= maxY; y++) {
    const py = y + 0.5 - dy0;
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5 - dx0;
      const l1 = l1x * px + l1y * py;
      const l2 = l2x * px + l2y * py;
      if (l1 < -eps || l2 < -eps || l1 + l2 > 1 + eps) continue;
      paint(y * w + x, sx0 + l1 * e1x + l2 * e2x, sy0 + l1 * e1y + l2 * e2y);
    }
  }
}

/**
 * The image's luminance (0..1, 0.299 R + 0.587 G + 0.114 B, bilinear) unwrapped into UV space:
 * every canonical triangle (eye and mouth openings included) that the image shows facing the
 * camera and not too obliquely (visibleTriangles) is rasterised at dst = uv * size, sampling the
 * image through the mesh's x, y. `coverage` is 1 on the texels that were filled.
 */
export function unwrapLuminance(image: RgbaImage, mesh: ArrayLike<number>, size = UV_SIZE): { luminance: Float32Array; coverage: Uint8Array } {
  checkMesh(mesh);
  const luminance = new Float32Array(size * size);
  const coverage = new Uint8Array(size * size);
  const { data, width: iw, height: ih } = image;
  if (iw <= 0 || ih <= 0) return { luminance, coverage };
  const xMax = iw - 1, yMax = ih - 1;
  const lum = (o: number) => 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
  const paint = (p: number, sx: number, sy: number) => {
    let x = sx - 0.5, y = sy - 0.5;
    if (x < 0) x = 0; else if (x > xMax) x = xMax;
    if (y < 0) y = 0; else if (y > yMax) y = yMax;
    const ix = x | 0, iy = y | 0, fx = x - ix, fy = y - iy;
    const o00 = (iy * iw + ix) * 4;
    const o10 = ix < xMax ? o00 + 4 : o00;
    const o01 = iy < yMax ? o00 + iw * 4 : o00;
    const o11 = ix < xMax ? o01 + 4 : o01;
    const v = (lum(o00) * (1 - fx) + lum(o10) * fx) * (1 - fy) + (lum(o01) * (1 - fx) + lum(o11) * fx) * fy;
    luminance[p] = v / 255;
    coverage[p] = 1;
  };
  const visible = visibleTriangles(mesh, size);
  for (let t = 0; t < TRIANGLE_COUNT; t++) {
    if (!visible[t]) continue;
    const a = CANONICAL_TRIANGLES[t * 3]!, b = CANONICAL_TRIANGLES[t * 3 + 1]!, c = CANONICAL_TRIANGLES[t * 3 + 2]!;
    rasterise(
      CANONICAL_UVS[a * 2]! * size, CANONICAL_UVS[a * 2 + 1]! * size, CANONICAL_UVS[b * 2]! * size, CANONICAL_UVS[b * 2 + 1]! * size, CANONICAL_UVS[c * 2]! * size, CANONICAL_UVS[c * 2 + 1]! * size,
      mesh[a * 3]!, mesh[a * 3 + 1]!, mesh[b * 3]!, mesh[b * 3 + 1]!, mesh[c * 3]!, mesh[c * 3 + 1]!,
      size, size, paint,
    );
  }
  return { luminance, coverage };
}

/** Solves the symmetric n x n system m x = r in place (Gaussian elimination, partial pivoting); false when singular. */
function solve(m: Float64Array, r: Float64Array, n: number): boolean {
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]!) > Math.abs(m[piv * n + k]!)) piv = i;
    if (!(Math.abs(m[piv * n + k]!) > 1e-12)) return false;
    if (piv !== k) {
      for (let j = 0; j < n; j++) { const t = m[k * n + j]!; m[k * n + j] = m[piv * n + j]!; m[piv * n + j] = t; }
      const t = r[k]!; r[k] = r[piv]!; r[piv] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k]! / m[k * n + k]!;
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i * n + j] = m[i * n + j]! - f * m[k * n + j]!;
      r[i] = r[i]! - f * r[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = r[k]!;
    for (let j = k + 1; j < n; j++) s -= m[k * n + j]! * r[j]!;
    r[k] = s / m[k * n + k]!;
  }
  return true;
}

/**
 * Lighting-normalised shading: ln(L + LOG_OFFSET) minus the least-squares quadratic surface
 * c0 + c1 u + c2 v + c3 u^2 + c4 uv + c5 v^2 fitted over the covered texels (u, v centred on the
 * texture's middle); 0 on the texels that are not covered. The surface takes away the light's
 * direction and the skin's overall brightness; what stays is local shading: folds, wrinkles,
 * shadows, the eyes, brows and lips. With under 12 covered texels only the mean is taken away.
 */
export function normaliseLighting(luminance: Float32Array, coverage: Uint8Array, size = UV_SIZE): Float32Array {
  const n = size * size;
  if (luminance.length < n || coverage.length < n) throw new Error(`uv-texture: normaliseLighting needs ${n} texels`);
  const out = new Float32Array(n);
  const m = new Float64Array(36), r = new Float64Array(6), f = new Float64Array(6);
  let count = 0, sum = 0;
  const feat = (p: number) => {
    const u = ((p % size) + 0.5) / size - 0.5, v = (Math.floor(p / size) + 0.5) / size - 0.5;
    f[0] = 1; f[1] = u; f[2] = v; f[3] = u * u; f[4] = u * v; f[5] = v * v;
  };
  for (let p = 0; p < n; p++) {
    if (!coverage[p]) continue;
    const y = Math.log(Math.max(0, luminance[p]!) + LOG_OFFSET);
    out[p] = y;
    count++; sum += y;
    feat(p);
    for (let i = 0; i < 6; i++) {
      r[i] = r[i]! + f[i]! * y;
      for (let j = i; j < 6; j++) m[i * 6 + j] = m[i * 6 + j]! + f[i]! * f[j]!;
    }
  }
  if (count === 0) return out;
  for (let i = 0; i < 6; i++) for (let j = 0; j < i; j++) m[i * 6 + j] = m[j * 6 + i]!;
  const quadratic = count >= 12 && solve(m, r, 6);
  const mean = sum / count;
  for (let p = 0; p < n; p++) {
    if (!coverage[p]) continue;
    if (quadratic) {
      feat(p);
      let s = 0;
      for (let i = 0; i < 6; i++) s += r[i]! * f[i]!;
      out[p] = out[p]! - s;
    } else {
      out[p] = out[p]! - mean;
    }
  }
  return out;
}

/** Quantises shading to int8 (value / TEXTURE_STEP, rounded, clamped to +-127); uncovered texels become TEXTURE_MISSING. */
export function encodeTexture(shading: Float32Array, coverage: Uint8Array): Int8Array {
  const n = Math.min(shading.length, coverage.length);
  const out = new Int8Array(n);
  for (let p = 0; p < n; p++) {
    if (!coverage[p]) { out[p] = TEXTURE_MISSING; continue; }
    const q = Math.round(shading[p]! / TEXTURE_STEP);
    out[p] = q > 127 ? 127 : q < -127 ? -127 : Number.isNaN(q) ? 0 : q;
  }
  return out;
}

/** The inverse of encodeTexture: shading (0 where not covered) and coverage. */
export function decodeTexture(texture: Int8Array): { shading: Float32Array; coverage: Uint8Array } {
  const n = texture.length;
  const shading = new Float32Array(n), coverage = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const q = texture[p]!;
    if (q === TEXTURE_MISSING) continue;
    shading[p] = q * TEXTURE_STEP;
    coverage[p] = 1;
  }
  return { shading, coverage };
}

/**
 * Projects a UV-space texture (size x size values, e.g. luminance or shading) onto a width x
 * height image through a mesh (468 x xyz, image pixels): every visible triangle (visibleTriangles:
 * facing the camera, not too oblique) is rasterised at the mesh's x, y, sampling the texture
 * bilinearly at uv * size over its covered texels. `mask` is 1 on the image pixels that got a
 * value. There is no depth test: the triangles a face shows at moderate head turns do not overlap.
 */
export function projectTexture(
  texture: Float32Array, coverage: Uint8Array | undefined, mesh: ArrayLike<number>, width: number, height: number, size = UV_SIZE,
): { values: Float32Array; mask: Uint8Array } {
  checkMesh(mesh);
  if (texture.length < size * size) throw new Error(`uv-texture: projectTexture needs ${size * size} texels`);
  const values = new Float32Array(width * height), mask = new Uint8Array(width * height);
  const tMax = size - 1;
  const paint = (p: number, su: number, sv: number) => {
    let x = su - 0.5, y = sv - 0.5;
    if (x < 0) x = 0; else if (x > tMax) x = tMax;
    if (y < 0) y = 0; else if (y > tMax) y = tMax;
    const ix = x | 0, iy = y | 0, fx = x - ix, fy = y - iy;
    const i00 = iy * size + ix, i10 = ix < tMax ? i00 + 1 : i00, i01 = iy < tMax ? i00 + size : i00, i11 = ix < tMax ? i01 + 1 : i01;
    const w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
    if (!coverage) {
      values[p] = texture[i00]! * w00 + texture[i10]! * w10 + texture[i01]! * w01 + texture[i11]! * w11;
      mask[p] = 1;
      return;
    }
    // Only covered texels count; their weights are renormalised.
    let s = 0, w = 0;
    if (coverage[i00]) { s += texture[i00]! * w00; w += w00; }
    if (coverage[i10]) { s += texture[i10]! * w10; w += w10; }
    if (coverage[i01]) { s += texture[i01]! * w01; w += w01; }
    if (coverage[i11]) { s += texture[i11]! * w11; w += w11; }
    if (w > 1e-6) { values[p] = s / w; mask[p] = 1; }
  };
  const visible = visibleTriangles(mesh, size);
  for (let t = 0; t < TRIANGLE_COUNT; t++) {
    if (!visible[t]) continue;
    const a = CANONICAL_TRIANGLES[t * 3]!, b = CANONICAL_TRIANGLES[t * 3 + 1]!, c = CANONICAL_TRIANGLES[t * 3 + 2]!;
    rasterise(
      mesh[a * 3]!, mesh[a * 3 + 1]!, mesh[b * 3]!, mesh[b * 3 + 1]!, mesh[c * 3]!, mesh[c * 3 + 1]!,
      CANONICAL_UVS[a * 2]! * size, CANONICAL_UVS[a * 2 + 1]! * size, CANONICAL_UVS[b * 2]! * size, CANONICAL_UVS[b * 2 + 1]! * size, CANONICAL_UVS[c * 2]! * size, CANONICAL_UVS[c * 2 + 1]! * size,
      width, height, paint,
    );
  }
  return { values, mask };
}

/** Unwraps and normalises in one go, then quantises: what the data pipeline stores per face. */
export function unwrapTexture(image: RgbaImage, mesh: ArrayLike<number>, size = UV_SIZE): Int8Array {
  const { luminance, coverage } = unwrapLuminance(image, mesh, size);
  return encodeTexture(normaliseLighting(luminance, coverage, size), coverage);
}
