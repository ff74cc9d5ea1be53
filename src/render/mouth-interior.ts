/**
 * The learned mouth interior (issue 9): what real open mouths show between the inner lips
 * (teeth, the dark cavity, the tongue), as a small table of colours relative to the face's own
 * skin, looked up on a mouth-aligned grid and interpolated between openness bins. The renderers
 * multiply the table by the photo's skin colour (estimated once per photo from its cheeks), so
 * the interior takes the photo's lighting and colour cast.
 *
 * The grid: u along the mouth from the subject's right corner (landmark 78, image left) to the
 * left corner (308), each inner-lip point's u fixed by its canonical x; v from the upper inner
 * lip (0) to the lower inner lip (1). Openness: the lip gap at the centre (landmarks 13-14)
 * over the mouth width (78-308), in the image. The table is `bins` slabs of rows x cols cells,
 * texel centres at ((i + 0.5) / cols, (j + 0.5) / rows), sampled bilinearly with the edges
 * clamped; bins are interpolated linearly in openness between their centres and clamped
 * outside them. The WebGL renderer uploads the same table as a texture (cols wide, rows x
 * bins high, bin b in rows b x rows .. (b + 1) x rows - 1) and does the same arithmetic.
 *
 * Pure: no DOM, no I/O, no tfjs.
 */
import { CANONICAL_POSITIONS } from '../core/canonical-data.ts';
import { LANDMARK_COUNT, LIPS_INNER_LOWER, LIPS_INNER_UPPER } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';

export interface MouthTable {
  /** Cells along the mouth (u). */
  readonly cols: number;
  /** Cells from the upper to the lower inner lip (v). */
  readonly rows: number;
  readonly bins: number;
  /** Openness (lip gap / mouth width) at each bin's centre, increasing. */
  readonly openness: Float32Array;
  /** bins x rows x cols x RGB: colour relative to the face's skin (1 = the skin's own colour). */
  readonly rgb: Float32Array;
  /**
   * Changes whenever `rgb` does, when a source reuses one table between frames (the WebGL
   * renderer then uploads it again); absent: the table never changes.
   */
  readonly version?: number;
}

/**
 * Where the renderers get the interior's table, frame by frame: one table, or the per-emotion
 * tables blended by the emotions the frame's expression shows (models/mouth-model.ts). The
 * returned table may be the same object as the last frame's, with a new `version` if it changed.
 */
export interface MouthSource {
  tableFor(frame: FrameState): MouthTable;
}

/** A source that always gives the same table. */
export function fixedMouth(table: MouthTable): MouthSource {
  checkTable(table);
  return { tableFor: () => table };
}

/** A learned interior for one photo: the table and the photo's skin colour (RGB 0..255). */
export interface MouthInterior {
  readonly table: MouthTable;
  readonly skin: readonly [number, number, number];
}

const cx = (i: number) => CANONICAL_POSITIONS[i * 3]!;
const U0 = cx(78), U1 = cx(308);

/** Per vertex (LANDMARK_COUNT): u along the mouth for the inner-lip points, 0 elsewhere. */
export const MOUTH_U: Float32Array = (() => {
  const u = new Float32Array(LANDMARK_COUNT);
  for (const i of [...LIPS_INNER_UPPER, ...LIPS_INNER_LOWER]) u[i] = Math.min(1, Math.max(0, (cx(i) - U0) / (U1 - U0)));
  return u;
})();

export function checkTable(t: MouthTable): void {
  if (!(t.cols >= 1 && t.rows >= 1 && t.bins >= 1)) throw new Error('mouth table: empty');
  if (t.openness.length !== t.bins) throw new Error(`mouth table: ${t.openness.length} bin centres for ${t.bins} bins`);
  if (t.rgb.length !== t.bins * t.rows * t.cols * 3) throw new Error(`mouth table: ${t.rgb.length} values for ${t.bins} x ${t.rows} x ${t.cols} x 3`);
  for (let b = 1; b < t.bins; b++) if (!(t.openness[b]! > t.openness[b - 1]!)) throw new Error('mouth table: bin centres must increase');
}

/** Which two bins a face openness falls between, and the weight of the second. */
export function binPosition(t: MouthTable, openness: number): { b0: number; b1: number; f: number } {
  const o = t.openness, last = t.bins - 1;
  if (!(openness > o[0]!)) return { b0: 0, b1: 0, f: 0 };
  if (openness >= o[last]!) return { b0: last, b1: last, f: 0 };
  let b = 0;
  while (b < last - 1 && openness >= o[b + 1]!) b++;
  return { b0: b, b1: b + 1, f: (openness - o[b]!) / (o[b + 1]! - o[b]!) };
}

/** Bilinear sample of one bin's slab at (u, v), edges clamped (texel centres at (i + 0.5) / n). */
export function sampleBin(t: MouthTable, bin: number, u: number, v: number, out: [number, number, number]): [number, number, number] {
  const { cols, rows, rgb } = t;
  let su = u * cols - 0.5, sv = v * rows - 0.5;
  if (!(su > 0)) su = 0; else if (su > cols - 1) su = cols - 1;
  if (!(sv > 0)) sv = 0; else if (sv > rows - 1) sv = rows - 1;
  const iu = Math.floor(su), iv = Math.floor(sv), fu = su - iu, fv = sv - iv;
  const iu1 = Math.min(iu + 1, cols - 1), iv1 = Math.min(iv + 1, rows - 1);
  const base = bin * rows * cols;
  const p00 = (base + iv * cols + iu) * 3, p10 = (base + iv * cols + iu1) * 3;
  const p01 = (base + iv1 * cols + iu) * 3, p11 = (base + iv1 * cols + iu1) * 3;
  for (let c = 0; c < 3; c++) {
    out[c] = (rgb[p00 + c]! * (1 - fu) + rgb[p10 + c]! * fu) * (1 - fv) + (rgb[p01 + c]! * (1 - fu) + rgb[p11 + c]! * fu) * fv;
  }
  return out;
}

const tmpA: [number, number, number] = [0, 0, 0], tmpB: [number, number, number] = [0, 0, 0];

/**
 * The interior's colour relative to the skin at (u, v) of a mouth `openness` open (lip gap over
 * mouth width): bilinear in the grid, linear between the two nearest bins.
 */
export function lookupMouth(t: MouthTable, u: number, v: number, openness: number, out: [number, number, number] = [0, 0, 0]): [number, number, number] {
  const { b0, b1, f } = binPosition(t, openness);
  sampleBin(t, b0, u, v, tmpA);
  if (f === 0 || b0 === b1) { out[0] = tmpA[0]; out[1] = tmpA[1]; out[2] = tmpA[2]; return out; }
  sampleBin(t, b1, u, v, tmpB);
  for (let c = 0; c < 3; c++) out[c] = tmpA[c]! + (tmpB[c]! - tmpA[c]!) * f;
  return out;
}

/**
 * How much of the table's chroma a photo takes, 0..1, from its skin's channel spread: 0 on a
 * grey photo (the interior is then the table's luminance ratio times the grey skin: no pink
 * cast on a black-and-white portrait), 1 from a spread of 13 levels (any colour skin).
 */
export function chromaWeight(skin: readonly [number, number, number]): number {
  const spread = Math.max(skin[0], skin[1], skin[2]) - Math.min(skin[0], skin[1], skin[2]);
  return Math.min(1, Math.max(0, (spread - 3) / 10));
}

/**
 * The interior's colour (RGB 0..255) at (u, v) of a mouth `openness` open, for a photo of this
 * skin: the table (lookupMouth), its chroma weighed by chromaWeight(skin), times the skin,
 * clamped at 255. Both renderers compute this (the WebGL shader in the same steps).
 */
export function interiorColour(t: MouthTable, u: number, v: number, openness: number, skin: readonly [number, number, number], chroma: number, out: [number, number, number]): [number, number, number] {
  lookupMouth(t, u, v, openness, out);
  const y = 0.299 * out[0] + 0.587 * out[1] + 0.114 * out[2];
  for (let c = 0; c < 3; c++) out[c] = Math.min(255, (y + (out[c]! - y) * chroma) * skin[c]!);
  return out;
}

/**
 * The table as the WebGL texture holds it: cols x (rows x bins) RGBA float (alpha 1), row-major,
 * bin 0's rows first.
 */
export function tableTexels(t: MouthTable): Float32Array {
  const n = t.bins * t.rows * t.cols;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = t.rgb[i * 3]!; out[i * 4 + 1] = t.rgb[i * 3 + 1]!; out[i * 4 + 2] = t.rgb[i * 3 + 2]!; out[i * 4 + 3] = 1;
  }
  return out;
}

/** An RGB(A) raster: `channels` bytes per pixel (3 or 4), row-major. */
export interface Raster { data: ArrayLike<number>; width: number; height: number; channels?: number }

/** Cheek points the skin colour is read around (both cheeks, below the eyes and beside the nose). */
export const SKIN_POINTS: readonly number[] = [50, 280, 205, 425, 117, 346];

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * The face's skin colour (RGB 0..255): pixels in discs around the cheek points (radius 12% of
 * the mouth width), the middle half by luminance (no shadows, highlights, hair or background),
 * averaged. `mesh` is 468 x (x, y[, z]) with `stride` values per point. Undefined when no pixel
 * of the discs lies in the image.
 */
export function estimateSkin(image: Raster, mesh: ArrayLike<number>, stride = 3): [number, number, number] | undefined {
  const ch = image.channels ?? 4, { width: w, height: h, data } = image;
  const mw = Math.hypot(mesh[78 * stride]! - mesh[308 * stride]!, mesh[78 * stride + 1]! - mesh[308 * stride + 1]!);
  const r = Math.max(1.5, 0.12 * mw), r2 = r * r;
  const px: number[] = [];
  for (const p of SKIN_POINTS) {
    const x0 = mesh[p * stride]!, y0 = mesh[p * stride + 1]!;
    for (let y = Math.max(0, Math.floor(y0 - r)); y <= Math.min(h - 1, Math.ceil(y0 + r)); y++) {
      for (let x = Math.max(0, Math.floor(x0 - r)); x <= Math.min(w - 1, Math.ceil(x0 + r)); x++) {
        if ((x + 0.5 - x0) ** 2 + (y + 0.5 - y0) ** 2 > r2) continue;
        px.push((y * w + x) * ch);
      }
    }
  }
  if (px.length === 0) return undefined;
  return meanByLuminance(data, px, 0.25, 0.75);
}

/**
 * Mean RGB of the pixels at offsets `px` (into `data`, RGB first at each offset) ranked from
 * `from` to `to` (fractions, 0 darkest) by luminance, ties in the order given; at least one
 * pixel. `px` must not be empty.
 */
export function meanByLuminance(data: ArrayLike<number>, px: readonly number[], from: number, to: number): [number, number, number] {
  const lum = px.map((o) => luma(data[o]!, data[o + 1]!, data[o + 2]!));
  const order = px.map((_, i) => i).sort((a, b) => lum[a]! - lum[b]! || a - b);
  const lo = Math.min(order.length - 1, Math.floor(order.length * from)), hi = Math.max(lo + 1, Math.ceil(order.length * to));
  let sr = 0, sg = 0, sb = 0;
  for (let k = lo; k < hi; k++) {
    const o = px[order[k]!]!;
    sr += data[o]!; sg += data[o + 1]!; sb += data[o + 2]!;
  }
  const n = hi - lo;
  return [sr / n, sg / n, sb / n];
}

/** Lip gap at the centre (13-14) over the mouth width (78-308), from 468 x (x, y[, z]) points. */
export function lipOpenness(mesh: ArrayLike<number>, stride = 3): number {
  const d = (a: number, b: number) => Math.hypot(mesh[a * stride]! - mesh[b * stride]!, mesh[a * stride + 1]! - mesh[b * stride + 1]!);
  return d(13, 14) / Math.max(d(78, 308), 1e-6);
}

/** A point of an inner-lip contour at u (piecewise linear between its points' u). */
function contourAt(line: readonly number[], mesh: ArrayLike<number>, stride: number, u: number): [number, number] {
  let k = 0;
  while (k < line.length - 2 && u > MOUTH_U[line[k + 1]!]!) k++;
  const a = line[k]!, b = line[k + 1]!;
  const ua = MOUTH_U[a]!, ub = MOUTH_U[b]!;
  const f = ub > ua ? Math.min(1, Math.max(0, (u - ua) / (ub - ua))) : 0;
  return [mesh[a * stride]! + (mesh[b * stride]! - mesh[a * stride]!) * f, mesh[a * stride + 1]! + (mesh[b * stride + 1]! - mesh[a * stride + 1]!) * f];
}

/**
 * Samples the image between the inner lips on the mouth grid (bilinear, pixel centres at +0.5):
 * cell (i, j) at u = (i + 0.5) / cols along both contours, v = (j + 0.5) / rows between them.
 * Writes rows x cols x RGB (0..255) into out.
 */
export function sampleMouthGrid(image: Raster, mesh: ArrayLike<number>, cols: number, rows: number, out = new Float32Array(cols * rows * 3), stride = 3): Float32Array {
  const ch = image.channels ?? 4, { width: w, height: h, data } = image;
  for (let i = 0; i < cols; i++) {
    const u = (i + 0.5) / cols;
    const [ux, uy] = contourAt(LIPS_INNER_UPPER, mesh, stride, u);
    const [lx, ly] = contourAt(LIPS_INNER_LOWER, mesh, stride, u);
    for (let j = 0; j < rows; j++) {
      const v = (j + 0.5) / rows;
      const sx = Math.min(Math.max(ux + (lx - ux) * v - 0.5, 0), w - 1), sy = Math.min(Math.max(uy + (ly - uy) * v - 0.5, 0), h - 1);
      const ix = Math.floor(sx), iy = Math.floor(sy), fx = sx - ix, fy = sy - iy;
      const ix1 = Math.min(ix + 1, w - 1), iy1 = Math.min(iy + 1, h - 1);
      const p00 = (iy * w + ix) * ch, p10 = (iy * w + ix1) * ch, p01 = (iy1 * w + ix) * ch, p11 = (iy1 * w + ix1) * ch;
      const o = (j * cols + i) * 3;
      for (let c = 0; c < 3; c++) {
        out[o + c] = (data[p00 + c]! * (1 - fx) + data[p10 + c]! * fx) * (1 - fy) + (data[p01 + c]! * (1 - fx) + data[p11 + c]! * fx) * fy;
      }
    }
  }
  return out;
}
