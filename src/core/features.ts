/**
 * Face features: a small, named description of a face's expression and pose, derived
 * from landmark geometry relative to the same face at neutral. The EmoteBot character
 * and (later) ARKit-style avatars are driven by these, so every renderer follows the
 * same expression stream as the photo warp.
 *
 * Sides: "Left" is the subject's own left (image right when the face looks at the camera).
 */
export interface FaceFeatures {
  /** Jaw / lips apart: 0 closed, 1 wide open (about a third of the face height). */
  jawOpen: number;
  /** Lip-corner lift: positive raises the corner (smile), negative lowers it (frown); about -1..1. */
  mouthSmileLeft: number;
  mouthSmileRight: number;
  /** Mouth width change: positive stretches sideways, negative narrows (pucker); about -1..1. */
  mouthStretch: number;
  /** Lips pressed together / thinned: 0..1. */
  lipPress: number;
  /** Upper lip raised (disgust): 0..1. */
  upperLipRaise: number;
  /** Inner brow raised (sadness, fear, surprise): 0..1. */
  browInnerUp: number;
  /** Outer brow raised: 0..1. */
  browOuterUpLeft: number;
  browOuterUpRight: number;
  /** Brow lowered and drawn together (anger): 0..1. */
  browDownLeft: number;
  browDownRight: number;
  /** Eye opening relative to neutral: 0 closed, 1 neutral, up to about 1.6 wide. */
  eyeOpenLeft: number;
  eyeOpenRight: number;
  /** Cheeks raised (Duchenne smile, squint): 0..1. */
  cheekRaise: number;
  /** Nose wrinkled (disgust): 0..1. */
  noseWrinkle: number;
  /** Head rotation in radians: yaw positive turns the face towards image right, pitch positive looks up, roll positive turns the head clockwise in the image. */
  headYaw: number;
  headPitch: number;
  headRoll: number;
  /** Gaze direction, -1..1: x positive towards image right, y positive up. */
  gazeX: number;
  gazeY: number;
}

export const NEUTRAL_FEATURES: Readonly<FaceFeatures> = Object.freeze({
  jawOpen: 0, mouthSmileLeft: 0, mouthSmileRight: 0, mouthStretch: 0, lipPress: 0, upperLipRaise: 0,
  browInnerUp: 0, browOuterUpLeft: 0, browOuterUpRight: 0, browDownLeft: 0, browDownRight: 0,
  eyeOpenLeft: 1, eyeOpenRight: 1, cheekRaise: 0, noseWrinkle: 0,
  headYaw: 0, headPitch: 0, headRoll: 0, gazeX: 0, gazeY: 0,
});

const clamp = (v: number, lo: number, hi: number) => (Number.isFinite(v) ? Math.min(Math.max(v, lo), hi) : lo);

/**
 * Measures features of a face in the canonical frame (centimetres, y up, +x the subject's left)
 * against the same face at neutral. Head pose and gaze are not in the mesh: pass them in.
 */
export function featuresFromMesh(
  neutral: ArrayLike<number>,
  current: ArrayLike<number>,
  head: { yaw: number; pitch: number; roll: number; gazeX: number; gazeY: number } = { yaw: 0, pitch: 0, roll: 0, gazeX: 0, gazeY: 0 },
): FaceFeatures {
  const y = (m: ArrayLike<number>, i: number) => m[i * 3 + 1]!;
  const x = (m: ArrayLike<number>, i: number) => m[i * 3]!;
  const dy = (i: number) => y(current, i) - y(neutral, i);
  const dx = (i: number) => x(current, i) - x(neutral, i);
  const gap = (m: ArrayLike<number>, a: number, b: number) => y(m, a) - y(m, b);
  // Mouth: 13/14 inner lip centres, 0/17 outer, 61/291 corners (right/left).
  const open = gap(current, 13, 14) - gap(neutral, 13, 14);
  // Where a corner would sit if the mouth only opened: close to the upper lip, as the jaw drops below it.
  const mouthMidDy = 0.7 * dy(13) + 0.3 * dy(14);
  const width = (m: ArrayLike<number>) => x(m, 291) - x(m, 61);
  const thick = (m: ArrayLike<number>) => gap(m, 0, 13) + gap(m, 14, 17);
  const eye = (u: number, l: number) => {
    const n = gap(neutral, u, l);
    return n > 1e-6 ? gap(current, u, l) / n : 1;
  };
  const browDown = (inner: number, sign: number) => Math.max(0, -dy(inner)) / 0.55 + Math.max(0, sign * dx(inner)) / 0.7;
  return {
    jawOpen: clamp(open / 2.2, 0, 1.5),
    mouthSmileRight: clamp((dy(61) - mouthMidDy) / 0.55, -1.2, 1.2),
    mouthSmileLeft: clamp((dy(291) - mouthMidDy) / 0.55, -1.2, 1.2),
    mouthStretch: clamp((width(current) - width(neutral)) / 1.0, -1, 1.2),
    lipPress: clamp((thick(neutral) - thick(current)) / (0.35 * thick(neutral) || 1), 0, 1),
    upperLipRaise: clamp((dy(0) - Math.max(0, dy(13))) / 0.3 + Math.max(0, dy(0)) / 0.6, 0, 1),
    browInnerUp: clamp(((dy(107) + dy(336)) / 2) / 0.7, 0, 1.2),
    browOuterUpRight: clamp(dy(70) / 0.6, 0, 1.2),
    browOuterUpLeft: clamp(dy(300) / 0.6, 0, 1.2),
    browDownRight: clamp(browDown(107, 1), 0, 1.2),
    browDownLeft: clamp(browDown(336, -1), 0, 1.2),
    eyeOpenRight: clamp(eye(159, 145), 0, 1.8),
    eyeOpenLeft: clamp(eye(386, 374), 0, 1.8),
    cheekRaise: clamp(((dy(205) + dy(425)) / 2) / 0.4, 0, 1.2),
    noseWrinkle: clamp(((dy(129) + dy(358)) / 2 - 0.6 * ((dy(205) + dy(425)) / 2)) / 0.25, 0, 1.2),
    headYaw: head.yaw, headPitch: head.pitch, headRoll: head.roll, gazeX: head.gazeX, gazeY: head.gazeY,
  };
}
