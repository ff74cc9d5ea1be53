/**
 * The eyes on a photo (issue 9): the eyeball stays a rigid ball under moving lids. The mesh warp
 * alone stretches whatever lies between the lids, so a widened eye (surprise, fear) showed a
 * tall, stretched iris where a real eye shows the white above it, and a narrowed eye squashed
 * the iris. Here each eye's opening is drawn again after the warp:
 *
 * - a thin band along each lid's edge (the lash line, the lid's shadow) moves with the lid;
 * - between the bands, the eyeball is taken from the photo rigidly: the similarity transform
 *   that carries the eye's two corners from the frame to the photo, so the iris keeps its size
 *   and shape whatever the lids do;
 * - where a raised upper lid uncovers what the photo hid, the eyeball is drawn: the photo's iris
 *   continued where its estimated circle goes on, the sclera in the colour read from the
 *   photo's own eye elsewhere, shaded under the lid. A lower lid that drops carries the eyeball
 *   down with it (nothing is drawn below); one that rises covers it.
 *
 * At the photo's own lid positions every pixel maps to itself: the eyes are unchanged at rest.
 *
 * Coordinates: the eye frame of an eye has u along the line from its first corner (the first
 * point of its contour lists in core/topology.ts: 33 for the subject's right eye, 263 for the
 * left) to its last (133, 362), 0 to 1, and v across it towards the lower lid, in the same unit
 * (the corner distance), so circles stay circles. Image points are pixels, x right, y down,
 * pixel centres at +0.5. Lid heights are kept as tables of TABLE_N samples at u = i / (TABLE_N -
 * 1), interpolated linearly; the WebGL renderer uploads the same tables and does the same
 * arithmetic per fragment (eyePixel).
 *
 * Pure: no DOM, no I/O, no tfjs.
 */
import {
  CANONICAL_TRIANGLES, EYE_TRIANGLES, LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER,
} from '../core/topology.ts';
import { meanByLuminance } from './mouth-interior.ts';

/** Samples per lid table. */
export const TABLE_N = 16;
/** Width of the band that moves with each lid, in eye widths (at most a third of the opening there). */
export const LID_BAND = 0.07;
/** The ring around a candidate iris that it is compared with: out to 1.5 iris radii. */
const RING = 1.5;
/** The narrowest eye the pass draws (its widest opening, in eye widths); a narrower one is left to the warp. */
export const MIN_OPENING = 0.12;
/** The iris radius, in eye widths (an iris of 11.7 mm in an opening of about 30 mm between the corners). */
export const IRIS_RADIUS = 0.2;

/** The two eyes' contours: upper and lower lid, corner to corner, the same corners first and last. */
export const EYE_CONTOURS: readonly { readonly upper: readonly number[]; readonly lower: readonly number[] }[] = [
  { upper: RIGHT_EYE_UPPER, lower: RIGHT_EYE_LOWER },
  { upper: LEFT_EYE_UPPER, lower: LEFT_EYE_LOWER },
];

/** Per eye (EYE_CONTOURS' order), the mesh triangles (vertex indices) filling its opening. */
export const EYE_OPENING_TRIANGLES: readonly Uint16Array[] = EYE_CONTOURS.map(({ upper, lower }) => {
  const ring = new Set<number>([...upper, ...lower]);
  const out: number[] = [];
  for (const t of EYE_TRIANGLES) {
    const a = CANONICAL_TRIANGLES[t * 3]!, b = CANONICAL_TRIANGLES[t * 3 + 1]!, c = CANONICAL_TRIANGLES[t * 3 + 2]!;
    if (ring.has(a) && ring.has(b) && ring.has(c)) out.push(a, b, c);
  }
  return Uint16Array.from(out);
});

/** An eye frame in the image: origin at the first corner, axes e1 (along), e2 (towards the lower lid), unit w pixels. */
export interface EyeAxes { ox: number; oy: number; e1x: number; e1y: number; e2x: number; e2y: number; w: number }

/** One eye of the photo, read once: its frame, its lids and the colours of its eyeball. */
export interface EyeSource {
  readonly axes: EyeAxes;
  /** Lid heights v at the table's u samples: upper lid (top) and lower lid (bottom). */
  readonly top: Float32Array;
  readonly bottom: Float32Array;
  /** The iris circle in the eye frame: centre (u, v) and radius. */
  readonly iris: readonly [number, number, number];
  /** RGB 0..255 of the sclera, for what the photo hid. */
  readonly sclera: readonly [number, number, number];
  /**
   * How far the drawn sclera may replace the continued photo, 0..1: 0 for an eye the photo shows
   * barely open (an opening under 0.15 eye widths, where the colours read are lid as much as
   * eyeball), 1 from 0.25: the widest opening along the eye, in eye widths.
   */
  readonly scleraWeight: number;
}

/** One eye in one frame: its frame in the output image and its lids there. */
export interface EyeTarget {
  readonly axes: EyeAxes;
  readonly top: Float32Array;
  readonly bottom: Float32Array;
}

/** An RGBA raster, row-major. */
interface Rgba { data: ArrayLike<number>; width: number; height: number }

/**
 * The frame of the eye whose corners are points a and b of `pts` (x, y at stride), e2 turned
 * towards `lowerMid` (a point of the lower lid).
 */
function axesOf(pts: ArrayLike<number>, stride: number, a: number, b: number, lowerMid: number, upperMid: number): EyeAxes | undefined {
  const ox = pts[a * stride]!, oy = pts[a * stride + 1]!;
  const dx = pts[b * stride]! - ox, dy = pts[b * stride + 1]! - oy;
  const w = Math.hypot(dx, dy);
  if (!(w > 1e-6)) return undefined;
  const e1x = dx / w, e1y = dy / w;
  let e2x = -e1y, e2y = e1x;
  const mx = pts[lowerMid * stride]! - pts[upperMid * stride]!, my = pts[lowerMid * stride + 1]! - pts[upperMid * stride + 1]!;
  if (mx * e2x + my * e2y < 0) { e2x = -e2x; e2y = -e2y; }
  return { ox, oy, e1x, e1y, e2x, e2y, w };
}

/** (u, v) of image point (x, y) in the frame. */
export function toEye(ax: EyeAxes, x: number, y: number): [number, number] {
  const dx = x - ax.ox, dy = y - ax.oy;
  return [(dx * ax.e1x + dy * ax.e1y) / ax.w, (dx * ax.e2x + dy * ax.e2y) / ax.w];
}

/** The image point of (u, v). */
export function fromEye(ax: EyeAxes, u: number, v: number): [number, number] {
  return [ax.ox + ax.w * (u * ax.e1x + v * ax.e2x), ax.oy + ax.w * (u * ax.e1y + v * ax.e2y)];
}

/** A lid's heights at the table's samples: the contour's points in the frame, piecewise linear in u. */
function lidTable(ax: EyeAxes, pts: ArrayLike<number>, stride: number, line: readonly number[], out: Float32Array): Float32Array {
  const us: number[] = [], vs: number[] = [];
  for (const p of line) {
    const [u, v] = toEye(ax, pts[p * stride]!, pts[p * stride + 1]!);
    us.push(u); vs.push(v);
  }
  for (let i = 0; i < TABLE_N; i++) {
    const u = i / (TABLE_N - 1);
    let k = 0;
    while (k < us.length - 2 && u > us[k + 1]!) k++;
    const ua = us[k]!, ub = us[k + 1]!;
    const f = ub > ua ? Math.min(1, Math.max(0, (u - ua) / (ub - ua))) : 0;
    out[i] = vs[k]! + (vs[k + 1]! - vs[k]!) * f;
  }
  return out;
}

/** A table's value at u (linear between samples, clamped at the ends; NaN reads as 0). */
export function tableAt(t: ArrayLike<number>, u: number): number {
  const s = (u > 0 ? Math.min(u, 1) : 0) * (TABLE_N - 1);
  const i = Math.min(Math.floor(s), TABLE_N - 2), f = s - i;
  return t[i]! + (t[i + 1]! - t[i]!) * f;
}

const luma = (d: ArrayLike<number>, o: number) => 0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!;

/**
 * Reads both eyes of a photo: frames and lids from its mesh (468 x (x, y[, z]) at `stride`,
 * pixels), the iris and the sclera's colour from its pixels. The iris is the disc one iris
 * across, 0.9 radii above the lower lid (lower lids meet the iris), whose pixels are darkest
 * against the ring of opening around it (out to 1.5 radii), its centre within 0.3..0.7 of the
 * eye (portraits look ahead) in steps of 0.02. The sclera's colour is the mean of the brighter
 * half of the opening outside the iris. An eye too small to read (under 4 pixels wide), too
 * narrow (MIN_OPENING: what shows is lid and lashes) or without
 * pixels in the image is left out (undefined): the warp draws it as before.
 */
export function readEyes(image: Rgba, mesh: ArrayLike<number>, stride = 3): (EyeSource | undefined)[] {
  const frames = eyeTargets(mesh, stride);
  return EYE_CONTOURS.map(({ upper, lower }, e) => {
    const frame = frames[e];
    if (!frame || frame.axes.w < 4) return undefined;
    const { axes: ax, top, bottom } = frame;
    // Pixels of the opening between the lid bands, with their luminance.
    const inside: { o: number; u: number; v: number; l: number }[] = [];
    const xs: number[] = [], ys: number[] = [];
    for (const p of [...upper, ...lower]) { xs.push(mesh[p * stride]!); ys.push(mesh[p * stride + 1]!); }
    const x0 = Math.max(0, Math.floor(Math.min(...xs))), x1 = Math.min(image.width - 1, Math.ceil(Math.max(...xs)));
    const y0 = Math.max(0, Math.floor(Math.min(...ys))), y1 = Math.min(image.height - 1, Math.ceil(Math.max(...ys)));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const [u, v] = toEye(ax, x + 0.5, y + 0.5);
        if (u < 0.08 || u > 0.92) continue;
        const t = tableAt(top, u), b = tableAt(bottom, u), band = Math.min(LID_BAND, (b - t) / 3);
        if (v < t + band || v > b - band) continue;
        const o = (y * image.width + x) * 4;
        inside.push({ o, u, v, l: luma(image.data, o) });
      }
    }
    let open = 0;
    for (let i = 0; i < TABLE_N; i++) open = Math.max(open, bottom[i]! - top[i]!);
    if (inside.length < 4 || open < MIN_OPENING) return undefined;
    // The iris: the disc (radius IRIS_RADIUS, 0.9 radii above the lower lid) whose pixels are
    // darkest against the ring of opening around it, its centre within 0.3..0.7 of the eye
    // (portraits look ahead).
    let iu = 0.5, best = Infinity;
    for (let uc = 0.3; uc <= 0.7 + 1e-9; uc += 0.02) {
      const vc = tableAt(bottom, uc) - 0.9 * IRIS_RADIUS;
      let si = 0, ni = 0, so = 0, no = 0;
      for (const p of inside) {
        const d2 = (p.u - uc) ** 2 + (p.v - vc) ** 2;
        if (d2 < IRIS_RADIUS * IRIS_RADIUS) { si += p.l; ni++; } else if (d2 < RING * RING * IRIS_RADIUS * IRIS_RADIUS) { so += p.l; no++; }
      }
      if (ni < 3 || no < 3) continue;
      const score = si / ni - so / no;
      if (score < best) { best = score; iu = uc; }
    }
    const iv = tableAt(bottom, iu) - 0.9 * IRIS_RADIUS;
    const r2 = IRIS_RADIUS * IRIS_RADIUS;
    const outIris = inside.filter((p) => (p.u - iu) ** 2 + (p.v - iv) ** 2 > 1.21 * r2).map((p) => p.o);
    // (Offsets in raster order: ties fall as before.)
    const sclera = meanByLuminance(image.data, outIris.length >= 3 ? outIris : inside.map((p) => p.o), 0.5, 1);
    const scleraWeight = Math.min(1, Math.max(0, (open - 0.15) / 0.1));
    return { axes: ax, top, bottom, iris: [iu, iv, IRIS_RADIUS], sclera, scleraWeight };
  });
}

/** The eyes' frames and lids in a frame's output image (`pts`: x, y at `stride`, the moved mesh). */
export function eyeTargets(pts: ArrayLike<number>, stride: number, out?: (EyeTarget | undefined)[]): (EyeTarget | undefined)[] {
  return EYE_CONTOURS.map(({ upper, lower }, e) => {
    const mid = (upper.length - 1) >> 1;
    const ax = axesOf(pts, stride, upper[0]!, upper[upper.length - 1]!, lower[mid]!, upper[mid]!);
    if (!ax) return undefined;
    const prev = out?.[e];
    const top = lidTable(ax, pts, stride, upper, prev?.top ?? new Float32Array(TABLE_N));
    const bottom = lidTable(ax, pts, stride, lower, prev?.bottom ?? new Float32Array(TABLE_N));
    return { axes: ax, top, bottom };
  });
}

/**
 * What an output pixel inside an eye's opening shows: the photo sampled at [sx, sy] (pixels,
 * centres at +0.5), times [m], plus [r, g, b] (0..255), all written into `out` in that order.
 * m = 1 and r = g = b = 0 wherever the photo's own eyeball shows. Returns false when (x, y) is
 * not between the frame's lids (the warp's pixel stays).
 *
 * Along u the eye is rigid. Across it, with the photo's lids at t, b and the frame's at T, B,
 * the band heights h = min(LID_BAND, (b - t) / 3) at each lid, squeezed by k = min(1, (B - T) /
 * (2h)) when the lids close (a blink) on each other:
 * - T <= v < T + k h (upper band): the photo at t + (v - T) / k, the lid's edge moved with it;
 * - B - k h < v <= B (lower band): the photo at b - (B - v) / k;
 * - between: the eyeball at v - d, where d = max(0, (B - k h) - (b - h)): a lower lid that
 *   drops carries the eyeball down with it (nothing is uncovered below), one that rises covers
 *   it. Where v - d < t + h the photo has lid there, so the eyeball is drawn (the iris circle
 *   continued, sclera around it, shaded under the upper lid), blended over one pixel into the
 *   photo's own below (none inside it).
 */
export function eyePixel(src: EyeSource, dst: EyeTarget, x: number, y: number, out: Float32Array): boolean {
  const [u, v] = toEye(dst.axes, x, y);
  if (!(u >= 0 && u <= 1)) return false;
  const T = tableAt(dst.top, u), B = tableAt(dst.bottom, u);
  if (!(v >= T && v <= B)) return false;
  const t = tableAt(src.top, u), b = tableAt(src.bottom, u);
  const h = Math.max(0, Math.min(LID_BAND, (b - t) / 3));
  const k = h > 0 ? Math.min(1, Math.max(0, B - T) / (2 * h)) : 1;
  let sv: number, mul = 1;
  out[3] = 0; out[4] = 0; out[5] = 0;
  if (v < T + k * h) {
    sv = t + (k > 0 ? (v - T) / k : 0);
  } else if (v > B - k * h) {
    sv = b - (k > 0 ? (B - v) / k : 0);
  } else {
    // One output pixel, in eye widths, for the blend between drawn and photo eyeball.
    const px = 1 / Math.max(dst.axes.w, 1e-6);
    const lo = t + h, ev = v - Math.max(0, B - k * h - (b - h));
    sv = Math.max(ev, lo);
    const w = Math.min(1, Math.max(0, (lo - ev) / px));
    if (w > 0) {
      // What the lid uncovers: inside the iris circle, the photo's top row of eyeball continued
      // up (the iris); outside it, the photo's sclera, half that row next to the lid (its
      // shadow, its lashes); all shaded under the lid.
      const [iu, iv, ir] = src.iris;
      const ii = Math.min(1, Math.max(0, (ir - Math.hypot(u - iu, ev - iv)) / px + 0.5));
      const below = Math.max(0, v - (T + k * h));
      // A strip under 1.5 pixels (a lid that barely moved) only continues the photo, unshaded:
      // a thin line of sclera or shadow there reads as a seam, not as an eye.
      const strip = Math.min(1, Math.max(0, ((lo - (T + k * h)) / px - 1.5) / 3));
      const s = strip * src.scleraWeight * (1 - ii) * (1 - 0.5 * Math.exp(-below / 0.05));
      const shade = 1 - 0.3 * strip * Math.exp(-below / 0.04);
      mul = 1 - w + w * (1 - s) * shade;
      for (let c = 0; c < 3; c++) out[3 + c] = w * s * shade * src.sclera[c]!;
    }
  }
  const [sx, sy] = fromEye(src.axes, u, sv);
  out[0] = sx; out[1] = sy; out[2] = mul;
  return true;
}
