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
