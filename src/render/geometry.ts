/**
 * The warp geometry shared by every photo renderer (CPU here, WebGL in the page): the 468
 * mesh points, a ring of fixed anchor points around the face, and the triangles that tie them
 * together. The face moves inside the ring; hair, neck and background outside it stay still.
 *
 * Coordinates are output pixels: x right, y down, origin at the top-left corner.
 * Pure: no DOM, no I/O.
 */
import {
  CANONICAL_TRIANGLES, FACE_OVAL, LANDMARK_COUNT, LEFT_EYE_LOWER, LEFT_EYE_UPPER, LIPS_INNER_LOWER, LIPS_INNER_UPPER,
  LIPS_OUTER_LOWER, LIPS_OUTER_UPPER, MOUTH_TRIANGLES, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER,
} from '../core/topology.ts';
import { MOUTH_U } from './mouth-interior.ts';
import { untangleMesh } from './untangle.ts';

/** The lip and eyelid contours: the mouth and eye passes read them, so untangling never moves them. */
const UNTANGLE_LOCKED: ReadonlySet<number> = new Set<number>([
  ...LIPS_INNER_UPPER, ...LIPS_INNER_LOWER, ...LIPS_OUTER_UPPER, ...LIPS_OUTER_LOWER,
  ...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER, ...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER,
]);

export const RING_SCALE = 1.4;

export interface WarpGeometry {
  /** Vertex count: 468 mesh points then FACE_OVAL.length ring points. */
  readonly vertexCount: number;
  /**
   * Source positions (x, y) in the photo for every vertex: the photo's mesh untangled
   * (render/untangle.ts), so that no triangle is folded over another.
   */
  readonly source: Float32Array;
  /**
   * What untangling moved each mesh point by (x, y per point, 468 points; zero for most):
   * targetPositions adds it to the moved mesh, so the warp is the identity at the photo's own
   * pose and a fold stays flat as the face moves.
   */
  readonly sourceShift: Float32Array;
  /** Triangles warped from the photo (vertex indices), the mouth opening excepted. */
  readonly triangles: Uint16Array;
  /** Triangles of the mouth opening: warped like the rest, then painted as the mouth interior. */
  readonly mouthTriangles: Uint16Array;
  /** Per vertex: 0 on the upper inner lip, 1 on the lower inner lip (for mouth shading). */
  readonly mouthSide: Float32Array;
  /** Per vertex: u along the mouth, 0 at corner 78 to 1 at corner 308 (the learned interior's grid; mouth-interior.ts). */
  readonly mouthU: Float32Array;
  /** Lip gap in the source photo, pixels (13 to 14), and mouth width (78 to 308). */
  readonly sourceLipGap: number;
  readonly sourceMouthWidth: number;
}

/**
 * Builds the geometry from the photo's own mesh (468 x xyz, output pixels) and the image size.
 */
export function buildWarpGeometry(mesh: ArrayLike<number>, width: number, height: number): WarpGeometry {
  if (mesh.length < LANDMARK_COUNT * 3) throw new Error(`mesh needs ${LANDMARK_COUNT} points`);
  const ringN = FACE_OVAL.length;
  const vertexCount = LANDMARK_COUNT + ringN;
  const source = new Float32Array(vertexCount * 2);
  let cx = 0, cy = 0;
  const flat = new Float64Array(LANDMARK_COUNT * 2);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    flat[i * 2] = mesh[i * 3]!;
    flat[i * 2 + 1] = mesh[i * 3 + 1]!;
  }
  const untangled = untangleMesh(flat, CANONICAL_TRIANGLES, { locked: UNTANGLE_LOCKED });
  const sourceShift = new Float32Array(LANDMARK_COUNT * 2);
  for (let i = 0; i < LANDMARK_COUNT * 2; i++) {
    source[i] = untangled.xy[i]!;
    sourceShift[i] = untangled.xy[i]! - flat[i]!;
  }
  for (const i of FACE_OVAL) { cx += mesh[i * 3]!; cy += mesh[i * 3 + 1]!; }
  cx /= ringN; cy /= ringN;
  FACE_OVAL.forEach((o, k) => {
    const v = LANDMARK_COUNT + k;
    source[v * 2] = Math.min(Math.max(cx + (mesh[o * 3]! - cx) * RING_SCALE, 0), width);
    source[v * 2 + 1] = Math.min(Math.max(cy + (mesh[o * 3 + 1]! - cy) * RING_SCALE, 0), height);
  });

  const mouthSet = new Set(MOUTH_TRIANGLES);
  const tris: number[] = [];
  const mouth: number[] = [];
  for (let t = 0; t < CANONICAL_TRIANGLES.length / 3; t++) {
    const dst = mouthSet.has(t) ? mouth : tris;
    dst.push(CANONICAL_TRIANGLES[t * 3]!, CANONICAL_TRIANGLES[t * 3 + 1]!, CANONICAL_TRIANGLES[t * 3 + 2]!);
  }
  // The band between the face oval and the ring.
  for (let k = 0; k < ringN; k++) {
    const a = FACE_OVAL[k]!, b = FACE_OVAL[(k + 1) % ringN]!;
    const ra = LANDMARK_COUNT + k, rb = LANDMARK_COUNT + ((k + 1) % ringN);
    tris.push(a, b, ra, ra, b, rb);
  }
  const mouthSide = new Float32Array(vertexCount);
  for (const i of LIPS_INNER_LOWER) mouthSide[i] = 1;
  for (const i of LIPS_INNER_UPPER) mouthSide[i] = 0;
  mouthSide[78] = 0.5;
  mouthSide[308] = 0.5;
  const mouthU = new Float32Array(vertexCount);
  mouthU.set(MOUTH_U);

  const d = (a: number, b: number) => Math.hypot(mesh[a * 3]! - mesh[b * 3]!, mesh[a * 3 + 1]! - mesh[b * 3 + 1]!);
  return {
    vertexCount, source, sourceShift, triangles: Uint16Array.from(tris), mouthTriangles: Uint16Array.from(mouth), mouthSide, mouthU,
    sourceLipGap: d(13, 14), sourceMouthWidth: d(78, 308),
  };
}

/**
 * Target positions: the moved mesh (plus the untangling's shift) for the face, the source
 * positions for the fixed ring.
 */
export function targetPositions(geom: WarpGeometry, movedMesh: ArrayLike<number>, out = new Float32Array(geom.vertexCount * 2)): Float32Array {
  const shift = geom.sourceShift;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    out[i * 2] = movedMesh[i * 3]! + shift[i * 2]!;
    out[i * 2 + 1] = movedMesh[i * 3 + 1]! + shift[i * 2 + 1]!;
  }
  out.set(geom.source.subarray(LANDMARK_COUNT * 2), LANDMARK_COUNT * 2);
  return out;
}

/**
 * How far the mouth shows its interior, 0..1: the lip gap beyond the photo's own gap,
 * relative to the mouth width. A photo whose mouth is open (its gap over 8% of the mouth's
 * width, fully from 15%) keeps its own interior, stretched, for the share of the gap it already
 * showed (its gap / this gap): its own teeth stay under the interior laid on. The same rule in
 * every renderer.
 */
export function mouthOpenness(geom: WarpGeometry, target: ArrayLike<number>): number {
  const gap = Math.hypot(target[13 * 2]! - target[14 * 2]!, target[13 * 2 + 1]! - target[14 * 2 + 1]!);
  const extra = gap - geom.sourceLipGap;
  const ramp = extra / (0.06 * geom.sourceMouthWidth + 1e-6);
  const o = Math.min(Math.max((geom.sourceLipGap / Math.max(geom.sourceMouthWidth, 1e-6) - 0.08) / 0.07, 0), 1);
  const keep = o * o * (3 - 2 * o) * (geom.sourceLipGap / Math.max(gap, 1e-6));
  return Math.min(Math.max(Math.min(ramp, 1 - keep), 0), 1);
}

/**
 * Per-vertex lip gap for the mouth interior (the distance between matching inner-lip points,
 * written to both points; other vertices untouched) and the mouth width, both in target pixels.
 */
export function mouthGaps(target: ArrayLike<number>, gaps: Float32Array): number {
  for (let k = 0; k < LIPS_INNER_UPPER.length; k++) {
    const u = LIPS_INNER_UPPER[k]!, l = LIPS_INNER_LOWER[k]!;
    const g = Math.hypot(target[u * 2]! - target[l * 2]!, target[u * 2 + 1]! - target[l * 2 + 1]!);
    gaps[u] = g;
    gaps[l] = g;
  }
  return Math.hypot(target[78 * 2]! - target[308 * 2]!, target[78 * 2 + 1]! - target[308 * 2 + 1]!);
}

/**
 * How far in from the lips the mouth interior fades in, as a share of the mouth width (at least
 * MOUTH_EDGE_MIN_PIXELS): the interior is laid over the warped lips with a soft edge, as a real
 * mouth's lips shade into its opening, not cut in as a hard polygon.
 */
export const MOUTH_EDGE_FEATHER = 0.05;
export const MOUTH_EDGE_MIN_PIXELS = 1.5;

/**
 * Coverage of the mouth interior at a point `edge` pixels in from the nearer inner lip, for a
 * mouth `mouthWidth` pixels wide: 0 at the lip, 1 from the feather width in, smooth between (a
 * smoothstep). Every renderer uses this rule (the WebGL shader spells out the same arithmetic).
 */
export function mouthEdgeCoverage(edge: number, mouthWidth: number): number {
  const width = mouthWidth > 1 ? mouthWidth : 1;
  const f = edge / Math.max(MOUTH_EDGE_MIN_PIXELS, MOUTH_EDGE_FEATHER * width);
  if (!(f > 0)) return 0;
  return f >= 1 ? 1 : f * f * (3 - 2 * f);
}

/**
 * Colour of the mouth interior at a point: `down` is the distance below the upper lip and
 * `up` the distance above the lower lip, both in units of mouth width. A band of upper teeth,
 * a thinner band of lower teeth, a dark cavity and a hint of tongue. Returns RGB 0..255.
 */
export function mouthInteriorColour(down: number, up: number, out: [number, number, number]): [number, number, number] {
  const gap = down + up;
  // Teeth take at most 40% of a narrow opening, and sit in shadow until the mouth opens wide.
  const wide = Math.min(Math.max((gap - 0.08) / 0.08, 0), 1);
  const upperTeeth = Math.min(0.06, 0.4 * gap), lowerTeeth = Math.min(0.035, 0.2 * gap) * wide * wide * (3 - 2 * wide);
  const light = 0.45 + 0.4 * Math.min(gap / 0.18, 1);
  if (down < upperTeeth) {
    // Ivory, shaded towards the gum line and the biting edge.
    const s = light * (0.75 + 0.25 * Math.sin((down / upperTeeth) * Math.PI));
    out[0] = 225 * s; out[1] = 214 * s; out[2] = 192 * s;
  } else if (up < lowerTeeth) {
    const s = light * (0.55 + 0.2 * (up / lowerTeeth));
    out[0] = 210 * s; out[1] = 200 * s; out[2] = 185 * s;
  } else {
    const depth = Math.min(down / (gap + 1e-6), 1);
    // Dark at the top of the cavity, a little warmer (tongue) towards the bottom.
    out[0] = 30 + 60 * depth * depth; out[1] = 10 + 14 * depth * depth; out[2] = 12 + 14 * depth * depth;
  }
  return out;
}
