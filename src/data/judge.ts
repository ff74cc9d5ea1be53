/**
 * What the detector found in one image, and whether it makes a training face. Pure: the detector
 * runs at the edge (src/data/detect.ts); the rules here decide, so changing a threshold never
 * needs the detector again (the cache keeps what it found).
 */
import { type Alignment, alignMesh } from './align.ts';

export interface Box { x: number; y: number; width: number; height: number }

export interface FoundFace {
  /** Source-image pixels. */
  box: Box;
  score: number;
  /** 468 x xyz in source-image pixels (x right, y down, z on the detector's depth scale). */
  mesh: Float32Array;
  /** The detector's face descriptor, when it gives one (DetectedFace.descriptor). */
  descriptor?: Float32Array;
}

/** What detection found in one image or frame. Faces largest first. */
export type Detection =
  | { status: 'ok'; width: number; height: number; faces: FoundFace[] }
  | { status: 'unreadable'; message: string };

/** Every reason an image or frame is not used, in the order the rules are checked. */
export const REJECT_REASONS = ['unreadable', 'no-face', 'low-score', 'several-faces', 'face-too-small', 'bad-fit', 'pose-too-far'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REASON_TEXT: Readonly<Record<RejectReason, string>> = {
  'unreadable': 'unreadable (not an image, truncated or corrupt)',
  'no-face': 'no face found',
  'low-score': 'detection score too low',
  'several-faces': 'several faces of similar size',
  'face-too-small': 'face too small',
  'bad-fit': 'mesh does not fit a face shape',
  'pose-too-far': 'pose too far from frontal',
};

export interface Thresholds {
  /** Faces under this detector score do not count (0..1). */
  minScore: number;
  /** A second face at least this fraction of the largest face's width makes the label ambiguous. */
  severalFacesRatio: number;
  /** Smallest face box side, in source pixels. */
  minFacePixels: number;
  /** Largest RMS distance of the aligned stable points from the canonical face's, centimetres. */
  maxFitError: number;
  /** Largest |yaw| and |pitch| in degrees. */
  maxYaw: number;
  maxPitch: number;
}

/**
 * Defaults. minFacePixels is low on purpose: FER2013's faces are about 40 px across and come out
 * well once scaled up; below 24 px the eyes are a few pixels wide. maxFitError: a well-found face
 * fits to about 0.3-0.6 cm, a mesh the detector guessed on a face it barely saw to 2 cm and more.
 */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  minScore: 0.5,
  severalFacesRatio: 0.5,
  minFacePixels: 24,
  maxFitError: 1.0,
  maxYaw: 35,
  maxPitch: 30,
});

export type Judgement =
  | { ok: true; face: FoundFace; alignment: Alignment; faceCount: number }
  /** A rejected image; `face` and `alignment` are there when a face was found and aligned. */
  | { ok: false; reason: RejectReason; detail: string; face?: FoundFace; alignment?: Alignment };

/** Applies the rules to one detection, in the order of REJECT_REASONS. */
export function judge(d: Detection, t: Thresholds): Judgement {
  if (d.status === 'unreadable') return { ok: false, reason: 'unreadable', detail: d.message };
  if (d.faces.length === 0) return { ok: false, reason: 'no-face', detail: 'no face found' };
  const faces = d.faces.filter((f) => f.score >= t.minScore).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  const face = faces[0];
  if (!face) {
    const best = Math.max(...d.faces.map((f) => f.score));
    return { ok: false, reason: 'low-score', detail: `best score ${best.toFixed(2)} < ${t.minScore}` };
  }
  const second = faces[1];
  if (second && second.box.width >= t.severalFacesRatio * face.box.width) {
    return { ok: false, reason: 'several-faces', detail: `${faces.length} faces`, face };
  }
  const side = Math.min(face.box.width, face.box.height);
  if (side < t.minFacePixels) return { ok: false, reason: 'face-too-small', detail: `${side.toFixed(0)} px < ${t.minFacePixels} px`, face };
  const alignment = alignMesh(face.mesh);
  if (!(alignment.fitError <= t.maxFitError)) {
    return { ok: false, reason: 'bad-fit', detail: `fit error ${alignment.fitError.toFixed(2)} cm > ${t.maxFitError} cm`, face, alignment };
  }
  const { yaw, pitch } = alignment.pose;
  if (Math.abs(yaw) > t.maxYaw || Math.abs(pitch) > t.maxPitch) {
    return { ok: false, reason: 'pose-too-far', detail: `yaw ${yaw.toFixed(0)}°, pitch ${pitch.toFixed(0)}°`, face, alignment };
  }
  return { ok: true, face, alignment, faceCount: faces.length };
}
