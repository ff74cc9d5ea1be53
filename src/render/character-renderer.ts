/**
 * The EmoteBot character as a FaceRenderer (Node, @napi-rs/canvas). It follows the same
 * expression stream as the photo: the rig moves the canonical face, and the character reads
 * the features of that moved face (render/character.ts draws them).
 */
import { createCanvas } from '@napi-rs/canvas';
import { featuresFromMesh } from '../core/features.ts';
import type { ExpressionRig } from '../core/rig.ts';
import { canonicalFace } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { drawCharacter } from './character.ts';
import type { FaceRenderer } from './types.ts';

export function createCharacterRenderer(size: number, rig: ExpressionRig): FaceRenderer {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  const neutral = canonicalFace();
  const moved = new Float64Array(neutral.length);
  return {
    width: size,
    height: size,
    render(frame: FrameState, out = new Uint8ClampedArray(size * size * 4)): Uint8ClampedArray {
      rig.apply(neutral, frame.code, frame.blinkRight, frame.blinkLeft, moved);
      const { yaw, pitch, roll, gazeX, gazeY } = frame.pose;
      const features = featuresFromMesh(neutral, moved, { yaw, pitch, roll, gazeX, gazeY });
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      drawCharacter(ctx as unknown as CanvasRenderingContext2D, features, size);
      out.set(ctx.getImageData(0, 0, size, size).data);
      return out;
    },
    dispose() {},
  };
}
