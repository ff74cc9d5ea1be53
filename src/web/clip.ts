/**
 * The page's "Download": the current animation rendered again, frame by frame on a fixed
 * 1/fps clock, into a canvas of its own, and encoded in the page (GIF or WebM). The live face
 * keeps animating meanwhile: one frame is made per task, so the page never stalls.
 */
import type { ExpressionRig } from '../core/rig.ts';
import { fitTargetsToClip, minimumDuration, type ExpressionTarget, type FrameState } from '../motion/animator.ts';
import { FixedStepClock } from '../motion/clock.ts';
import type { PageModels } from './models.ts';
import type { AnalysedPhoto } from './photo-client.ts';
import { characterView, photoContext, photoView, type FaceView } from './views.ts';

export type ClipFormat = 'gif' | 'webm';

/** The encoder the page uses (recorder.ts), passed in so this module stays testable. */
export interface ClipEncoderLike {
  addFrame(source: HTMLCanvasElement | OffscreenCanvas): Promise<void>;
  finish(): Promise<Blob>;
  cancel(): void;
}
export interface ClipServices {
  createClipEncoder(o: { width: number; height: number; fps: number; format: ClipFormat; frames: number }): Promise<ClipEncoderLike>;
}

export interface ClipRequest {
  face: { kind: 'bot' } | { kind: 'photo'; photo: AnalysedPhoto };
  rig: ExpressionRig;
  models: PageModels;
  targets: readonly ExpressionTarget[];
  format: ClipFormat;
  seed: number;
  idle: number;
  blinksPerMinute: number | undefined;
  signal: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Output side in pixels (default 512 for WebM, 320 for GIF). */
  size?: number;
  fps?: number;
}

export interface Clip {
  blob: Blob;
  name: string;
  frames: number;
}

const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** File name from the targets: emotebot-happy.gif, emotebot-happy-then-sad.webm. */
export function clipName(targets: readonly ExpressionTarget[], format: ClipFormat): string {
  const parts = targets.map((t) => {
    const top = Object.entries(t.weights).filter(([, v]) => (v ?? 0) > 0).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0];
    return top && t.intensity > 0 ? top[0] : 'neutral';
  });
  return `emotebot-${parts.slice(0, 4).join('-then-') || 'neutral'}.${format}`;
}

export async function makeClip(services: ClipServices, req: ClipRequest): Promise<Clip> {
  const fps = req.fps ?? (req.format === 'gif' ? 20 : 30);
  const size = req.size ?? (req.format === 'gif' ? 320 : 512);
  const duration = Math.max(3, minimumDuration(req.targets));
  const total = Math.max(1, Math.round(duration * fps));
  const canvas = new OffscreenCanvas(size, size);
  let view: FaceView;
  if (req.face.kind === 'photo') {
    const gl = photoContext(canvas);
    if (!gl) throw new Error('this browser has no WebGL2 for a second canvas');
    const p = req.face.photo;
    view = photoView(gl, { image: p.image, width: p.width, height: p.height, mesh: p.mesh, ...(p.skin ? { skin: p.skin } : {}) }, req.rig, req.models.photoOptions(req.seed));
  } else {
    view = characterView(canvas, req.rig);
  }
  const encoder = await services.createClipEncoder({ width: size, height: size, fps, format: req.format, frames: total });
  try {
    const { models } = req;
    const animator = models.createMotion({
      seed: req.seed, idle: req.idle,
      ...(req.blinksPerMinute === undefined ? {} : { blinksPerMinute: req.blinksPerMinute }),
      ...(models.codeFor ? { codeFor: models.codeFor(req.seed) } : {}),
    });
    animator.trigger(0, fitTargetsToClip(req.targets, duration));
    const clock = new FixedStepClock(fps);
    let state: FrameState | undefined;
    for (let i = 0; i < total; i++) {
      if (req.signal.aborted) throw new DOMException('The download was cancelled.', 'AbortError');
      state = animator.evaluate(clock.time, state);
      view.draw(state);
      await encoder.addFrame(canvas);
      clock.tick();
      req.onProgress?.(i + 1, total);
      await nextTask();
    }
    const blob = await encoder.finish();
    return { blob, name: clipName(req.targets, req.format), frames: total };
  } catch (e) {
    encoder.cancel();
    throw e;
  } finally {
    view.dispose();
  }
}
