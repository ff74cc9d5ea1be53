/**
 * The animation runtime. Triggers become keyframe tracks (one per action unit of the
 * expression code); evaluate(t) reads the tracks, the blink schedule and the idle layer at
 * time t. Time always comes in as an argument; callers drive it from a Clock.
 *
 * Baseline motion (until the learned model replaces it): eased onsets of 250-550 ms that
 * scale with the size of the change, slower releases (1.6x), and small per-unit lags so a
 * smile reaches the eyes after the mouth and the brows lead surprise.
 */
import { type EmotionWeights } from '../core/emotions.ts';
import { ACTION_UNITS, AU_COUNT, type ActionUnit, codeFromEmotions } from '../core/rig.ts';
import { subSeed } from '../core/rng.ts';
import { BlinkSchedule } from './blink.ts';
import { type IdlePose, IdleMotion } from './idle.ts';
import { ScalarTrack } from './tracks.ts';

export interface ExpressionTarget {
  weights: EmotionWeights;
  /** 0..1 */
  intensity: number;
  /** Seconds after the trigger. */
  start: number;
  /** Seconds to hold before releasing to neutral, or null to hold until the next target. */
  duration: number | null;
}

export interface FrameState {
  time: number;
  /** Expression code (rig action-unit activations). */
  code: Float64Array;
  /** Lid closure 0..1, subject's right and left. */
  blinkRight: number;
  blinkLeft: number;
  pose: IdlePose;
}

export interface AnimatorOptions {
  seed: number;
  /** Idle motion amount, 0 (still) to 1 (lively). Default 0.5. */
  idle?: number;
  /** Blinks per minute; 0 turns blinks off. Default 17. */
  blinksPerMinute?: number;
  /** Maps a target to an expression code. Default: the hand-written EMFACS rig. */
  codeFor?: (weights: EmotionWeights, intensity: number) => Float64Array;
}

/** Seconds each unit starts after the trigger: mouth first in a smile, brows first in surprise. */
const LAG: Partial<Record<ActionUnit, number>> = { AU6: 0.09, AU7: 0.05, AU26: 0.06, AU25: 0.04, AU15: 0.03, AU17: 0.06, AU23: 0.03 };

export function onsetSeconds(change: number): number {
  return 0.25 + 0.3 * Math.min(Math.max(change, 0), 1);
}
export const RELEASE_FACTOR = 1.6;

export class Animator {
  private readonly tracks: ScalarTrack[];
  private readonly blinks: BlinkSchedule;
  private readonly idle: IdleMotion;
  private readonly codeFor: (weights: EmotionWeights, intensity: number) => Float64Array;

  constructor(options: AnimatorOptions) {
    this.tracks = Array.from({ length: AU_COUNT }, () => new ScalarTrack(0));
    const perMinute = options.blinksPerMinute ?? 17;
    this.blinks = new BlinkSchedule(subSeed(options.seed, 'blink'), { perMinute });
    this.idle = new IdleMotion(subSeed(options.seed, 'idle'), options.idle ?? 0.5);
    this.codeFor = options.codeFor ?? codeFromEmotions;
  }

  /**
   * Starts a sequence of targets at time `now`, continuing from wherever the face is.
   * Anything scheduled after `now` by an earlier trigger is replaced.
   */
  trigger(now: number, targets: readonly ExpressionTarget[]): void {
    if (!Number.isFinite(now)) throw new Error('trigger time must be finite');
    for (const t of this.tracks) t.cutAt(now);
    const sorted = [...targets].filter((t) => Number.isFinite(t.start)).sort((a, b) => a.start - b.start);
    let prev = this.tracks.map((t) => t.evaluate(now));
    sorted.forEach((target, k) => {
      const code = this.codeFor(target.weights, target.intensity);
      let change = 0;
      for (let a = 0; a < AU_COUNT; a++) change = Math.max(change, Math.abs((code[a] ?? 0) - prev[a]!));
      const onset = onsetSeconds(change);
      const next = sorted[k + 1];
      const t0 = now + Math.max(0, target.start);
      const holdEnd = target.duration === null ? null : t0 + Math.max(0, target.duration);
      const releases = holdEnd !== null && (next === undefined || now + next.start > holdEnd);
      for (let a = 0; a < AU_COUNT; a++) {
        const track = this.tracks[a]!;
        const lag = LAG[ACTION_UNITS[a]!] ?? 0;
        const last = track.keyframes[track.keyframes.length - 1]!;
        const start = Math.max(t0 + lag, last.t);
        const v = code[a] ?? 0;
        track.push({ t: start, v: last.v, ease: 'hold' });
        track.push({ t: start + onset, v, ease: 'onset' });
        if (releases) {
          const rel = Math.max(holdEnd + lag, start + onset);
          track.push({ t: rel, v, ease: 'hold' });
          track.push({ t: rel + onset * RELEASE_FACTOR, v: 0, ease: 'offset' });
        }
      }
      prev = Array.from(code);
    });
  }

  /** The frame at time t (seconds). */
  evaluate(t: number, out?: FrameState): FrameState {
    const code = out?.code ?? new Float64Array(AU_COUNT);
    for (let a = 0; a < AU_COUNT; a++) code[a] = this.tracks[a]!.evaluate(t);
    const blink = this.blinks.amount(t);
    const pose = this.idle.pose(t);
    return { time: t, code, blinkRight: blink, blinkLeft: blink, pose };
  }

  /** Drops keyframes that can no longer affect frames at or after t. */
  prune(t: number): void {
    for (const tr of this.tracks) tr.prune(t);
  }
}

/** Seconds of neutral before a clip's first target. */
export function clipLead(duration: number): number {
  return Math.min(0.3, duration * 0.1);
}

/** Seconds a full release takes, with a little rest after it. */
export const CLIP_RELEASE = onsetSeconds(1) * RELEASE_FACTOR + 0.1;

/**
 * Fits targets into a clip that starts and ends at neutral: a short lead-in, the targets in
 * order, and a release that has finished shortly before the end. A last target held
 * indefinitely is held for whatever time the clip leaves it (at least 0.3 s).
 */
export function fitTargetsToClip(targets: readonly ExpressionTarget[], duration: number): ExpressionTarget[] {
  const lead = clipLead(duration);
  return targets.map((t, k) => {
    const start = lead + Math.max(0, t.start);
    if (k < targets.length - 1 || t.duration !== null) return { ...t, start };
    return { ...t, start, duration: Math.max(0.3, duration - start - CLIP_RELEASE - 0.15) };
  });
}

/** Shortest clip that shows every target (the last for at least a second) and returns to neutral. */
export function minimumDuration(targets: readonly ExpressionTarget[]): number {
  let end = 0;
  for (const t of targets) end = Math.max(end, t.start + (t.duration ?? onsetSeconds(1) + 1));
  return 0.3 + end + CLIP_RELEASE + 0.15;
}

/** A single emotion as a clip from neutral, into the expression, and back. */
export function clipTargets(weights: EmotionWeights, intensity: number, duration: number): ExpressionTarget[] {
  return fitTargetsToClip([{ weights, intensity, start: 0, duration: null }], duration);
}
