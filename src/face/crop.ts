/**
 * The rules that turn a detected face into the square the renderers animate, shared by the
 * CLI (sharp, in Node) and the page (canvas, in a worker). Pure: numbers in, numbers out.
 *
 * Coordinates: pixels of the original photo, x right, y down, origin at the top-left corner.
 */
import { EmoteBotError } from '../core/errors.ts';
import type { DetectedFace, FaceBox } from './types.ts';

/** Smallest face (shorter side of its box, original pixels) that animates well. */
export const MIN_FACE_PIXELS = 48;
/** Photos are scaled down to this longer side before detection (the mesh is refined at crop scale). */
export const DETECT_MAX_SIDE = 1280;
/** The crop is this many times the face box, centred a little above the box centre... */
export const CROP_FACTOR = 2.1;
/** ...or smaller when the photo is tight around the face, down to this (the warp ring needs 1.4x). */
export const MIN_CROP_FACTOR = 1.5;
/** Largest photo accepted, in pixels (a 40-megapixel camera image). */
export const MAX_PHOTO_PIXELS = 40_000_000;

/** Scale that brings a photo's longer side down to DETECT_MAX_SIDE (1 when already smaller). */
export function detectScale(width: number, height: number): number {
  return Math.min(1, DETECT_MAX_SIDE / Math.max(width, height));
}

export interface CropSquare {
  /** Top-left corner of the square in the photo (may be negative: the square leaves the photo). */
  left: number;
  top: number;
  /** Side of the square, photo pixels. */
  side: number;
  /** How far the square leaves the photo on each side (padding needed), photo pixels. */
  pad: { left: number; top: number; right: number; bottom: number };
}

/**
 * The square around a face box (photo pixels): CROP_FACTOR times the box, shrunk towards
 * MIN_CROP_FACTOR when the photo is tighter than that, and shifted (never past the face) to stay
 * inside the photo, so tightly framed portraits need little or no padding.
 */
export function cropSquare(box: FaceBox, width: number, height: number): CropSquare {
  const s = Math.max(box.width, box.height);
  const side = Math.round(Math.min(Math.max(Math.min(width, height), MIN_CROP_FACTOR * s), CROP_FACTOR * s));
  const cx = box.x + box.width / 2, cy = box.y + box.height * 0.42;
  // Inside the photo where the side allows; the square still holds the whole box (side >= box).
  const place = (centre: number, extent: number): number => {
    const start = Math.round(centre - side / 2);
    return side <= extent ? Math.min(Math.max(start, 0), extent - side) : start;
  };
  const left = place(cx, width), top = place(cy, height);
  return {
    left, top, side,
    pad: { left: Math.max(0, -left), top: Math.max(0, -top), right: Math.max(0, left + side - width), bottom: Math.max(0, top + side - height) },
  };
}

/** A box found on the photo scaled by `scale`, in the photo's pixels. */
export function boxInPhoto(box: FaceBox, scale: number): FaceBox {
  return { x: box.x / scale, y: box.y / scale, width: box.width / scale, height: box.height / scale };
}

/** How near an edge (a share of the box's larger side) a face's box comes when it fills the frame. */
export const FILLS_FRAME_MARGIN = 0.05;

/**
 * True when a face's box (photo pixels) comes within FILLS_FRAME_MARGIN of an edge of a width x
 * height photo: a face that fills the frame, cut by it. The detector misses or misplaces such a
 * face (its box then ends at or just inside the edge) unless the photo is set on a border (the
 * training data's rule, data/preprocess.ts DEFAULT_RULE).
 */
export function fillsFrame(box: FaceBox, width: number, height: number): boolean {
  const m = FILLS_FRAME_MARGIN * Math.max(box.width, box.height);
  return box.x <= m || box.y <= m || box.x + box.width >= width - m || box.y + box.height >= height - m;
}

/**
 * Whether a photo must be detected again on a border: the first detection, on the photo scaled by
 * `scale`, found no face, or a face that fills the frame (fillsFrame).
 */
export function needsBorder(faces: readonly DetectedFace[], scale: number, width: number, height: number): boolean {
  const first = faces[0];
  return !first || fillsFrame(boxInPhoto(first.box, scale), width, height);
}

/**
 * Picks the face to animate from a detection on the photo scaled by `scale`, and returns its
 * box in the pixels of the width x height photo, clipped to it (a face found on a border reaches
 * past the photo's edges; the crop is made from what the photo shows). Throws EmoteBotError
 * 'no-face' or 'face-too-small' with a message for the user.
 */
export function chooseFace(faces: readonly DetectedFace[], scale: number, width: number, height: number): { face: DetectedFace; box: FaceBox } {
  const face = faces[0];
  if (!face) throw new EmoteBotError('no-face', 'no face found in the photo (try a clearer, front-facing portrait)');
  let box = boxInPhoto(face.box, scale);
  if (fillsFrame(box, width, height)) {
    const x0 = Math.max(0, box.x), y0 = Math.max(0, box.y);
    box = { x: x0, y: y0, width: Math.max(0, Math.min(width, box.x + box.width) - x0), height: Math.max(0, Math.min(height, box.y + box.height) - y0) };
  }
  if (Math.min(box.width, box.height) < MIN_FACE_PIXELS) {
    throw new EmoteBotError('face-too-small', `the face is too small (${Math.round(Math.min(box.width, box.height))} px across; at least ${MIN_FACE_PIXELS} px needed)`);
  }
  return { face, box };
}

/** A mesh detected on the photo scaled by `scale`, moved into the crop's pixels at output `size`. */
export function meshIntoCrop(mesh: ArrayLike<number>, scale: number, crop: CropSquare, size: number): Float32Array {
  const k = size / crop.side;
  const out = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    out[i * 3] = (mesh[i * 3]! / scale - crop.left) * k;
    out[i * 3 + 1] = (mesh[i * 3 + 1]! / scale - crop.top) * k;
    out[i * 3 + 2] = (mesh[i * 3 + 2]! / scale) * k;
  }
  return out;
}

/** A mesh in the pixels of a size x size crop of square `crop`, back in the photo's pixels. */
export function meshInPhoto(mesh: ArrayLike<number>, crop: CropSquare, size: number): Float64Array {
  const k = crop.side / size;
  const out = new Float64Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    out[i * 3] = mesh[i * 3]! * k + crop.left;
    out[i * 3 + 1] = mesh[i * 3 + 1]! * k + crop.top;
    out[i * 3 + 2] = mesh[i * 3 + 2]! * k;
  }
  return out;
}

/**
 * The mesh measured again on the crop itself is sharper than one scaled up from a big photo:
 * use the re-detected face nearest to the first estimate (by the nose tip, landmark 4), unless
 * none lies within a tenth of the crop.
 */
export function refineMesh(estimate: Float32Array, redetected: readonly DetectedFace[], size: number): Float32Array {
  let best: Float32Array | undefined;
  let bestD = size * 0.1;
  for (const f of redetected) {
    const d = Math.hypot(f.mesh[4 * 3]! - estimate[4 * 3]!, f.mesh[4 * 3 + 1]! - estimate[4 * 3 + 1]!);
    if (d < bestD) { bestD = d; best = f.mesh; }
  }
  return best ?? estimate;
}

/**
 * Above this flip discrepancy a photo's mesh is uncertain: on photos whose meshes sit on the
 * face it is 0.01 to 0.07; meshes drawn off the face (the mouth on the nose of a headshot cut at
 * the chin) read 0.14 and more.
 */
export const UNCERTAIN_FLIP = 0.1;

/**
 * What the user is told when a photo's mesh is uncertain (a flip discrepancy above
 * UNCERTAIN_FLIP), as a lower-case clause; null when it is not.
 */
export function uncertainMeshNote(discrepancy: number): string | null {
  if (!(discrepancy > UNCERTAIN_FLIP)) return null;
  return 'the face is hard to read in this photo, so the mouth and eyes may be drawn in the wrong place (a photo that shows the whole face, chin included, with some space around it works best)';
}

/**
 * How far a face's mesh and the mesh found on the mirrored photo disagree: the median distance
 * between each point and the same point of `mirrored` (the mirrored photo's mesh, mirrored back
 * into the photo's pixels, data/align.ts mirrorImageMesh), over the distance between the outer
 * eye corners (33, 263). A detector that reads the face well finds the same points both ways;
 * Infinity when the mirrored photo showed no face (`mirrored` null). Meshes are 468 x (x, y, z)
 * in the same pixels.
 */
export function flipDiscrepancy(mesh: ArrayLike<number>, mirrored: ArrayLike<number> | null): number {
  if (!mirrored) return Infinity;
  const eye = Math.hypot(mesh[33 * 3]! - mesh[263 * 3]!, mesh[33 * 3 + 1]! - mesh[263 * 3 + 1]!);
  const d = new Float64Array(468);
  for (let i = 0; i < 468; i++) d[i] = Math.hypot(mesh[i * 3]! - mirrored[i * 3]!, mesh[i * 3 + 1]! - mirrored[i * 3 + 1]!);
  d.sort();
  return ((d[233]! + d[234]!) / 2) / Math.max(eye, 1e-6);
}
