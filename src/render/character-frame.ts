/**
 * The character's features for one animation frame, shared by every character renderer (Node
 * canvas, the browser page): the rig moves the canonical face, and the features of that moved
 * face (plus the idle head pose) drive the drawing. Browser-safe: core and motion types only.
 */
import { featuresFromMesh, type FaceFeatures } from '../core/features.ts';
import type { ExpressionRig } from '../core/rig.ts';
import type { FrameState } from '../motion/animator.ts';

/**
 * `neutral` is the canonical face; `moved` is scratch space of the same length (reused across
 * frames to avoid allocation).
 */
export function characterFeatures(rig: ExpressionRig, neutral: Float64Array, frame: FrameState, moved: Float64Array): FaceFeatures {
  rig.apply(neutral, frame.code, frame.blinkRight, frame.blinkLeft, moved);
  const { yaw, pitch, roll, gazeX, gazeY } = frame.pose;
  return featuresFromMesh(neutral, moved, { yaw, pitch, roll, gazeX, gazeY });
}
