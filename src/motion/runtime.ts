/**
 * What every motion runtime offers the edges (CLI render job, page, evaluation): triggers in,
 * frames out, time always an argument. The eased keyframe Animator (animator.ts) and the
 * learned GRU animator (learned-animator.ts) both satisfy it.
 */
import type { EmotionWeights } from '../core/emotions.ts';
import type { ExpressionTarget, FrameState } from './animator.ts';

export interface MotionRuntime {
  /**
   * Starts a sequence of targets at time `now` (seconds), continuing from wherever the face is.
   * Anything scheduled after `now` by an earlier trigger is replaced.
   */
  trigger(now: number, targets: readonly ExpressionTarget[]): void;
  /** The frame at time t (seconds); the same trigger history and t give the same frame. */
  evaluate(t: number, out?: FrameState): FrameState;
  /** Forgets what can no longer affect frames at or after t. */
  prune(t: number): void;
}

/** What a runtime is built from; every runtime accepts these. */
export interface MotionRuntimeOptions {
  seed: number;
  /** Idle motion amount, 0 (still) to 1 (lively). Default 0.5. */
  idle?: number;
  /** Blinks per minute; 0 turns blinks off. Default: the runtime's own (17 for the eased baseline, the measured rate for the learned one). */
  blinksPerMinute?: number;
  /** Maps a target to an expression code. Default: the hand-written EMFACS rig. */
  codeFor?: (weights: EmotionWeights, intensity: number) => Float64Array;
}

/** Builds a runtime for a render job or the page. */
export type MotionFactory = (options: MotionRuntimeOptions) => MotionRuntime;
