/**
 * A render job: a face, a list of expression targets, and an output file. Used by the CLI
 * (and later the API): frames come from the animator on a fixed-step clock and go to the
 * export layer one by one.
 */
import { EmoteBotError } from '../core/errors.ts';
import { AU_COUNT } from '../core/rig.ts';
import { createFrameWriter, formatFromPath, ExportError } from '../export/index.ts';
import { Animator, type AnimatorOptions, type ExpressionTarget, type FrameState, fitTargetsToClip } from '../motion/animator.ts';
import { FixedStepClock } from '../motion/clock.ts';
import type { MotionFactory } from '../motion/runtime.ts';
import type { FaceRenderer } from '../render/types.ts';
import { codeFromEmotions } from '../core/rig.ts';

export interface RenderJob {
  renderer: FaceRenderer;
  targets: ExpressionTarget[];
  out: string;
  fps: number;
  /** Seconds; for animations. */
  duration: number;
  seed: number;
  /** Idle motion amount, 0..1. */
  idle: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops the job between frames; the partial file is removed. */
  signal?: AbortSignal;
  /** Maps a target to an expression code (the Animator's codeFor); default: the hand-written rig. */
  codeFor?: AnimatorOptions['codeFor'];
  /** Builds the motion runtime (learned GRU or eased baseline); default: the eased Animator. */
  motion?: MotionFactory;
}

export interface RenderResult {
  format: string;
  frames: number;
  ms: number;
}

/** The apex frame: the first target at full strength, eyes open, head still. */
export function apexFrame(targets: readonly ExpressionTarget[], codeFor: NonNullable<AnimatorOptions['codeFor']> = codeFromEmotions): FrameState {
  const t = targets[0];
  const code = t ? codeFor(t.weights, t.intensity) : new Float64Array(AU_COUNT);
  return { time: 0, code, blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } };
}

export { minimumDuration } from '../motion/animator.ts';

export async function runRenderJob(job: RenderJob): Promise<RenderResult> {
  const t0 = performance.now();
  let format: string;
  try {
    format = formatFromPath(job.out);
  } catch (e) {
    throw new EmoteBotError('bad-argument', e instanceof Error ? e.message : String(e));
  }
  const { renderer } = job;
  const writer = await createFrameWriter(job.out, { width: renderer.width, height: renderer.height, fps: job.fps }).catch(wrapExport);
  const frame = new Uint8ClampedArray(renderer.width * renderer.height * 4);
  try {
    if (format === 'png') {
      renderer.render(apexFrame(job.targets, job.codeFor), frame);
      await writer.write(frame);
      await writer.close();
      return { format, frames: 1, ms: performance.now() - t0 };
    }
    const makeMotion: MotionFactory = job.motion ?? ((o) => new Animator(o));
    const animator = makeMotion({ seed: job.seed, idle: job.idle, codeFor: job.codeFor });
    // From neutral, through the targets, and back to neutral by the end of the clip.
    animator.trigger(0, fitTargetsToClip(job.targets, job.duration));
    const clock = new FixedStepClock(job.fps);
    const total = Math.max(1, Math.round(job.duration * job.fps));
    let state: FrameState | undefined;
    for (let i = 0; i < total; i++) {
      if (job.signal?.aborted) throw new EmoteBotError('interrupted', `interrupted; ${job.out} was not written`);
      state = animator.evaluate(clock.time, state);
      renderer.render(state, frame);
      await writer.write(frame);
      clock.tick();
      job.onProgress?.(i + 1, total);
    }
    await writer.close();
    return { format, frames: total, ms: performance.now() - t0 };
  } catch (e) {
    await writer.abort();
    throw e instanceof ExportError ? new EmoteBotError('export-failed', e.message) : e;
  }
}

function wrapExport(e: unknown): never {
  throw new EmoteBotError('export-failed', e instanceof Error ? e.message : String(e));
}
