/**
 * Expression detail on a photo: wrinkles, folds and shading that come with an expression,
 * held as a shading map in the canonical face's texture (UV) layout and laid on the warped
 * face as a luminance change. The photo's own colours stay: every channel of a pixel is
 * multiplied by the same factor exp(shading), so a fold darkens the skin it crosses without
 * painting anything over it. Outside the face (the band to the fixed ring, hair, background)
 * and inside the eye and mouth openings nothing changes.
 *
 * Coordinates: the map is size x size texels, row-major, v down, covering the UV square of
 * MediaPipe's canonical face (CANONICAL_UVS), texel centres at ((i + 0.5) / size). Shading is
 * in natural-log luminance units: +0.1 is 10.5% brighter, -0.1 is 9.5% darker.
 *
 * Pure: no DOM, no I/O. The WebGL renderer samples the same factor map on the GPU.
 */
import type { FrameState } from '../motion/animator.ts';
import {
  CANONICAL_POSITIONS, CANONICAL_TRIANGLES, CANONICAL_UVS, EYE_TRIANGLES, FACE_OVAL, LANDMARK_COUNT, LEFT_EYE_LOWER, LEFT_EYE_UPPER, LIPS_INNER_LOWER, LIPS_INNER_UPPER,
  LIPS_OUTER_LOWER, LIPS_OUTER_UPPER, MOUTH_TRIANGLES, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER,
} from '../core/topology.ts';
import { newSetup, type RgbaImage, setupTriangle } from './cpu-warp.ts';

/** One frame's detail: shading in ln-luminance units, size x size, v down. */
export interface DetailMap {
  readonly size: number;
  readonly shading: Float32Array;
  /**
   * Changes whenever `shading` does, when the layer reuses one map between frames (renderers
   * then skip recomputing and uploading it); absent: treated as changed every frame.
   */
  readonly version?: number;
}

/**
 * Where detail comes from, frame by frame (the learned generator, the per-emotion mean
 * baseline). Returns null when the frame has none (a neutral face): renderers then skip the pass.
 * The returned map may be reused by the next call; read it before asking again.
 */
export interface DetailLayer {
  readonly name: string;
  detailFor(frame: FrameState): DetailMap | null;
  /**
   * The expression code the face already shows in the photo (what the photo renderer's
   * neutralisation took out of its shape). Detail is then drawn relative to it, so a smiling
   * photo's own folds fade at neutral as its smile does, and are not doubled by "happy". A layer
   * may take out less than the code reads, where the data shows skin does not follow the shape
   * (the learned layer's rest gains).
   */
  fromRest?(code: ArrayLike<number>): void;
}

/** Triangles that carry detail: the face's own, without the eye and mouth openings. */
export const DETAIL_TRIANGLES: Uint16Array = (() => {
  const skip = new Set([...EYE_TRIANGLES, ...MOUTH_TRIANGLES]);
  const out: number[] = [];
  for (let t = 0; t < CANONICAL_TRIANGLES.length / 3; t++) {
    if (!skip.has(t)) out.push(CANONICAL_TRIANGLES[t * 3]!, CANONICAL_TRIANGLES[t * 3 + 1]!, CANONICAL_TRIANGLES[t * 3 + 2]!);
  }
  return Uint16Array.from(out);
})();

/**
 * Rasterises triangles of the canonical UV layout into a size x size coverage grid (texel
 * centres). With `frontal`, also writes each covered texel's place on the canonical face seen
 * from the front (x, y of CANONICAL_POSITIONS, cm, interpolated across the triangle), two per texel.
 */
function coverUv(tris: ArrayLike<number>, size: number, out: Uint8Array, frontal?: Float32Array): void {
  const st = newSetup();
  const P = CANONICAL_POSITIONS;
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t]!, b = tris[t + 1]!, c = tris[t + 2]!;
    const x0 = CANONICAL_UVS[a * 2]! * size, y0 = CANONICAL_UVS[a * 2 + 1]! * size;
    if (!setupTriangle(x0, y0, CANONICAL_UVS[b * 2]! * size, CANONICAL_UVS[b * 2 + 1]! * size, CANONICAL_UVS[c * 2]! * size, CANONICAL_UVS[c * 2 + 1]! * size, size, size, st)) continue;
    for (let y = st.minY; y <= st.maxY; y++) {
      const py = y + 0.5 - y0;
      for (let x = st.minX; x <= st.maxX; x++) {
        const px = x + 0.5 - x0;
        const l1 = st.l1x * px + st.l1y * py, l2 = st.l2x * px + st.l2y * py;
        if (l1 >= -1e-9 && l2 >= -1e-9 && l1 + l2 <= 1 + 1e-9) {
          const i = y * size + x;
          out[i] = 1;
          if (frontal) {
            const l0 = 1 - l1 - l2;
            frontal[i * 2] = l0 * P[a * 3]! + l1 * P[b * 3]! + l2 * P[c * 3]!;
            frontal[i * 2 + 1] = l0 * P[a * 3 + 1]! + l1 * P[b * 3 + 1]! + l2 * P[c * 3 + 1]!;
          }
        }
      }
    }
  }
}

/**
 * Per texel of the detail region, the distance to the face's outline as the face is seen from
 * the front (the face oval of the canonical face projected on its front plane), in texels (the
 * oval's width in the map over its width seen from the front); 0 on or beyond the outline.
 * Measured from the front because that is how photos show faces: the UV layout unrolls the sides
 * of the face (temples, jaw) that turn away from the camera, so a few texels there cover a pixel
 * or two of a photo, and a fade measured in texels would end in a step at the face's edge.
 */
function frontalOutlineDistance(size: number, frontal: Float32Array, covered: Uint8Array): Float32Array {
  const ox = FACE_OVAL.map((i) => CANONICAL_POSITIONS[i * 3]!), oy = FACE_OVAL.map((i) => CANONICAL_POSITIONS[i * 3 + 1]!);
  const ou = FACE_OVAL.map((i) => CANONICAL_UVS[i * 2]!);
  // Texels per cm: the oval's width in the map over its width seen from the front.
  const scale = ((Math.max(...ou) - Math.min(...ou)) * size) / (Math.max(...ox) - Math.min(...ox));
  const n = FACE_OVAL.length;
  const d = new Float32Array(size * size);
  for (let i = 0; i < d.length; i++) {
    if (!covered[i]) continue;
    const x = frontal[i * 2]!, y = frontal[i * 2 + 1]!;
    let inside = false, best = Infinity;
    for (let k = 0, j = n - 1; k < n; j = k++) {
      const xa = ox[k]!, ya = oy[k]!, xb = ox[j]!, yb = oy[j]!;
      if ((ya > y) !== (yb > y) && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
      const ex = xb - xa, ey = yb - ya;
      const t = Math.min(Math.max(((x - xa) * ex + (y - ya) * ey) / (ex * ex + ey * ey), 0), 1);
      best = Math.min(best, Math.hypot(x - xa - t * ex, y - ya - t * ey));
    }
    d[i] = inside ? best * scale : 0;
  }
  return d;
}

/** Chamfer distance (texels, 3x3 steps of 1 and sqrt 2) from every texel to the nearest texel with `source` set (those at 0). */
function chamferDistance(source: Uint8Array, size: number): Float32Array {
  const big = size * 4;
  const d = new Float32Array(size * size);
  for (let i = 0; i < d.length; i++) d[i] = source[i] ? 0 : big;
  const D1 = 1, D2 = Math.SQRT2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[i - 1]! + D1);
      if (y > 0) {
        v = Math.min(v, d[i - size]! + D1);
        if (x > 0) v = Math.min(v, d[i - size - 1]! + D2);
        if (x < size - 1) v = Math.min(v, d[i - size + 1]! + D2);
      }
      d[i] = v;
    }
  }
  for (let y = size - 1; y >= 0; y--) {
    for (let x = size - 1; x >= 0; x--) {
      const i = y * size + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x < size - 1) v = Math.min(v, d[i + 1]! + D1);
      if (y < size - 1) {
        v = Math.min(v, d[i + size]! + D1);
        if (x < size - 1) v = Math.min(v, d[i + size + 1]! + D2);
        if (x > 0) v = Math.min(v, d[i + size - 1]! + D2);
      }
      d[i] = v;
    }
  }
  return d;
}

/** faceDetailMask's fade from the eye openings and the lips at this map size, texels: a 32nd of the map (at least 1). */
export const defaultOpeningFeather = (size: number): number => Math.max(1, size / 32);
/** faceDetailMask's fade from the outline at this map size, texels: a tenth of the map. */
export const defaultOutlineFeather = (size: number): number => size / 10;

/** Smoothstep from 0 at distance `start` to 1 at `start + feather`. */
function ramp(distance: number, start: number, feather: number): number {
  const u = Math.min(Math.max((distance - start) / feather, 0), 1);
  return u * u * (3 - 2 * u);
}

/**
 * Where detail may show, 0..1 per texel: 1 on the face, fading to 0 towards the face's outer
 * outline over `outlineFeather` texels, and towards the eye openings and the lips over the
 * narrower `feather` (so nothing steps at an edge); towards the eye openings over `eyeFeather`
 * instead when it is given (train detail --eye-feather; the same mask, texel for texel, when it
 * equals `feather`). The mask is the smaller of two smoothstep
 * ramps: one over the distance to the outline as the face is seen from the front (see
 * frontalOutlineDistance), one over the chamfer distance (texels of the map) to the openings and
 * the lips.
 *
 * The outline's fade is the wider one, and measured from the front, because the training faces'
 * texture is least reliable there and photos show it least: the detected outline and the real
 * edge of the skin disagree by a few pixels, so the texels along it mix skin with background and
 * hair, and an emotion's mean detail there is a ring of misregistration (strongest on surprised
 * faces, whose raised brows and dropped jaw move the outline most); and the sides of the face
 * turn away from the camera, so detail that reaches them ends in a visible line at the face's edge.
 *
 * The lips are left out because what real faces show there is mostly the mouth opening: the
 * detector's inner lip line opens less than a real mouth, so an open mouth's dark interior is
 * unwrapped onto the lower lip; the renderers draw the mouth interior themselves.
 */
export function faceDetailMask(size: number, feather = defaultOpeningFeather(size), outlineFeather = Math.max(feather, defaultOutlineFeather(size)), eyeFeather = feather): Float32Array {
  // The face as a whole, openings included, with each texel's place seen from the front.
  const face = new Uint8Array(size * size);
  const frontal = new Float32Array(size * size * 2);
  coverUv(CANONICAL_TRIANGLES, size, face, frontal);
  const toOutline = frontalOutlineDistance(size, frontal, face);
  const inside = new Uint8Array(size * size);
  coverUv(DETAIL_TRIANGLES, size, inside);
  // The lips: inside the outer lip contour.
  const lip: [number, number][] = [...LIPS_OUTER_UPPER, ...[...LIPS_OUTER_LOWER].reverse()].map((i) => [CANONICAL_UVS[i * 2]! * size, CANONICAL_UVS[i * 2 + 1]! * size]);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5, py = y + 0.5;
      let inLips = false;
      for (let a = 0, b = lip.length - 1; a < lip.length; b = a++) {
        const [xa, ya] = lip[a]!, [xb, yb] = lip[b]!;
        if ((ya > py) !== (yb > py) && px < ((xb - xa) * (py - ya)) / (yb - ya) + xa) inLips = !inLips;
      }
      if (inLips) inside[y * size + x] = 0;
    }
  }
  // The openings are thinner than a texel in the canonical layout (the lips meet): their
  // contours are cut out of the region too, so the fade starts at the lid and lip lines.
  for (const line of [LIPS_INNER_UPPER, LIPS_INNER_LOWER, RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, LEFT_EYE_UPPER, LEFT_EYE_LOWER]) {
    for (let k = 0; k + 1 < line.length; k++) {
      const a = line[k]!, b = line[k + 1]!;
      const ua = CANONICAL_UVS[a * 2]! * size, va = CANONICAL_UVS[a * 2 + 1]! * size;
      const ub = CANONICAL_UVS[b * 2]! * size, vb = CANONICAL_UVS[b * 2 + 1]! * size;
      const steps = Math.ceil(Math.hypot(ub - ua, vb - va) * 4) + 1;
      for (let s = 0; s <= steps; s++) {
        const x = Math.floor(ua + ((ub - ua) * s) / steps), y = Math.floor(va + ((vb - va) * s) / steps);
        if (x >= 0 && y >= 0 && x < size && y < size) inside[y * size + x] = 0;
      }
    }
  }
  // The openings: what the face covers but the detail region leaves out (the eyes, the lips),
  // the eyes' (inside the box of an eye's contour, a texel around) apart from the rest.
  const eyeBoxes = [[...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER], [...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER]].map((line) => {
    const us = line.map((i) => CANONICAL_UVS[i * 2]! * size), vs = line.map((i) => CANONICAL_UVS[i * 2 + 1]! * size);
    return [Math.min(...us) - 1, Math.max(...us) + 1, Math.min(...vs) - 1, Math.max(...vs) + 1] as const;
  });
  const eyes = new Uint8Array(size * size), rest = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (!face[i] || inside[i]) continue;
      const px = x + 0.5, py = y + 0.5;
      if (eyeBoxes.some(([u0, u1, v0, v1]) => px >= u0 && px <= u1 && py >= v0 && py <= v1)) eyes[i] = 1;
      else rest[i] = 1;
    }
  }
  const toEye = chamferDistance(eyes, size), toRest = chamferDistance(rest, size);
  const mask = new Float32Array(size * size);
  for (let i = 0; i < mask.length; i++) {
    // Chamfer distance 1 is the texel next to an opening: it starts that fade.
    if (inside[i]) mask[i] = Math.min(ramp(toOutline[i]!, 0, outlineFeather), ramp(toRest[i]!, 0.5, feather), ramp(toEye[i]!, 0.5, eyeFeather));
  }
  return mask;
}

/** exp(shading) per texel: the factor every channel is multiplied by. Writes into `out`. */
export function shadingFactors(map: DetailMap, out = new Float32Array(map.size * map.size)): Float32Array {
  const s = map.shading;
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(s[i]!);
  return out;
}

/**
 * Multiplies the face's pixels in `dst` by the detail's factors, sampled bilinearly (clamped at
 * the map's edges) at each pixel's UV. `target` holds the (x, y) of every mesh vertex in dst's
 * pixels (at least LANDMARK_COUNT vertices); `factors` is shadingFactors(map). Each pixel is
 * shaded once, even where triangles share an edge: the factors are gathered into `scratch`
 * (width x height, reused between frames) and applied in a second pass.
 */
export function compositeDetail(
  dst: RgbaImage, target: ArrayLike<number>, factors: Float32Array, size: number,
  scratch = new Float32Array(dst.width * dst.height), tris: ArrayLike<number> = DETAIL_TRIANGLES,
): void {
  if (target.length < LANDMARK_COUNT * 2) throw new Error(`compositeDetail needs ${LANDMARK_COUNT} target points`);
  if (factors.length !== size * size) throw new Error(`compositeDetail: ${factors.length} factors for a ${size}x${size} map`);
  const dw = dst.width, dh = dst.height, dd = dst.data;
  if (scratch.length < dw * dh) throw new Error('compositeDetail: the scratch buffer is smaller than the image');
  // The face's bounding box in dst: reset to "no change", gather, apply.
  let fx0 = Infinity, fx1 = -Infinity, fy0 = Infinity, fy1 = -Infinity;
  for (let k = 0; k < tris.length; k++) {
    const v = tris[k]!, x = target[v * 2]!, y = target[v * 2 + 1]!;
    if (x < fx0) fx0 = x; if (x > fx1) fx1 = x;
    if (y < fy0) fy0 = y; if (y > fy1) fy1 = y;
  }
  const bx0 = Math.max(0, Math.floor(fx0)), bx1 = Math.min(dw - 1, Math.ceil(fx1));
  const by0 = Math.max(0, Math.floor(fy0)), by1 = Math.min(dh - 1, Math.ceil(fy1));
  if (bx0 > bx1 || by0 > by1) return;
  for (let y = by0; y <= by1; y++) scratch.fill(1, y * dw + bx0, y * dw + bx1 + 1);
  const max = size - 1;
  const st = newSetup();
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t]!, b = tris[t + 1]!, c = tris[t + 2]!;
    const x0 = target[a * 2]!, y0 = target[a * 2 + 1]!;
    if (!setupTriangle(x0, y0, target[b * 2]!, target[b * 2 + 1]!, target[c * 2]!, target[c * 2 + 1]!, dw, dh, st)) continue;
    const { l1x, l1y, l2x, l2y } = st;
    const minX = Math.max(bx0, st.minX), maxX = Math.min(bx1, st.maxX), minY = Math.max(by0, st.minY), maxY = Math.min(by1, st.maxY);
    // Texel coordinates of the corners (texel centres at integer + 0.5).
    const u0 = CANONICAL_UVS[a * 2]! * size - 0.5, v0 = CANONICAL_UVS[a * 2 + 1]! * size - 0.5;
    const du1 = CANONICAL_UVS[b * 2]! * size - 0.5 - u0, dv1 = CANONICAL_UVS[b * 2 + 1]! * size - 0.5 - v0;
    const du2 = CANONICAL_UVS[c * 2]! * size - 0.5 - u0, dv2 = CANONICAL_UVS[c * 2 + 1]! * size - 0.5 - v0;
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5 - y0;
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5 - x0;
        const l1 = l1x * px + l1y * py, l2 = l2x * px + l2y * py;
        if (l1 < -1e-6 || l2 < -1e-6 || l1 + l2 > 1 + 1e-6) continue;
        let su = u0 + l1 * du1 + l2 * du2, sv = v0 + l1 * dv1 + l2 * dv2;
        if (su < 0) su = 0; else if (su > max) su = max;
        if (sv < 0) sv = 0; else if (sv > max) sv = max;
        const iu = su | 0, iv = sv | 0, fu = su - iu, fv = sv - iv;
        const p = iv * size + iu, pu = iu < max ? 1 : 0, pv = iv < max ? size : 0;
        scratch[y * dw + x] = (factors[p]! * (1 - fu) + factors[p + pu]! * fu) * (1 - fv) + (factors[p + pv]! * (1 - fu) + factors[p + pv + pu]! * fu) * fv;
      }
    }
  }
  for (let y = by0; y <= by1; y++) {
    for (let x = bx0; x <= bx1; x++) {
      const f = scratch[y * dw + x]!;
      if (f === 1) continue;
      const o = (y * dw + x) * 4;
      dd[o] = dd[o]! * f;
      dd[o + 1] = dd[o + 1]! * f;
      dd[o + 2] = dd[o + 2]! * f;
    }
  }
}
