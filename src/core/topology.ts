/**
 * Named landmark sets of the MediaPipe 468-point face mesh and the canonical face.
 * Sides follow the subject: RIGHT_* is the subject's right eye (image left when facing the camera).
 */
import { CANONICAL_POSITIONS, CANONICAL_TRIANGLES, CANONICAL_UVS } from './canonical-data.ts';

export const LANDMARK_COUNT = 468;

export const FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109] as const;

/** Inner lip contour, corner to corner (subject's right corner 78 first). */
export const LIPS_INNER_UPPER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308] as const;
export const LIPS_INNER_LOWER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308] as const;
export const LIPS_OUTER_UPPER = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291] as const;
export const LIPS_OUTER_LOWER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291] as const;
export const MOUTH_CORNER_RIGHT = 61;
export const MOUTH_CORNER_LEFT = 291;

/** Eyelid contours, outer corner to inner corner. */
export const RIGHT_EYE_UPPER = [33, 246, 161, 160, 159, 158, 157, 173, 133] as const;
export const RIGHT_EYE_LOWER = [33, 7, 163, 144, 145, 153, 154, 155, 133] as const;
export const LEFT_EYE_UPPER = [263, 466, 388, 387, 386, 385, 384, 398, 362] as const;
export const LEFT_EYE_LOWER = [263, 249, 390, 373, 374, 380, 381, 382, 362] as const;

export const RIGHT_BROW = [70, 63, 105, 66, 107, 46, 53, 52, 65, 55] as const;
export const LEFT_BROW = [300, 293, 334, 296, 336, 276, 283, 282, 295, 285] as const;

/**
 * Points that expressions barely move (nose bridge, eye corners, temples, upper face sides):
 * used to estimate head pose without being fooled by a smile or a dropped jaw.
 */
export const STABLE_POINTS = [168, 6, 197, 195, 5, 4, 1, 33, 133, 263, 362, 127, 356, 234, 454, 93, 323, 10, 151, 9, 8, 234, 454, 162, 389, 21, 251, 54, 284] as const;

export function canonicalPoint(i: number): [number, number, number] {
  return [CANONICAL_POSITIONS[i * 3]!, CANONICAL_POSITIONS[i * 3 + 1]!, CANONICAL_POSITIONS[i * 3 + 2]!];
}

/** The canonical face (centimetres, y up, z towards the viewer) as a fresh array. */
export function canonicalFace(): Float64Array {
  return Float64Array.from(CANONICAL_POSITIONS);
}

/** Triangles of the mesh that fill the mouth opening (all three corners on the inner lip contour). */
export const MOUTH_TRIANGLES: readonly number[] = (() => {
  const ring = new Set<number>([...LIPS_INNER_UPPER, ...LIPS_INNER_LOWER]);
  return triangleIndicesWhere((a, b, c) => ring.has(a) && ring.has(b) && ring.has(c));
})();

/** Triangles of the mesh that fill the eye openings. */
export const EYE_TRIANGLES: readonly number[] = (() => {
  const r = new Set<number>([...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER]);
  const l = new Set<number>([...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER]);
  return triangleIndicesWhere((a, b, c) => (r.has(a) && r.has(b) && r.has(c)) || (l.has(a) && l.has(b) && l.has(c)));
})();

function triangleIndicesWhere(pred: (a: number, b: number, c: number) => boolean): number[] {
  const out: number[] = [];
  for (let t = 0; t < CANONICAL_TRIANGLES.length / 3; t++) {
    if (pred(CANONICAL_TRIANGLES[t * 3]!, CANONICAL_TRIANGLES[t * 3 + 1]!, CANONICAL_TRIANGLES[t * 3 + 2]!)) out.push(t);
  }
  return out;
}

export { CANONICAL_POSITIONS, CANONICAL_TRIANGLES, CANONICAL_UVS };
