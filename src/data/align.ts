/**
 * A detected face mesh aligned to the canonical face: what is left is identity and expression.
 * Pure maths, shared with the renderer: the similarity fit is `fitFace` from src/render/pose.ts
 * (Procrustes on STABLE_POINTS with a golden-section search over the detector's depth scale), so
 * training data and animation align faces the same way.
 *
 * Frames: the image mesh is pixels, x right, y down, z away from the viewer (Human: negative
 * towards the camera); the canonical face is centimetres, x towards the subject's left, y up, z
 * towards the viewer. Both frames are right-handed, so a proper rotation (half a turn about x for a
 * frontal face) maps one onto the other: the fit never reflects, and the landmark the detector
 * calls the subject's left eye stays the left eye, on canonical +x.
 */
import { eulerToMat3, type Mat3 } from '../core/linalg.ts';
import { rmsDistance, type Similarity } from '../core/procrustes.ts';
import { CANONICAL_POSITIONS, LANDMARK_COUNT, STABLE_POINTS } from '../core/topology.ts';
import { fitFace } from '../render/pose.ts';

/** Head pose in degrees, in the renderer's convention (src/render/pose.ts applies eulerToMat3(yaw, -pitch, -roll)). */
export interface HeadPose {
  /** Positive: the face turned towards its own left (nose towards image right). */
  yaw: number;
  /** Positive: looking up. */
  pitch: number;
  /** Positive: head tilted towards its own left shoulder (clockwise on screen). */
  roll: number;
}

export interface Alignment {
  /** 468 x xyz in canonical centimetres (see NORMALISATION). */
  aligned: Float64Array;
  /** Canonical frame to image pixels, with image z multiplied by depthScale: p' = s R c + t. */
  similarity: Similarity;
  /** Factor applied to the detector's z before the fit (Human's depth is about 1/1.7 of x and y). */
  depthScale: number;
  pose: HeadPose;
  /** RMS distance of the aligned STABLE_POINTS from the canonical face's, centimetres. */
  fitError: number;
}

/** What "aligned and normalised" means, word for word in every dataset header. */
export const NORMALISATION =
  'aligned = R^T (p - t) / s, where p is the detected mesh in source-image pixels (x right, y down) ' +
  'with z multiplied by depthScale, and (s, R, t) is the least-squares similarity (proper rotation, ' +
  'no reflection) taking the canonical face onto p over STABLE_POINTS. The result is in the canonical ' +
  "face's frame and units: centimetres, x towards the subject's left, y up, z towards the viewer; " +
  "the stable points' centroid, orientation and scale match the canonical face's. No other scaling. " +
  'Invert per face: p = s R aligned + t, then divide z by depthScale.';

const DEG = 180 / Math.PI;
/** Image frame (y down, z away) to a y-up, z-towards-viewer frame: half a turn about x. */
const FLIP: Mat3 = [1, 0, 0, 0, -1, 0, 0, 0, -1];

/** Aligns one detected mesh (468 x xyz, image pixels) to the canonical face. */
export function alignMesh(mesh: ArrayLike<number>): Alignment {
  if (mesh.length !== LANDMARK_COUNT * 3) throw new Error(`alignMesh: expected ${LANDMARK_COUNT * 3} numbers, got ${mesh.length}`);
  const fit = fitFace(mesh);
  return {
    aligned: fit.canonical,
    similarity: fit.similarity,
    depthScale: fit.depthScale,
    pose: headPoseFromRotation(fit.similarity.rotation),
    fitError: rmsDistance(fit.canonical, CANONICAL_POSITIONS, STABLE_POINTS),
  };
}

/** Yaw, pitch and roll (degrees) of a canonical-to-image rotation. */
export function headPoseFromRotation(rotation: Mat3): HeadPose {
  // Head rotation in the y-up frame: H = FLIP R = Ry(yaw) Rx(-pitch) Rz(-roll).
  const H = mulFlip(rotation);
  const b = Math.asin(Math.max(-1, Math.min(1, -H[5])));
  const a = Math.atan2(H[2], H[8]);
  const c = Math.atan2(H[3], H[4]);
  return { yaw: a * DEG, pitch: -b * DEG, roll: -c * DEG };
}

/** The canonical-to-image rotation of a head pose (degrees); the inverse of headPoseFromRotation. */
export function rotationFromHeadPose(pose: HeadPose): Mat3 {
  return mulFlip(eulerToMat3(pose.yaw / DEG, -pose.pitch / DEG, -pose.roll / DEG));
}

function mulFlip(m: Mat3): Mat3 {
  // FLIP is its own inverse and diagonal: negate rows 1 and 2.
  return [m[0] * FLIP[0], m[1] * FLIP[0], m[2] * FLIP[0], m[3] * FLIP[4], m[4] * FLIP[4], m[5] * FLIP[4], m[6] * FLIP[8], m[7] * FLIP[8], m[8] * FLIP[8]];
}

/**
 * For every landmark, its mirror image across the face's midline (the subject's left eye corner for
 * the right one, itself on the midline), from the canonical face's symmetry.
 */
export const MIRROR_INDEX: Int32Array = (() => {
  const n = LANDMARK_COUNT;
  const out = new Int32Array(n);
  const c = CANONICAL_POSITIONS;
  for (let i = 0; i < n; i++) {
    const x = -c[i * 3]!, y = c[i * 3 + 1]!, z = c[i * 3 + 2]!;
    let best = i, bd = Infinity;
    for (let j = 0; j < n; j++) {
      const d = (c[j * 3]! - x) ** 2 + (c[j * 3 + 1]! - y) ** 2 + (c[j * 3 + 2]! - z) ** 2;
      if (d < bd) { bd = d; best = j; }
    }
    out[i] = best;
  }
  return out;
})();

/**
 * The aligned mesh of the same face seen in a mirror (flip x, swap left and right landmarks):
 * data augmentation that keeps the landmark order's meaning.
 */
export function mirrorAligned(aligned: ArrayLike<number>, out = new Float64Array(aligned.length)): Float64Array {
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const j = MIRROR_INDEX[i]!;
    out[i * 3] = -aligned[j * 3]!;
    out[i * 3 + 1] = aligned[j * 3 + 1]!;
    out[i * 3 + 2] = aligned[j * 3 + 2]!;
  }
  return out;
}

/**
 * What a detector reports for the same photo flipped left to right (`width` pixels wide): every
 * landmark keeps its anatomical meaning, so the subject's left eye is the one now on image right.
 */
export function mirrorImageMesh(mesh: ArrayLike<number>, width: number, out = new Float64Array(mesh.length)): Float64Array {
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const j = MIRROR_INDEX[i]!;
    out[i * 3] = width - mesh[j * 3]!;
    out[i * 3 + 1] = mesh[j * 3 + 1]!;
    out[i * 3 + 2] = mesh[j * 3 + 2]!;
  }
  return out;
}
