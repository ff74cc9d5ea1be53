/**
 * Motion figures on held-out clips, the learned runtime beside the eased baseline (issue #6,
 * item 3). Pure: prepared clips and runtimes in, numbers out. Both runtimes are driven the same
 * way through their public interface (MotionRuntime): the face rests at the real starting code,
 * a trigger at t = 0 asks for the real end code, frames are read at the clip's own step times.
 *
 * Definitions (all on 30 Hz samples, the rate of the real data, so real and generated are
 * measured alike):
 *  - trajectory error: RMS over the transition (trigger to settled end + 0.2 s) of the landmark
 *    RMS distance (mm, canonical face through the rig) to the real trajectory;
 *  - progress p(t): the trajectory projected on the start-to-target change (0 start, 1 target);
 *  - duration: 10% to 90% of p (the usual onset figure; the full movement is about 1.3x longer);
 *  - time to peak velocity: from the movement's start to its fastest point over the movement's
 *    length, where the movement is the stretch around the peak with velocity above 10% of it;
 *  - jerk: mean landmark jerk (mm/s³, third differences) over the movement, and the log
 *    dimensionless jerk of p (LDLJ: -ln(T³/v_peak² ∫ (d²v/dt²)² dt), higher is smoother);
 *  - jitter at rest: RMS second difference of landmark positions per frame (mm) where nothing
 *    happens (real: rest stretches of held-out clips, blinks left out).
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { AU_COUNT, codeFromEmotions } from '../core/rig.ts';
import { Animator, type ExpressionTarget } from '../motion/animator.ts';
import { LearnedAnimator, type LearnedMotionModel } from '../motion/learned-animator.ts';
import { BlinkSchedule } from '../motion/blink.ts';
import { MeasuredBlinkSchedule } from '../motion/learned-blink.ts';
import { MOTION_PHASES, type MotionPhase, motionPhase, type StartWarps, type TimeScales, UNIT_TIME_SCALES } from '../motion/learned-gru.ts';
import type { MotionRuntime } from '../motion/runtime.ts';
import { codeDistanceMm, detectEyeEvents, type MeasuredBlinkFigures, type PreparedClip, quantile } from './motion-data.ts';

const D = AU_COUNT;

/**
 * A runtime that starts on a given code and reads targets' codes from a callback. `velocity`
 * (code units per second) is the motion the face has at the first trigger, for runtimes that can
 * take it; the others start still.
 */
export type RuntimeMaker = (initial: Float64Array, codeFor: () => Float64Array, velocity?: Float64Array) => MotionRuntime;

/** The learned runtime; `useVelocity` false starts it still whatever the real motion was. */
export function gruMaker(model: LearnedMotionModel, useVelocity = true): RuntimeMaker {
  return (initial, codeFor, velocity) => new LearnedAnimator({ model, seed: 1, idle: 0, blinksPerMinute: 0, initial, codeFor, ...(useVelocity && velocity ? { initialVelocity: velocity } : {}) });
}

export const easeMaker: RuntimeMaker = (initial, codeFor) => {
  let first = true;
  const a = new Animator({ seed: 1, idle: 0, blinksPerMinute: 0, codeFor: () => (first ? initial : codeFor()) });
  a.trigger(-100, [{ weights: {}, intensity: 1, start: 0, duration: null }]);
  first = false;
  return a;
};

const HOLD: ExpressionTarget[] = [{ weights: {}, intensity: 1, start: 0, duration: null }];

export interface TransitionCase {
  clip: string;
  kind: 'onset' | 'offset';
  amplitude: number;
  /** Steps after the trigger that are measured. */
  steps: number;
  dt: number;
  /** (steps + 1) x D real codes from the trigger. */
  real: Float32Array;
  goal: Float32Array;
  /** Real motion at the trigger, code units per second (backward difference). */
  velocity: Float64Array;
}

/** Every transition of the clips, from its trigger to its settled end plus `hold` steps (not into the next one). */
export function transitionCases(clips: readonly PreparedClip[], hold = 6, maxSteps = 45): TransitionCase[] {
  const out: TransitionCase[] = [];
  for (const c of clips) {
    c.transitions.forEach((tr, i) => {
      const run = c.runs.find((r) => tr.start >= r.start && tr.start < r.end)!;
      const next = c.transitions[i + 1];
      let last = Math.min(run.end - 1, tr.end + hold);
      if (next && next.start < last) last = Math.max(next.start, tr.end);
      last = Math.min(last, tr.start + maxSteps);
      const steps = last - tr.start;
      if (steps < 3) return;
      const goalStep = Math.min(tr.end, last);
      const velocity = new Float64Array(D);
      if (tr.start > run.start) for (let d = 0; d < D; d++) velocity[d] = (c.codes[tr.start * D + d]! - c.codes[(tr.start - 1) * D + d]!) / c.dt;
      out.push({
        velocity,
        clip: c.source, kind: tr.kind, amplitude: tr.amplitude, steps, dt: c.dt,
        real: c.codes.slice(tr.start * D, (last + 1) * D), goal: c.codes.slice(goalStep * D, (goalStep + 1) * D),
      });
    });
  }
  return out;
}

/** The runtime's codes at the case's step times (c.steps of them, or `steps`), trigger at 0 from rest at the case's start. */
export function generate(make: RuntimeMaker, c: TransitionCase, steps = c.steps): Float32Array {
  const goal = Float64Array.from(c.goal);
  const rt = make(Float64Array.from(c.real.subarray(0, D)), () => goal, c.velocity);
  rt.trigger(0, HOLD);
  const out = new Float32Array((steps + 1) * D);
  for (let k = 0; k <= steps; k++) out.set(rt.evaluate(k * c.dt).code, k * D);
  return out;
}

/** The movement phase of each case (motionPhase: onset from rest, change, release to rest). */
export function casePhases(cases: readonly TransitionCase[], inputScale: ArrayLike<number>): MotionPhase[] {
  return cases.map((c) => motionPhase(c.real.subarray(0, D), c.goal, inputScale));
}

export interface TimeScaleFit {
  scales: TimeScales;
  /** 10-90% durations (seconds) per phase: the clips' and the net's at speed 1. */
  real: Record<MotionPhase, Summary>;
  net: Record<MotionPhase, Summary>;
}

/**
 * The learned playback speed of each movement phase: on every transition of the given clips
 * (the training clips), the runtime is started from the real code and motion towards the real
 * end state, and each phase's speed is the ratio of the runtime's median 10-90% duration to the
 * clips' median (twice, the second round correcting what carried motion changes). A phase with
 * fewer than `minCount` measured transitions keeps speed 1; speeds stay within 0.25-4.
 */
export function fitTimeScales(G: Float64Array, model: LearnedMotionModel, clips: readonly PreparedClip[], o: { rounds?: number; minCount?: number } = {}): TimeScaleFit {
  const cases = transitionCases(clips, 6, 90);
  const phases = casePhases(cases, model.net.inputScale);
  const realD = cases.map((c) => shapeOf(G, c.real, c.goal, c.dt).duration);
  const byPhase = (ds: readonly (number | null)[]) => Object.fromEntries(MOTION_PHASES.map((p) => [p, summary(ds.filter((_, i) => phases[i] === p))])) as Record<MotionPhase, Summary>;
  const real = byPhase(realD);
  const scales: TimeScales = { ...UNIT_TIME_SCALES };
  let net: Record<MotionPhase, Summary> | null = null;
  for (let round = 0; round < (o.rounds ?? 2); round++) {
    const make = gruMaker({ ...model, net: { ...model.net, timeScales: { ...scales } } });
    const got = byPhase(cases.map((c) => shapeOf(G, generate(make, c, c.steps + 60), c.goal, c.dt).duration));
    net ??= got;
    for (const p of MOTION_PHASES) {
      const r = real[p], g = got[p];
      if (r.count < (o.minCount ?? 8) || g.count < (o.minCount ?? 8) || !r.median || !g.median) continue;
      scales[p] = Math.min(Math.max(scales[p] * (g.median / r.median), 0.25), 4);
    }
  }
  return { scales, real, net: net! };
}

/** Start figures of one phase: time to 10% (s), time to peak velocity (share), 10-90% duration (s). */
export interface StartFigures { start: Summary; peak: Summary; duration: Summary }

export interface StartWarpFit {
  warps: StartWarps;
  /** The training clips' figures, the runtime's before the warps (at the given speeds) and with them (speeds refitted for each). */
  real: Record<MotionPhase, StartFigures>;
  before: Record<MotionPhase, StartFigures>;
  after: Record<MotionPhase, StartFigures>;
}

/**
 * The default grid of fitStartWarps, seconds. No pure wait: a trigger must move the face on the
 * next frame (the page's "trigger to first changed frame: 1 frame"), so a start is shaped by
 * ease-in alone; the runtime still supports a latency for callers who fit one.
 */
export const START_LATENCIES = [0] as const;
export const START_EASES = [0, 0.05, 0.1, 0.15, 0.2, 0.25] as const;

/**
 * The learned start of each movement phase (MotionNet.startWarps: latency and ease-in of the
 * playback, warpTime): on every transition of the given clips (the training clips), started from
 * the real code and motion as in fitTimeScales, each (latency, ease) of a small grid is tried on
 * every phase, with the phase's speed corrected once so its median 10-90% duration stays the
 * clips'; each phase keeps the pair whose median time to peak velocity (share of the movement)
 * and median time to 10% come closest to the clips' (squared misses over 0.05 and 20 ms). The
 * model's timeScales are the starting speeds; refit them with the warps afterwards (fitTimeScales).
 */
export function fitStartWarps(G: Float64Array, model: LearnedMotionModel, clips: readonly PreparedClip[], o: { latencies?: readonly number[]; eases?: readonly number[]; minCount?: number } = {}): StartWarpFit {
  const cases = transitionCases(clips, 6, 90);
  const phases = casePhases(cases, model.net.inputScale);
  const figures = (shapes: readonly ShapeFigures[]) => Object.fromEntries(MOTION_PHASES.map((p) => {
    const s = shapes.filter((_, i) => phases[i] === p);
    return [p, { start: summary(s.map((x) => x.start)), peak: summary(s.map((x) => x.peakFraction)), duration: summary(s.map((x) => x.duration)) }];
  })) as Record<MotionPhase, StartFigures>;
  const run = (scales: TimeScales, warps: StartWarps | undefined) => {
    const make = gruMaker({ ...model, net: { ...model.net, timeScales: { ...scales }, ...(warps ? { startWarps: warps } : {}) } });
    return figures(cases.map((c) => shapeOf(G, generate(make, c, c.steps + 60), c.goal, c.dt)));
  };
  const real = figures(cases.map((c) => shapeOf(G, c.real, c.goal, c.dt)));
  const base: TimeScales = { ...(model.net.timeScales ?? UNIT_TIME_SCALES) };
  const none = { latency: 0, ease: 0 };
  const warps: StartWarps = { onset: none, change: none, release: none };
  const before = run(base, undefined);
  const after = { ...before };
  const enough = (p: MotionPhase) => real[p].peak.count >= (o.minCount ?? 8) && real[p].start.count >= (o.minCount ?? 8) && real[p].duration.median !== null;
  const miss = (f: StartFigures, p: MotionPhase) => {
    const r = real[p];
    if (f.peak.median === null || f.start.median === null || f.peak.count < (o.minCount ?? 8)) return Infinity;
    return ((f.peak.median - r.peak.median!) / 0.05) ** 2 + ((f.start.median - r.start.median!) / 0.02) ** 2;
  };
  const best = Object.fromEntries(MOTION_PHASES.map((p) => [p, miss(before[p], p)])) as Record<MotionPhase, number>;
  for (const latency of o.latencies ?? START_LATENCIES) {
    for (const ease of o.eases ?? START_EASES) {
      if (latency === 0 && ease === 0) continue;
      const w = { latency, ease };
      const trial: StartWarps = { onset: w, change: w, release: w };
      const first = run(base, trial);
      const scales = { ...base };
      for (const p of MOTION_PHASES) {
        const g = first[p].duration.median, r = real[p].duration.median;
        if (g && r) scales[p] = Math.min(Math.max(base[p] * (g / r), 0.25), 4);
      }
      const got = run(scales, trial);
      for (const p of MOTION_PHASES) {
        if (!enough(p)) continue;
        const m = miss(got[p], p);
        if (m < best[p]) { best[p] = m; warps[p] = w; after[p] = got[p]; }
      }
    }
  }
  return { warps, real, before, after };
}

export interface ShapeFigures {
  /** 10-90% duration, seconds (null: never reached 90%). */
  duration: number | null;
  /** Time from the trigger to 10% of the change, seconds (null: never reached 90%). */
  start: number | null;
  /** Time to peak velocity over the movement, 0..1. */
  peakFraction: number | null;
  /** Mean landmark jerk over the movement, mm/s³. */
  jerk: number | null;
  ldlj: number | null;
  /** Largest excursion past the target along the change, as a fraction of the change. */
  overshoot: number;
}

/** Shape figures of a trajectory (rows of codes at step dt) going from its first row towards goal. */
export function shapeOf(G: Float64Array, xs: ArrayLike<number>, goal: ArrayLike<number>, dt: number): ShapeFigures {
  const n = Math.floor(xs.length / D);
  let den = 0;
  const dg = new Float64Array(D);
  for (let d = 0; d < D; d++) dg[d] = goal[d]! - xs[d]!;
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) den += dg[a]! * G[a * D + b]! * dg[b]!;
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let num = 0;
    for (let a = 0; a < D; a++) {
      const da = xs[k * D + a]! - xs[a]!;
      if (da === 0) continue;
      for (let b = 0; b < D; b++) num += da * G[a * D + b]! * dg[b]!;
    }
    p[k] = den > 0 ? num / den : 0;
  }
  let overshoot = 0;
  for (let k = 0; k < n; k++) overshoot = Math.max(overshoot, p[k]! - 1);
  // 10-90%.
  const cross = (level: number, from: number): number | null => {
    for (let k = Math.max(from, 1); k < n; k++) {
      if (p[k]! >= level && p[k - 1]! < level) return (k - 1 + (level - p[k - 1]!) / (p[k]! - p[k - 1]!)) * dt;
    }
    return null;
  };
  const t90 = cross(0.9, 1);
  let t10: number | null = null;
  if (t90 !== null) {
    const k90 = Math.ceil(t90 / dt - 1e-9);
    for (let k = k90; k >= 1; k--) if (p[k]! >= 0.1 && p[k - 1]! < 0.1) { t10 = (k - 1 + (0.1 - p[k - 1]!) / (p[k]! - p[k - 1]!)) * dt; break; }
    t10 ??= 0;
  }
  // Velocity of progress; the movement around its peak.
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = Math.max(k - 1, 0), b = Math.min(k + 1, n - 1);
    v[k] = b > a ? (p[b]! - p[a]!) / ((b - a) * dt) : 0;
  }
  let pk = 0;
  for (let k = 1; k < n; k++) if (v[k]! > v[pk]!) pk = k;
  let peakFraction: number | null = null, jerk: number | null = null, ldlj: number | null = null;
  if (v[pk]! > 0) {
    let s = pk, e = pk;
    while (s > 0 && v[s - 1]! > 0.1 * v[pk]!) s--;
    while (e < n - 1 && v[e + 1]! > 0.1 * v[pk]!) e++;
    // Sub-step edges and peak (linear / parabolic interpolation).
    const edge = (i: number, j: number) => { const lv = 0.1 * v[pk]!; return v[i]! === v[j]! ? i : i + (lv - v[i]!) / (v[j]! - v[i]!) * (j - i); };
    const ts = s > 0 ? edge(s - 1, s) : 0;
    const te = e < n - 1 ? edge(e + 1, e) : n - 1;
    let tp = pk;
    if (pk > 0 && pk < n - 1) {
      const a = v[pk - 1]!, b = v[pk]!, c = v[pk + 1]!;
      const den2 = a - 2 * b + c;
      if (den2 < 0) tp = pk + 0.5 * (a - c) / den2;
    }
    if (te > ts) peakFraction = Math.min(Math.max((tp - ts) / (te - ts), 0), 1);
    // Jerk over the movement (third differences of codes).
    let js = 0, jn = 0, acc2 = 0;
    for (let k = Math.max(s, 2); k <= Math.min(e, n - 2); k++) {
      js += codeDistanceMm3(G, xs, k) / dt ** 3;
      jn++;
      const dv2 = (v[k + 1]! - 2 * v[k]! + v[k - 1]!) / (dt * dt);
      acc2 += dv2 * dv2 * dt;
    }
    if (jn > 0) {
      jerk = js / jn;
      const T = (te - ts) * dt;
      ldlj = acc2 > 0 ? -Math.log((T ** 3 / (v[pk]! ** 2)) * acc2) : null;
    }
  }
  return { duration: t90 !== null && t10 !== null ? t90 - t10 : null, start: t90 !== null ? t10 : null, peakFraction, jerk, ldlj, overshoot };
}

/** Landmark RMS (mm) of the third difference x[k+1] - 3x[k] + 3x[k-1] - x[k-2]. */
function codeDistanceMm3(G: Float64Array, xs: ArrayLike<number>, k: number): number {
  const j = new Float64Array(D);
  for (let d = 0; d < D; d++) j[d] = xs[(k + 1) * D + d]! - 3 * xs[k * D + d]! + 3 * xs[(k - 1) * D + d]! - xs[(k - 2) * D + d]!;
  return codeDistanceMm(G, j, null);
}

/** RMS over steps 1..n of the landmark distance between two trajectories (mm). */
export function trajectoryError(G: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.floor(Math.min(a.length, b.length) / D);
  let s = 0;
  for (let k = 1; k < n; k++) s += codeDistanceMm(G, a, b, k * D, k * D) ** 2;
  return Math.sqrt(s / Math.max(n - 1, 1));
}

const meanOf = (xs: readonly (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

export interface Summary { mean: number | null; median: number | null; count: number }
function summary(xs: readonly (number | null)[]): Summary {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return { mean: meanOf(v), median: v.length ? quantile(v, 0.5) : null, count: v.length };
}

export interface MethodFigures {
  /** Trajectory error against the real transitions, mm (null for the real data itself). */
  trajectory: number | null;
  /** onset / offset: the data's kinds (towards or away from the clip's neutral); phase: motionPhase (from rest, change, to rest). */
  duration: { onset: Summary; offset: Summary; onsetInRange: number | null; phase: Record<MotionPhase, Summary> };
  peakFraction: Summary;
  jerk: Summary;
  ldlj: Summary;
  overshoot: Summary;
}

function methodFigures(G: Float64Array, cases: readonly TransitionCase[], trajs: readonly Float32Array[], real: boolean, phases: readonly MotionPhase[]): MethodFigures {
  const shapes = trajs.map((t, i) => shapeOf(G, t, cases[i]!.goal, cases[i]!.dt));
  const phase = Object.fromEntries(MOTION_PHASES.map((p) => [p, summary(shapes.filter((_, i) => phases[i] === p).map((s) => s.duration))])) as Record<MotionPhase, Summary>;
  const onset = shapes.filter((_, i) => cases[i]!.kind === 'onset').map((s) => s.duration);
  const inRange = onset.filter((d): d is number => d !== null);
  return {
    trajectory: real ? null : meanOf(trajs.map((t, i) => trajectoryError(G, t, cases[i]!.real))),
    duration: {
      onset: summary(onset), offset: summary(shapes.filter((_, i) => cases[i]!.kind === 'offset').map((s) => s.duration)),
      onsetInRange: inRange.length ? inRange.filter((d) => d >= 0.2 && d <= 0.6).length / inRange.length : null, phase,
    },
    peakFraction: summary(shapes.map((s) => s.peakFraction)), jerk: summary(shapes.map((s) => s.jerk)),
    ldlj: summary(shapes.map((s) => s.ldlj)), overshoot: summary(shapes.map((s) => s.overshoot)),
  };
}

// ---------------------------------------------------------------------------------------------
// Scripted prototypes: neutral, into each emotion, hold, release.

export interface PrototypeFigures { emotion: Emotion; onset: number | null; release: number | null; onsetPeakFraction: number | null }

export function prototypeFigures(G: Float64Array, make: RuntimeMaker, dt = 1 / 240): PrototypeFigures[] {
  return EMOTIONS.filter((e) => e !== 'neutral').map((emotion) => {
    const code = codeFromEmotions({ [emotion]: 1 }, 1);
    const rt = make(new Float64Array(D), () => code);
    rt.trigger(0, [{ weights: {}, intensity: 1, start: 0, duration: 2.5 }]);
    const read = (t0: number, t1: number, to: Float64Array) => {
      const rows: number[] = [];
      for (let t = t0; t <= t1 + 1e-9; t += dt) rows.push(...rt.evaluate(t).code);
      return shapeOf(G, Float32Array.from(rows), to, dt);
    };
    const on = read(0, 2.5, code);
    const off = read(2.5, 6, new Float64Array(D));
    return { emotion, onset: on.duration, release: off.duration, onsetPeakFraction: on.peakFraction };
  });
}

// ---------------------------------------------------------------------------------------------
// Blinks and rest

export interface BlinkRun { perMinute: number; count: number; duration: Summary; minutes: number }

/** Blinks of a closure function over `minutes`, sampled at `fps` and measured like the video's. */
export function measureBlinks(closure: (t: number) => number, minutes: number, fps = 30): BlinkRun {
  const n = Math.round(minutes * 60 * fps);
  const time = new Float64Array(n), c = new Float64Array(n);
  for (let i = 0; i < n; i++) { time[i] = i / fps; c[i] = closure(i / fps); }
  const ev = detectEyeEvents(time, c, c).filter((e) => e.kind === 'blink');
  return { perMinute: ev.length / minutes, count: ev.length, duration: summary(ev.map((e) => e.duration)), minutes };
}

export interface RestFigures { jitter: number; step: number; frames: number }

/** Landmark jitter (RMS second difference, mm per frame) and step (mm per frame) of code rows. */
export function restOf(G: Float64Array, rows: ArrayLike<number>, spans: readonly [number, number][]): RestFigures {
  let s2 = 0, n2 = 0, s1 = 0, n1 = 0;
  const j = new Float64Array(D);
  for (const [a, b] of spans) {
    for (let k = a + 1; k < b; k++) { s1 += codeDistanceMm(G, rows, rows, k * D, (k - 1) * D) ** 2; n1++; }
    for (let k = a + 1; k + 1 < b; k++) {
      for (let d = 0; d < D; d++) j[d] = rows[(k - 1) * D + d]! - 2 * rows[k * D + d]! + rows[(k + 1) * D + d]!;
      s2 += codeDistanceMm(G, j, null) ** 2;
      n2++;
    }
  }
  return { jitter: n2 ? Math.sqrt(s2 / n2) : NaN, step: n1 ? Math.sqrt(s1 / n1) : NaN, frames: n2 };
}

/** Rest stretches (at least 0.5 s) of a clip's steps: no transition, no eye event within 0.2 s. */
export function restSpans(c: PreparedClip): [number, number][] {
  const busy = new Uint8Array(c.speed.length);
  for (const tr of c.transitions) for (let s = Math.max(0, tr.start - 2); s <= Math.min(busy.length - 1, tr.end + 2); s++) busy[s] = 1;
  for (const e of c.eyeEvents) {
    for (let s = 0; s < busy.length; s++) if (c.stepTime[s]! >= e.start - 0.2 && c.stepTime[s]! <= e.end + 0.2) busy[s] = 1;
  }
  const spans: [number, number][] = [];
  const minLen = Math.round(0.5 / c.dt);
  for (const run of c.runs) {
    let s = run.start;
    while (s < run.end) {
      if (busy[s]) { s++; continue; }
      let e = s;
      while (e < run.end && !busy[e]) e++;
      if (e - s >= minLen) spans.push([s, e]);
      s = e;
    }
  }
  return spans;
}

/** The same frame-rate measure on the unsmoothed per-frame codes (rest frames only). */
function rawRest(G: Float64Array, c: PreparedClip): RestFigures {
  const spans = restSpans(c);
  const t = c.frames.time;
  const frameSpans: [number, number][] = [];
  for (const [a, b] of spans) {
    const ta = c.stepTime[a]!, tb = c.stepTime[b - 1]!;
    let i = 0;
    while (i < t.length && t[i]! < ta) i++;
    let j = i;
    while (j < t.length && t[j]! <= tb && (j === i || t[j]! - t[j - 1]! < 0.05)) j++;
    if (j - i >= 10) frameSpans.push([i, j]);
  }
  return restOf(G, c.frames.codes, frameSpans);
}

/** Jitter of a runtime at rest: neutral for 3 s, then a held expression after it has settled. */
export function runtimeRest(G: Float64Array, make: RuntimeMaker, fps = 30): RestFigures {
  const code = codeFromEmotions({ happy: 1 }, 0.8);
  const rt = make(new Float64Array(D), () => code);
  const rows: number[] = [];
  for (let k = 0; k < 3 * fps; k++) rows.push(...rt.evaluate(k / fps).code);
  rt.trigger(3, HOLD);
  for (let k = 0; k < 3 * fps; k++) rows.push(...rt.evaluate(5 + k / fps).code);
  return restOf(G, rows, [[0, 3 * fps], [3 * fps, 6 * fps]]);
}

// ---------------------------------------------------------------------------------------------
// Replays of whole clips

export interface Replay {
  clip: string;
  dt: number;
  stepTime: Float64Array;
  real: Float32Array;
  gru: Float32Array;
  ease: Float32Array;
  errorGru: number;
  errorEase: number;
  runs: { start: number; end: number }[];
  transitions: { start: number; end: number }[];
}

/** Drives a runtime through a whole clip: a trigger at every transition's start towards its end state. */
export function replay(make: RuntimeMaker, c: PreparedClip): Float32Array {
  const out = new Float32Array(c.codes.length);
  for (const run of c.runs) {
    const trs = c.transitions.filter((t) => t.start >= run.start && t.start < run.end);
    let goal = Float64Array.from(c.codes.subarray(run.start * D, (run.start + 1) * D));
    const rt = make(Float64Array.from(goal), () => goal);
    for (let s = run.start; s < run.end; s++) {
      for (const tr of trs) {
        if (tr.start === s) {
          goal = Float64Array.from(c.codes.subarray(tr.end * D, (tr.end + 1) * D));
          rt.trigger((s - run.start) * c.dt, HOLD);
        }
      }
      out.set(rt.evaluate((s - run.start) * c.dt).code, s * D);
    }
  }
  return out;
}

export function replays(G: Float64Array, gru: RuntimeMaker, clips: readonly PreparedClip[]): Replay[] {
  return clips.map((c) => {
    const g = replay(gru, c), e = replay(easeMaker, c);
    return {
      clip: c.source, dt: c.dt, stepTime: c.stepTime, real: c.codes, gru: g, ease: e,
      errorGru: trajectoryError(G, g, c.codes), errorEase: trajectoryError(G, e, c.codes), runs: c.runs,
      transitions: c.transitions.map((t) => ({ start: t.start, end: t.end })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Everything

export interface MotionEvaluation {
  heldOut: { clips: string[]; transitions: number; onsets: number; offsets: number; seconds: number };
  real: MethodFigures;
  /** The learned runtime started from the real code and motion at the trigger. */
  gru: MethodFigures;
  /** The learned runtime started still at the real code (as the eased baseline is). */
  gruRest: MethodFigures;
  ease: MethodFigures;
  /** References for the trajectory error: holding the start, jumping to the target. */
  hold: number | null;
  jump: number | null;
  replay: { clip: string; gru: number; ease: number }[];
  prototypes: { gru: PrototypeFigures[]; ease: PrototypeFigures[] };
  blinks: {
    /** Measured in the videos (all clips: blinks are not what the held-out split is about, and the held-out clips may have none). */
    data: MeasuredBlinkFigures;
    gru: BlinkRun;
    ease: BlinkRun;
    literature: { perMinute: number; durationRange: [number, number] };
  };
  rest: { realRaw: RestFigures; realSmoothed: RestFigures; gru: RestFigures; ease: RestFigures };
  /** Head motion at rest, RMS about each rest stretch's mean, degrees (yaw, pitch, roll): real against the idle layer at 0.5 and 1. */
  head: { real: [number, number, number] | null; idleHalf: [number, number, number]; idleFull: [number, number, number]; all?: { real: [number, number, number] | null; idleHalf: [number, number, number]; spans: number } };
  /** Per-step inference cost of the GRU in this process, microseconds (median of repeated runs). */
  stepMicros?: number;
}

/** `allClips`: also measure head motion at rest over these (every clip: the idle layer is fitted on all of them, not the held-out ones alone). */
export function evaluateMotion(G: Float64Array, model: LearnedMotionModel, heldOut: readonly PreparedClip[], blinkData: MeasuredBlinkFigures, o: { blinkMinutes?: number; seed?: number; allClips?: readonly PreparedClip[] } = {}): MotionEvaluation {
  const cases = transitionCases(heldOut);
  const phases = casePhases(cases, model.net.inputScale);
  const gru = gruMaker(model);
  const realT = cases.map((c) => c.real);
  const gruT = cases.map((c) => generate(gru, c));
  const gruRestT = cases.map((c) => generate(gruMaker(model, false), c));
  const easeT = cases.map((c) => generate(easeMaker, c));
  const holdT = cases.map((c) => { const t = new Float32Array(c.real.length); for (let k = 0; k <= c.steps; k++) t.set(c.real.subarray(0, D), k * D); return t; });
  const jumpT = cases.map((c) => { const t = new Float32Array(c.real.length); t.set(c.real.subarray(0, D), 0); for (let k = 1; k <= c.steps; k++) t.set(c.goal, k * D); return t; });
  const errs = (ts: Float32Array[]) => meanOf(ts.map((t, i) => trajectoryError(G, t, cases[i]!.real)));
  const minutes = o.blinkMinutes ?? 30;
  const seed = o.seed ?? 1;
  const gruBlinks = new MeasuredBlinkSchedule(seed, model.blinks);
  const easeBlinks = new BlinkSchedule(seed);
  const spans = heldOut.map((c) => restSpans(c));
  const smooth = heldOut.map((c, i) => restOf(G, c.codes, spans[i]!));
  const raw = heldOut.map((c) => rawRest(G, c));
  const pool = (rs: RestFigures[]): RestFigures => {
    const n = rs.reduce((a, r) => a + (r.frames || 0), 0);
    const w = (f: (r: RestFigures) => number) => Math.sqrt(rs.reduce((a, r) => a + (r.frames ? f(r) ** 2 * r.frames : 0), 0) / Math.max(n, 1));
    return { jitter: w((r) => r.jitter), step: w((r) => r.step), frames: n };
  };
  return {
    heldOut: {
      clips: heldOut.map((c) => c.source), transitions: cases.length, onsets: cases.filter((c) => c.kind === 'onset').length,
      offsets: cases.filter((c) => c.kind === 'offset').length, seconds: heldOut.reduce((a, c) => a + c.seconds, 0),
    },
    real: methodFigures(G, cases, realT, true, phases), gru: methodFigures(G, cases, gruT, false, phases), gruRest: methodFigures(G, cases, gruRestT, false, phases),
    ease: methodFigures(G, cases, easeT, false, phases),
    hold: errs(holdT), jump: errs(jumpT),
    replay: replays(G, gru, heldOut).map((r) => ({ clip: r.clip, gru: r.errorGru, ease: r.errorEase })),
    prototypes: { gru: prototypeFigures(G, gru), ease: prototypeFigures(G, easeMaker) },
    blinks: {
      data: blinkData, gru: measureBlinks((t) => gruBlinks.amount(t), minutes), ease: measureBlinks((t) => easeBlinks.amount(t), minutes),
      literature: { perMinute: 17, durationRange: [0.1, 0.4] },
    },
    rest: { realRaw: pool(raw), realSmoothed: pool(smooth), gru: runtimeRest(G, gru), ease: runtimeRest(G, easeMaker) },
    head: {
      real: realHead(heldOut, spans), idleHalf: idleHead(0.5, seed, spans), idleFull: idleHead(1, seed, spans),
      ...(o.allClips ? (() => {
        const sp = o.allClips.map((c) => restSpans(c));
        return { all: { real: realHead(o.allClips, sp), idleHalf: idleHead(0.5, seed, sp), spans: sp.flat().length } };
      })() : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Head motion at rest, as a spectrum the idle layer can play

/** Frequencies (Hz) of the idle layer's head sway components (src/motion/idle.ts). */
export const HEAD_BANDS: readonly number[] = [0.15, 0.3, 0.6, 1.2, 2.4];

export interface HeadAxisFit {
  /** RMS about each rest stretch's mean, degrees (detector noise included). */
  rms: number;
  /** Sine amplitude (degrees) of each HEAD_BANDS component that explains the stretches' structure function. */
  amplitudes: number[];
  /** RMS of frame-to-frame independent noise (the pose detector's), degrees: not motion, left out of the idle layer. */
  noise: number;
  /** Measured and fitted structure function D(lag) = mean (x(t + lag) - x(t))², deg², lag = 1..n steps. */
  structure: { lag: number; measured: number; fitted: number; pairs: number }[];
}

export interface HeadRestFit { clips: number; spans: number; seconds: number; dt: number; bands: number[]; yaw: HeadAxisFit; pitch: HeadAxisFit; roll: HeadAxisFit }

/**
 * Head motion at rest in the videos (rest stretches: no movement of the face, no eye event;
 * restSpans), per axis: the structure function D(lag) = mean (x(t + lag) - x(t))² over all pairs
 * inside a stretch (a robust estimate: the median of the squares over 0.455), lags 1 step to `maxLag` s, fitted by non-negative least squares (weighted by
 * pairs) as white detector noise plus sines at HEAD_BANDS:
 *   D(lag) = 2 noise² + sum_i a_i² (1 - cos(2 pi f_i lag dt)).
 * The sines' amplitudes are what the idle layer plays (src/motion/idle.ts); reproduce with
 * `emotebot eval motion --data datasets/face-videos.ebseq --head` (all clips).
 */
export function fitRestHead(clips: readonly PreparedClip[], o: { maxLag?: number; bands?: readonly number[] } = {}): HeadRestFit | null {
  const bands = [...(o.bands ?? HEAD_BANDS)];
  const withPose = clips.filter((c) => c.pose);
  if (withPose.length === 0) return null;
  const dt = withPose[0]!.dt;
  const L = Math.round((o.maxLag ?? 2) / dt);
  // Squared differences per axis and lag; D(lag) is their median over 0.455 (the median of a
  // chi-square with one degree of freedom), so one head turn in a few seconds of rest does not
  // set the sway of every idle face.
  const sq: number[][][] = [0, 1, 2].map(() => Array.from({ length: L + 1 }, () => []));
  const pairs = new Float64Array(L + 1);
  const spansAll = withPose.map((c) => restSpans(c));
  const rms = headRms(withPose.flatMap((c, i) => spansAll[i]!.flatMap(([a, b]) => Array.from(c.pose!.subarray(a * 3, b * 3)))), (() => {
    const out: [number, number][] = [];
    let at = 0;
    for (const sp of spansAll) for (const [a, b] of sp) { out.push([at, at + b - a]); at += b - a; }
    return out;
  })());
  let seconds = 0, spans = 0;
  withPose.forEach((c, i) => {
    for (const [a, b] of spansAll[i]!) {
      seconds += (b - a) * dt;
      spans++;
      for (let lag = 1; lag <= Math.min(L, b - a - 1); lag++) {
        for (let k = a; k + lag < b; k++) {
          for (let ax = 0; ax < 3; ax++) sq[ax]![lag]!.push((c.pose![(k + lag) * 3 + ax]! - c.pose![k * 3 + ax]!) ** 2);
          pairs[lag] = pairs[lag]! + 1;
        }
      }
    }
  });
  const lags: number[] = [];
  for (let lag = 1; lag <= L; lag++) if (pairs[lag]! >= 30) lags.push(lag);
  const axis = (ax: number): HeadAxisFit => {
    const y = lags.map((l) => quantile(sq[ax]![l]!, 0.5) / 0.4549);
    const w = lags.map((l) => pairs[l]!);
    // Columns: 2 noise², then a_i² for each band.
    const cols = [lags.map(() => 2), ...bands.map((f) => lags.map((l) => 1 - Math.cos(2 * Math.PI * f * l * dt)))];
    const coef = nnls(cols, y, w);
    const fitted = lags.map((_, j) => cols.reduce((acc, col, i) => acc + col[j]! * coef[i]!, 0));
    return {
      rms: rms ? rms[ax]! : NaN, noise: Math.sqrt(coef[0]!), amplitudes: coef.slice(1).map(Math.sqrt),
      structure: lags.map((lag, j) => ({ lag, measured: y[j]!, fitted: fitted[j]!, pairs: w[j]! })),
    };
  };
  return { clips: withPose.length, spans, seconds, dt, bands, yaw: axis(0), pitch: axis(1), roll: axis(2) };
}

/** Weighted non-negative least squares by cyclic coordinate descent (a handful of columns). */
function nnls(cols: readonly (readonly number[])[], y: readonly number[], w: readonly number[], iterations = 20000): number[] {
  const m = cols.length, n = y.length;
  const A = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => { let s = 0; for (let k = 0; k < n; k++) s += w[k]! * cols[i]![k]! * cols[j]![k]!; return s; }));
  const b = Array.from({ length: m }, (_, i) => { let s = 0; for (let k = 0; k < n; k++) s += w[k]! * cols[i]![k]! * y[k]!; return s; });
  const x = new Array<number>(m).fill(0);
  for (let it = 0; it < iterations; it++) {
    let change = 0;
    for (let i = 0; i < m; i++) {
      if (!(A[i]![i]! > 0)) continue;
      let r = b[i]!;
      for (let j = 0; j < m; j++) if (j !== i) r -= A[i]![j]! * x[j]!;
      const v = Math.max(0, r / A[i]![i]!);
      change = Math.max(change, Math.abs(v - x[i]!));
      x[i] = v;
    }
    if (change < 1e-12) break;
  }
  return x;
}

/** RMS (degrees) of yaw, pitch and roll about each span's mean. */
function headRms(rows: ArrayLike<number>, spans: readonly [number, number][]): [number, number, number] | null {
  const s = [0, 0, 0];
  let n = 0;
  for (const [a, b] of spans) {
    const m = [0, 0, 0];
    for (let k = a; k < b; k++) for (let c = 0; c < 3; c++) m[c] = m[c]! + rows[k * 3 + c]! / (b - a);
    for (let k = a; k < b; k++) for (let c = 0; c < 3; c++) s[c] = s[c]! + (rows[k * 3 + c]! - m[c]!) ** 2;
    n += b - a;
  }
  return n ? [Math.sqrt(s[0]! / n), Math.sqrt(s[1]! / n), Math.sqrt(s[2]! / n)] : null;
}

function realHead(clips: readonly PreparedClip[], spans: readonly [number, number][][]): [number, number, number] | null {
  const rows: number[] = [];
  const all: [number, number][] = [];
  clips.forEach((c, i) => {
    if (!c.pose) return;
    for (const [a, b] of spans[i]!) {
      const start = rows.length / 3;
      for (let k = a; k < b; k++) rows.push(c.pose[k * 3]!, c.pose[k * 3 + 1]!, c.pose[k * 3 + 2]!);
      all.push([start, start + b - a]);
    }
  });
  return headRms(rows, all);
}

/** The idle layer over rest stretches as long as the real ones (at least one of 4 s). */
function idleHead(amount: number, seed: number, spans: readonly [number, number][][]): [number, number, number] {
  const lengths = spans.flat().map(([a, b]) => b - a);
  if (lengths.length === 0) lengths.push(120);
  const rt = new Animator({ seed, idle: amount, blinksPerMinute: 0 });
  const rows: number[] = [];
  const all: [number, number][] = [];
  let t = 0;
  for (const len of lengths) {
    const start = rows.length / 3;
    for (let k = 0; k < len; k++) {
      const p = rt.evaluate(t + k / 30).pose;
      rows.push((p.yaw * 180) / Math.PI, (p.pitch * 180) / Math.PI, (p.roll * 180) / Math.PI);
    }
    all.push([start, start + len]);
    t += len / 30 + 7.3;
  }
  return headRms(rows, all)!;
}

// ---------------------------------------------------------------------------------------------
// The table

const f = (x: number | null | undefined, digits = 2, unit = ''): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits) + unit);
const ms = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${Math.round(x * 1000)} ms`);

export function formatEvaluation(e: MotionEvaluation): string {
  const rows: string[][] = [];
  const row = (...cells: string[]) => rows.push(cells);
  const cols = (k: (m: MethodFigures) => string) => [k(e.real), k(e.gru), k(e.gruRest), k(e.ease)];
  row('figure', 'real (held-out)', 'GRU', 'GRU from rest', 'ease (from rest)');
  row('trajectory error, same start and target (mm RMS)', `hold ${f(e.hold, 3)} / jump ${f(e.jump, 3)}`, f(e.gru.trajectory, 3), f(e.gruRest.trajectory, 3), f(e.ease.trajectory, 3));
  row('whole-clip replay error (mm RMS, mean of clips)', '', f(meanOf(e.replay.map((r) => r.gru)), 3), '', f(meanOf(e.replay.map((r) => r.ease)), 3));
  row('time to peak velocity (fraction of the movement, median)', ...cols((m) => f(m.peakFraction.median)));
  row('jerk over the movement (mm/s³, median)', ...cols((m) => f(m.jerk.median, 0)));
  row('log dimensionless jerk (median, higher is smoother)', ...cols((m) => f(m.ldlj.median)));
  row('overshoot past the target (fraction of the change, mean)', ...cols((m) => f(m.overshoot.mean, 3)));
  row('onset 10-90% (median)', ...cols((m) => ms(m.duration.onset.median)));
  row('offset 10-90% (median)', ...cols((m) => ms(m.duration.offset.median)));
  row('onsets (10-90%) within 200-600 ms (share)', ...cols((m) => f(m.duration.onsetInRange)));
  const ph = (m: MethodFigures, p: MotionPhase) => `${ms(m.duration.phase[p].median)} (n ${m.duration.phase[p].count})`;
  row('onset from rest 10-90% (median)', ...cols((m) => ph(m, 'onset')));
  row('change between expressions 10-90% (median)', ...cols((m) => ph(m, 'change')));
  row('release to rest 10-90% (median)', ...cols((m) => ph(m, 'release')));
  const proto = (p: PrototypeFigures[], k: 'onset' | 'release' | 'onsetPeakFraction', t: (x: number | null) => string) => t(meanOf(p.map((x) => x[k])));
  row('prototypes, neutral -> emotion 10-90% (mean of 7)', '', proto(e.prototypes.gru, 'onset', ms), '', proto(e.prototypes.ease, 'onset', ms));
  row('prototypes, release 10-90% (mean of 7)', '', proto(e.prototypes.gru, 'release', ms), '', proto(e.prototypes.ease, 'release', ms));
  row('prototypes, time to peak velocity (mean of 7)', '', proto(e.prototypes.gru, 'onsetPeakFraction', (x) => f(x)), '', proto(e.prototypes.ease, 'onsetPeakFraction', (x) => f(x)));
  row('blinks per minute (video: all clips; literature ~17 at rest)', f(e.blinks.data.perMinute, 1), f(e.blinks.gru.perMinute, 1), '', f(e.blinks.ease.perMinute, 1));
  row('blink duration, median (literature 100-400 ms)', ms(e.blinks.data.duration.median), ms(e.blinks.gru.duration.median), '', ms(e.blinks.ease.duration.median));
  const deg = (v: [number, number, number] | null) => (v ? v.map((x) => x.toFixed(2)).join(' / ') : 'n/a');
  row('head motion at rest, yaw / pitch / roll (deg RMS)', deg(e.head.real), `idle 0.5: ${deg(e.head.idleHalf)}`, '', `idle 1: ${deg(e.head.idleFull)}`);
  if (e.head.all) row(`head motion at rest, all clips (${e.head.all.spans} stretches)`, deg(e.head.all.real), `idle 0.5: ${deg(e.head.all.idleHalf)}`, '', '');
  row('jitter at rest (mm per frame², 30 fps)', `${f(e.rest.realRaw.jitter, 4)} raw, ${f(e.rest.realSmoothed.jitter, 4)} smoothed`, f(e.rest.gru.jitter, 4), '', f(e.rest.ease.jitter, 4));
  const n = rows[0]!.length;
  const w = Array.from({ length: n }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
  lines.splice(1, 0, w.map((k) => '-'.repeat(k)).join('  '));
  const h = e.heldOut;
  const b = e.blinks.data;
  return [
    `held-out clips: ${h.clips.map((c) => c.split('/').pop()).join(', ')} (${f(h.seconds, 1)} s, ${h.transitions} movements: ${h.onsets} onsets, ${h.offsets} offsets)`,
    ...lines,
    `blinks in the videos: ${b.count} in ${f(b.seconds / 60, 1)} min (${b.winks} winks and ${b.closures} long closures left out); durations p10-p90 ${ms(b.duration.p10)}-${ms(b.duration.p90)}`,
    ...(e.stepMicros !== undefined ? [`GRU step: ${f(e.stepMicros, 1)} µs (median of timed runs in this process)`] : []),
  ].join('\n');
}
