/**
 * The EmoteBot character as a FaceRenderer (Node, @napi-rs/canvas). It follows the same
 * expression stream as the photo: the rig moves the canonical face, and the character reads
 * the features of that moved face (render/character-frame.ts, shared with the browser page;
 * render/character.ts draws them).
 */
import { createCanvas } from '@napi-rs/canvas';
import type { ExpressionRig } from '../core/rig.ts';
import { canonicalFace } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { drawCharacter } from './character.ts';
import { characterFeatures } from './character-frame.ts';
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
      const features = characterFeatures(rig, neutral, frame, moved);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      drawCharacter(ctx as unknown as CanvasRenderingContext2D, features, size);
      out.set(ctx.getImageData(0, 0, size, size).data);
      return out;
    },
    dispose() {},
  };
}
