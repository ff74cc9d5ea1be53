/**
 * What the page draws a frame with: the EmoteBot character (Canvas 2D) or a photo (WebGL2).
 * Each view owns its canvas's drawing, never the animation: the app evaluates the frame once
 * and hands it to whichever view is showing.
 */
import type { ExpressionRig } from '../core/rig.ts';
import { canonicalFace } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { drawCharacter } from '../render/character.ts';
import { characterFeatures } from '../render/character-frame.ts';
import type { PhotoRendererOptions } from '../render/photo-renderer.ts';
import { createWebGlPhotoRenderer, type WebGlPhotoInput } from '../render/webgl-photo.ts';

export interface FaceView {
  readonly kind: 'bot' | 'photo';
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  draw(frame: FrameState): void;
  dispose(): void;
}

type Canvas = HTMLCanvasElement | OffscreenCanvas;

export function characterView(canvas: Canvas, rig: ExpressionRig): FaceView {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('This browser has no Canvas 2D.');
  const neutral = canonicalFace();
  const moved = new Float64Array(neutral.length);
  return {
    kind: 'bot', canvas,
    draw(frame: FrameState): void {
      const features = characterFeatures(rig, neutral, frame, moved);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      drawCharacter(ctx as CanvasRenderingContext2D, features, canvas.width);
    },
    dispose() {},
  };
}

/** The WebGL2 context the photo view draws with, or null when the browser has none. */
export function photoContext(canvas: Canvas): WebGL2RenderingContext | null {
  return canvas.getContext('webgl2', { alpha: false, antialias: false, depth: false, stencil: false, premultipliedAlpha: false, preserveDrawingBuffer: false }) as WebGL2RenderingContext | null;
}

export function photoView(gl: WebGL2RenderingContext, photo: WebGlPhotoInput, rig: ExpressionRig, options: PhotoRendererOptions = {}): FaceView {
  const renderer = createWebGlPhotoRenderer(gl, photo, rig, options);
  return {
    kind: 'photo', canvas: gl.canvas,
    draw: (frame) => renderer.render(frame),
    dispose: () => renderer.dispose(),
  };
}
