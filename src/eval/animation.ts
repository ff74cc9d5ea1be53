/**
 * Animation figures: each motion runtime (the learned GRU that renders use by default, and the
 * eased keyframe Animator) driven by the same seeded script on a fixed-step clock (rest, then
 * one trigger per emotion: onset, hold, release, rest), read back from its FrameState and the
 * landmarks the rig makes of it. No rendering; the only I/O is reading the shipped motion model
 * (models/motion-gru). Landmarks are the canonical face (real-size centimetres) moved by the rig
 * and the idle head pose.
 */
import { EMOTIONS, type Emotion, type EmotionWeights } from '../core/emotions.ts';
import { createExpressionRig, type ExpressionRig } from '../core/rig.ts';
import { canonicalFace, LANDMARK_COUNT } from '../core/topology.ts';
import { IDENTITY_SIMILARITY } from '../core/procrustes.ts';
import { Animator, type FrameState } from '../motion/animator.ts';
import { FixedStepClock } from '../motion/clock.ts';
import { LearnedAnimator, type LearnedMotionModel } from '../motion/learned-animator.ts';
import type { MotionRuntime, MotionRuntimeOptions } from '../motion/runtime.ts';
import { loadMotionModelSync } from '../models/motion-files.ts';
import { FacePoser } from '../render/pose.ts';
import { blinkEvents, meanOf, perMinute, quantile, restMotion, rmsDisplacement, transitionTime } from './metrics.ts';

export interface AnimationScript {
  /** Seconds at rest before the first trigger (blink rate and jitter are measured here). */
  rest: number;
  /** Seconds each expression is held after its trigger. */
  hold: number;
  /** Seconds from the end of the hold to the next trigger (release and rest). */
  gap: number;
  /** Emotions triggered in order (intensity 1). */
  emotions: readonly Emotion[];
  /** Sampling rate for timing figures (blinks, onsets), frames per second. */
  sampleFps: number;
  /** Frame rate jitter is measured at (the CLI's default output rate). */
  frameFps: number;
  /** Idle motion amount (the CLI's default, 0.5). */
  idle: number;
  /** Seeds, one run each. */
  seeds: readonly number[];
}

export function defaultScript(seed: number, runs = 5): AnimationScript {
  return {
    rest: 120, hold: 2, gap: 3,
    emotions: EMOTIONS.filter((e) => e !== 'neutral'),
    sampleFps: 240, frameFps: 30, idle: 0.5,
    seeds: Array.from({ length: runs }, (_, k) => seed * 1000 + k + 1),
  };
}

export interface OnsetFigures { emotion: Emotion; onset: number[]; release: number[]; onsetMean: number | null; releaseMean: number | null }

/** A motion runtime to measure. */
export interface MotionChoice {
  /** Short name for tables ("gru", "ease"). */
  name: string;
  description: string;
  make(options: MotionRuntimeOptions): MotionRuntime;
}

export const EASE_MOTION: MotionChoice = {
  name: 'ease', description: 'animator (hand-written eased keyframes, src/motion/animator.ts)', make: (o) => new Animator(o),
};

export function gruMotion(model: LearnedMotionModel, description = 'learned motion GRU (src/motion/learned-animator.ts)'): MotionChoice {
  return { name: 'gru', description, make: (o) => new LearnedAnimator({ ...o, model }) };
}

/**
 * The runtimes measured by default: the shipped motion GRU (what `emotebot render` and the page
 * use), then the eased baseline. Without a readable shipped model, the baseline alone, and a note
 * says why.
 */
export function defaultMotions(): { motions: MotionChoice[]; notes: string[] } {
  try {
    const m = loadMotionModelSync();
    return { motions: [gruMotion(m, `learned motion GRU (models/motion-gru, trained ${String(m.manifest.created).slice(0, 10)}; src/motion/learned-animator.ts)`), EASE_MOTION], notes: [] };
  } catch (e) {
    return { motions: [EASE_MOTION], notes: [`the motion GRU was not measured: ${e instanceof Error ? e.message : String(e)}`] };
  }
}

/** One runtime's figures. */
export interface MotionFigures {
  /** MotionChoice.name. */
  name: string;
  motion: string;
  blinkRateRest: number;
  blinkRateAll: number;
  blinkCount: number;
  blinkDuration: { mean: number | null; min: number | null; p10: number | null; p90: number | null; max: number | null };
  onsets: OnsetFigures[];
  rest: { step: number; jitter: number; frames: number; stepPercentIod: number; jitterPercentIod: number };
}

/**
 * The figures of every measured runtime (`motions`, side by side in the report); the top-level
 * figures repeat the first runtime's, the one renders use by default (the GRU when it loads).
 */
export interface AnimationFigures extends Omit<MotionFigures, 'name'> {
  model: string;
  motions: MotionFigures[];
  script: Omit<AnimationScript, 'seeds'> & { seeds: number[] };
  notes: string[];
}

/** Inter-ocular distance of the canonical face (outer eye corners 33 and 263), cm. */
function interOcular(m: ArrayLike<number>): number {
  return Math.hypot(m[33 * 3]! - m[263 * 3]!, m[33 * 3 + 1]! - m[263 * 3 + 1]!, m[33 * 3 + 2]! - m[263 * 3 + 2]!);
}

/**
 * Runs the script with each motion runtime and measures. `codeFor` is the expression model's
 * mapping (default: the rig's own); `motions` default to the shipped GRU and the eased Animator.
 */
export function measureAnimation(
  script: AnimationScript,
  model: { name: string; codeFor?: (w: EmotionWeights, i: number) => Float64Array },
  rig: ExpressionRig = createExpressionRig(),
  motions: readonly MotionChoice[] | null = null,
): AnimationFigures {
  const chosen = motions ? { motions: [...motions], notes: [] } : defaultMotions();
  if (chosen.motions.length === 0) throw new Error('measureAnimation: no motion runtime to measure');
  const figures = chosen.motions.map((m) => measureMotion(script, model, rig, m));
  const first = figures[0]!;
  const { name: _name, ...top } = first;
  return {
    model: model.name,
    ...top,
    motions: figures,
    script: { ...script, seeds: [...script.seeds] },
    notes: [
      `motion runtimes: ${figures.map((f) => `${f.name} = ${f.motion}`).join('; ')}; the single figures (targets) are the ${first.name} runtime's, the one renders use by default`,
      'landmarks: the canonical face (real-size centimetres) moved by the rig and the idle head pose; figures in millimetres and in % of the inter-ocular distance (outer eye corners)',
      'onset: 10%-90% of the change of the RMS landmark displacement from rest, after a trigger from rest; release: the same on the way back',
      'blinks: runs of lid closure above 2%; jitter: RMS second difference of the landmarks per frame at rest, blink frames left out',
      ...chosen.notes,
    ],
  };
}

function measureMotion(
  script: AnimationScript,
  model: { name: string; codeFor?: (w: EmotionWeights, i: number) => Float64Array },
  rig: ExpressionRig,
  motion: MotionChoice,
): MotionFigures {
  const neutral = canonicalFace();
  const iod = interOcular(neutral);
  const poser = new FacePoser(rig, { similarity: IDENTITY_SIMILARITY, depthScale: 1, canonical: neutral });
  const segment = script.hold + script.gap;
  const total = script.rest + script.emotions.length * segment;
  const onsets = new Map<Emotion, { onset: number[]; release: number[] }>(script.emotions.map((e) => [e, { onset: [], release: [] }]));
  const durations: number[] = [];
  let restBlinks = 0, allBlinks = 0;
  let restMotionSum = { step2: 0, jitter2: 0, frames: 0 };
  const expressionOnly = new Float64Array(LANDMARK_COUNT * 3);

  for (const seed of script.seeds) {
    const animator = motion.make({ seed, idle: script.idle, ...(model.codeFor ? { codeFor: model.codeFor } : {}) });
    // Each trigger is its own call, issued when its time comes, as a user's click would be.
    const triggerAt = script.emotions.map((e, k) => ({ e, t: script.rest + k * segment }));
    let next = 0;

    // Timing signals at sampleFps.
    const clock = new FixedStepClock(script.sampleFps);
    const times: number[] = [];
    const blink: number[] = [];
    const magnitude: number[] = [];
    let state: FrameState | undefined;
    while (clock.time <= total + 1e-9) {
      const t = clock.time;
      while (next < triggerAt.length && triggerAt[next]!.t <= t + 1e-9) {
        const trig = triggerAt[next]!;
        animator.trigger(trig.t, [{ weights: { [trig.e]: 1 }, intensity: 1, start: 0, duration: script.hold }]);
        next++;
      }
      state = animator.evaluate(t, state);
      times.push(t);
      blink.push(Math.max(state.blinkLeft, state.blinkRight));
      if (t < script.rest - 0.5) magnitude.push(0); // nothing triggered yet (the rig is not needed)
      else {
        rig.apply(neutral, state.code, 0, 0, expressionOnly);
        magnitude.push(rmsDisplacement(expressionOnly, neutral));
      }
      clock.tick();
    }
    const events = blinkEvents(times, blink);
    allBlinks += events.length;
    restBlinks += events.filter((b) => b.end <= script.rest).length;
    for (const b of events) durations.push(b.duration);
    const slice = (t0: number, t1: number) => {
      const i0 = Math.round(t0 * script.sampleFps), i1 = Math.min(times.length - 1, Math.round(t1 * script.sampleFps));
      return { t: times.slice(i0, i1 + 1), v: magnitude.slice(i0, i1 + 1) };
    };
    for (const { e, t } of triggerAt) {
      const on = slice(t, t + script.hold);
      const off = slice(t + script.hold, t + segment);
      const o = transitionTime(on.t, on.v);
      const r = transitionTime(off.t, off.v);
      if (o !== null) onsets.get(e)!.onset.push(o);
      if (r !== null) onsets.get(e)!.release.push(r);
    }

    // Rest motion at the output frame rate (a fresh animator: evaluation order does not matter, but keep it clean).
    const still = motion.make({ seed, idle: script.idle, ...(model.codeFor ? { codeFor: model.codeFor } : {}) });
    const frameClock = new FixedStepClock(script.frameFps);
    const frames: Float64Array[] = [];
    const keep: boolean[] = [];
    let s: FrameState | undefined;
    while (frameClock.time <= script.rest) {
      s = still.evaluate(frameClock.time, s);
      frames.push(Float64Array.from(poser.imageFor(s)));
      keep.push(s.blinkLeft === 0 && s.blinkRight === 0);
      frameClock.tick();
    }
    const m = restMotion(frames, keep);
    restMotionSum = {
      step2: restMotionSum.step2 + m.step ** 2 * m.frames,
      jitter2: restMotionSum.jitter2 + m.jitter ** 2 * m.frames,
      frames: restMotionSum.frames + m.frames,
    };
  }

  const runs = script.seeds.length;
  const step = restMotionSum.frames ? Math.sqrt(restMotionSum.step2 / restMotionSum.frames) * 10 : 0; // cm -> mm
  const jitter = restMotionSum.frames ? Math.sqrt(restMotionSum.jitter2 / restMotionSum.frames) * 10 : 0;
  return {
    name: motion.name,
    motion: motion.description,
    blinkRateRest: perMinute(restBlinks, script.rest * runs),
    blinkRateAll: perMinute(allBlinks, total * runs),
    blinkCount: allBlinks,
    blinkDuration: {
      mean: meanOf(durations), min: durations.length ? Math.min(...durations) : null,
      p10: quantile(durations, 0.1), p90: quantile(durations, 0.9), max: durations.length ? Math.max(...durations) : null,
    },
    onsets: [...onsets.entries()].map(([emotion, v]) => ({ emotion, ...v, onsetMean: meanOf(v.onset), releaseMean: meanOf(v.release) })),
    rest: { step, jitter, frames: restMotionSum.frames, stepPercentIod: (step / 10 / iod) * 100, jitterPercentIod: (jitter / 10 / iod) * 100 },
  };
}
