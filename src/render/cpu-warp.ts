/**
 * CPU rasteriser for the photo warp: affine texture mapping per triangle with bilinear
 * sampling, plus the eye and mouth-interior passes. Pure typed-array code (runs in Node and workers).
 * Images are RGBA, row-major, 4 bytes per pixel.
 */
import { EYE_OPENING_TRIANGLES, type EyeSource, type EyeTarget, eyePixel } from './eyes.ts';
import { mouthEdgeCoverage, mouthInteriorColour, type WarpGeometry } from './geometry.ts';
import { chromaWeight, interiorColour, type MouthInterior } from './mouth-interior.ts';

export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Per-triangle raster set-up: barycentric l1, l2 as affine functions of the pixel centre, and the clipped bounding box. */
export interface TriangleSetup { l1x: number; l1y: number; l2x: number; l2y: number; minX: number; maxX: number; minY: number; maxY: number }

/** Fills `s` for the triangle (corners in pixels) over a w x h grid; false for a degenerate triangle. */
export function setupTriangle(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number, w: number, h: number, s: TriangleSetup): boolean {
  const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (Math.abs(det) < 1e-9) return false;
  const inv = 1 / det;
  s.l1x = (y2 - y0) * inv; s.l1y = -(x2 - x0) * inv;
  s.l2x = -(y1 - y0) * inv; s.l2y = (x1 - x0) * inv;
  s.minX = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
  s.maxX = Math.min(w - 1, Math.ceil(Math.max(x0, x1, x2)));
  s.minY = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
  s.maxY = Math.min(h - 1, Math.ceil(Math.max(y0, y1, y2)));
  return true;
}

export const newSetup = (): TriangleSetup => ({ l1x: 0, l1y: 0, l2x: 0, l2y: 0, minX: 0, maxX: 0, minY: 0, maxY: 0 });

/**
 * Paints every triangle of `tris` into dst, sampling src through the affine map that takes the
 * triangle's target corners (dstPts) to its source corners (srcPts). Pixel centres are at +0.5.
 */
export function warpTriangles(src: RgbaImage, dst: RgbaImage, srcPts: ArrayLike<number>, dstPts: ArrayLike<number>, tris: ArrayLike<number>): void {
  const sw = src.width, sh = src.height, sd = src.data;
  const dw = dst.width, dh = dst.height, dd = dst.data;
  const sxMax = sw - 1, syMax = sh - 1;
  const st = newSetup();
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t]!, b = tris[t + 1]!, c = tris[t + 2]!;
    const x0 = dstPts[a * 2]!, y0 = dstPts[a * 2 + 1]!;
    if (!setupTriangle(x0, y0, dstPts[b * 2]!, dstPts[b * 2 + 1]!, dstPts[c * 2]!, dstPts[c * 2 + 1]!, dw, dh, st)) continue;
    const { l1x, l1y, l2x, l2y, minX, maxX, minY, maxY } = st;
    const u0 = srcPts[a * 2]!, v0 = srcPts[a * 2 + 1]!;
    const du1 = srcPts[b * 2]! - u0, dv1 = srcPts[b * 2 + 1]! - v0;
    const du2 = srcPts[c * 2]! - u0, dv2 = srcPts[c * 2 + 1]! - v0;
    const eps = -1e-6;
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5 - y0;
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5 - x0;
        const l1 = l1x * px + l1y * py;
        const l2 = l2x * px + l2y * py;
        if (l1 < eps || l2 < eps || l1 + l2 > 1 - eps) continue;
        let sx = u0 + l1 * du1 + l2 * du2 - 0.5;
        let sy = v0 + l1 * dv1 + l2 * dv2 - 0.5;
        if (sx < 0) sx = 0; else if (sx > sxMax) sx = sxMax;
        if (sy < 0) sy = 0; else if (sy > syMax) sy = syMax;
        const ix = sx | 0, iy = sy | 0;
        const fx = sx - ix, fy = sy - iy;
        const ix1 = ix < sxMax ? 1 : 0, iy1 = iy < syMax ? sw : 0;
        const p00 = (iy * sw + ix) * 4, p10 = p00 + ix1 * 4, p01 = p00 + iy1 * 4, p11 = p01 + ix1 * 4;
        const w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
        const o = (y * dw + x) * 4;
        dd[o] = sd[p00]! * w00 + sd[p10]! * w10 + sd[p01]! * w01 + sd[p11]! * w11;
        dd[o + 1] = sd[p00 + 1]! * w00 + sd[p10 + 1]! * w10 + sd[p01 + 1]! * w01 + sd[p11 + 1]! * w11;
        dd[o + 2] = sd[p00 + 2]! * w00 + sd[p10 + 2]! * w10 + sd[p01 + 2]! * w01 + sd[p11 + 2]! * w11;
        dd[o + 3] = 255;
      }
    }
  }
}

/**
 * Paints the mouth interior over the mouth triangles with opacity `openness` (0..1).
 * `gaps` holds, per vertex, the lip gap at its column (pixels); mouthWidth is in pixels.
 * With `learned`, the colour is the learned table at the pixel's (u, v) and the face's lip
 * openness (gap at the centre over the width), times the photo's skin; else the procedural one.
 */
export function paintMouth(dst: RgbaImage, geom: WarpGeometry, dstPts: ArrayLike<number>, gaps: ArrayLike<number>, mouthWidth: number, openness: number, learned?: MouthInterior): void {
  if (!(openness > 0)) return;
  const table = learned?.table, skin = learned?.skin, chroma = skin ? chromaWeight(skin) : 0;
  const faceOpen = (gaps[13] ?? 0) / Math.max(mouthWidth, 1);
  const mu = geom.mouthU;
  const dw = dst.width, dh = dst.height, dd = dst.data;
  const tris = geom.mouthTriangles, side = geom.mouthSide;
  const rgb: [number, number, number] = [0, 0, 0];
  const invW = 1 / Math.max(mouthWidth, 1);
  const st = newSetup();
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t]!, b = tris[t + 1]!, c = tris[t + 2]!;
    const x0 = dstPts[a * 2]!, y0 = dstPts[a * 2 + 1]!;
    if (!setupTriangle(x0, y0, dstPts[b * 2]!, dstPts[b * 2 + 1]!, dstPts[c * 2]!, dstPts[c * 2 + 1]!, dw, dh, st)) continue;
    const { l1x, l1y, l2x, l2y, minX, maxX, minY, maxY } = st;
    const s0 = side[a]!, s1 = side[b]! - s0, s2 = side[c]! - s0;
    const g0 = gaps[a]!, g1 = gaps[b]! - g0, g2 = gaps[c]! - g0;
    const m0 = mu[a]!, m1 = mu[b]! - m0, m2 = mu[c]! - m0;
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5 - y0;
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5 - x0;
        const l1 = l1x * px + l1y * py;
        const l2 = l2x * px + l2y * py;
        if (l1 < -1e-6 || l2 < -1e-6 || l1 + l2 > 1 + 1e-6) continue;
        const s = s0 + l1 * s1 + l2 * s2;
        const g = g0 + l1 * g1 + l2 * g2;
        if (table && skin) {
          interiorColour(table, m0 + l1 * m1 + l2 * m2, s, faceOpen, skin, chroma, rgb);
        } else {
          mouthInteriorColour(s * g * invW, (1 - s) * g * invW, rgb);
        }
        // Soften the edge against the lips.
        const alpha = openness * mouthEdgeCoverage(Math.min(s, 1 - s) * g, mouthWidth);
        const o = (y * dw + x) * 4;
        dd[o] = dd[o]! + (rgb[0] - dd[o]!) * alpha;
        dd[o + 1] = dd[o + 1]! + (rgb[1] - dd[o + 1]!) * alpha;
        dd[o + 2] = dd[o + 2]! + (rgb[2] - dd[o + 2]!) * alpha;
      }
    }
  }
}

/** Bilinear RGB sample of src at (sx, sy), pixel centres at +0.5, edges clamped. */
function sampleRgb(src: RgbaImage, x: number, y: number, out: Float32Array, at: number): void {
  const sw = src.width, sd = src.data, sxMax = sw - 1, syMax = src.height - 1;
  let sx = x - 0.5, sy = y - 0.5;
  if (!(sx > 0)) sx = 0; else if (sx > sxMax) sx = sxMax;
  if (!(sy > 0)) sy = 0; else if (sy > syMax) sy = syMax;
  const ix = sx | 0, iy = sy | 0, fx = sx - ix, fy = sy - iy;
  const ix1 = ix < sxMax ? 4 : 0, iy1 = iy < syMax ? sw * 4 : 0;
  const p00 = (iy * sw + ix) * 4, p10 = p00 + ix1, p01 = p00 + iy1, p11 = p01 + ix1;
  const w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
  for (let c = 0; c < 3; c++) out[at + c] = sd[p00 + c]! * w00 + sd[p10 + c]! * w10 + sd[p01 + c]! * w01 + sd[p11 + c]! * w11;
}

/**
 * Draws each eye's opening again over the warp (render/eyes.ts): the eyeball rigid under the
 * moving lids, sampled from src, the part the photo's lids hid drawn. `sources` are the photo's
 * eyes (readEyes), `targets` this frame's (eyeTargets); an eye missing from either stays warped.
 */
export function paintEyes(src: RgbaImage, dst: RgbaImage, dstPts: ArrayLike<number>, sources: readonly (EyeSource | undefined)[], targets: readonly (EyeTarget | undefined)[]): void {
  const dw = dst.width, dh = dst.height, dd = dst.data;
  const st = newSetup();
  const px = new Float32Array(9);
  EYE_OPENING_TRIANGLES.forEach((tris, e) => {
    const s = sources[e], t = targets[e];
    if (!s || !t) return;
    for (let i = 0; i < tris.length; i += 3) {
      const a = tris[i]!, b = tris[i + 1]!, c = tris[i + 2]!;
      const x0 = dstPts[a * 2]!, y0 = dstPts[a * 2 + 1]!;
      if (!setupTriangle(x0, y0, dstPts[b * 2]!, dstPts[b * 2 + 1]!, dstPts[c * 2]!, dstPts[c * 2 + 1]!, dw, dh, st)) continue;
      for (let y = st.minY; y <= st.maxY; y++) {
        const py = y + 0.5 - y0;
        for (let x = st.minX; x <= st.maxX; x++) {
          const qx = x + 0.5 - x0;
          const l1 = st.l1x * qx + st.l1y * py, l2 = st.l2x * qx + st.l2y * py;
          if (l1 < -1e-6 || l2 < -1e-6 || l1 + l2 > 1 + 1e-6) continue;
          if (!eyePixel(s, t, x + 0.5, y + 0.5, px)) continue;
          sampleRgb(src, px[0]!, px[1]!, px, 6);
          const m = px[2]!, o = (y * dw + x) * 4;
          for (let ch = 0; ch < 3; ch++) dd[o + ch] = px[6 + ch]! * m + px[3 + ch]!;
        }
      }
    }
  });
}
