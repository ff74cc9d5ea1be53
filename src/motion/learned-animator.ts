/**
 * The learned animator: the same interface as the eased Animator (MotionRuntime), with the
 * expression code moved by the trained motion GRU (learned-gru.ts) and blinks drawn from the
 * blink statistics measured on real video (learned-blink.ts). Idle head motion and gaze are the
 * shared idle layer (idle.ts).
 *
 * Time stays a parameter. Every trigger event (a target's start, a release to neutral) starts a
 * segment: the GRU is stepped on its own fixed step (net.dt) from the event's time, from the
 * face's code and motion at that instant, with a fresh hidden state, towards the event's target.
 * Steps are computed lazily and kept, so evaluate(t) depends only on the trigger history and t
 * (not on which frames were asked before, nor their order), and an earlier t still works until
 * prune. Each segment plays the net's steps at the learned speed of its phase (onset from rest,
 * change, release to rest: MotionNet.timeScales), so one net step covers dt / speed seconds;
 * the motion carried across a trigger is converted, so the face moves on at the same speed. A
 * segment's playback also starts as its phase's movements start in the videos (MotionNet.startWarps,
 * warpTime): a face still at the trigger waits a learned latency, then eases in to the net's pace;
 * the share of the net's first step the face already moves along (0..1) is kept from the start,
 * so an interrupted movement carries on. Between steps the code is a monotone cubic Hermite curve through the steps (C1, no
 * overshoot between steps), so a frame can land anywhere between two steps.
 */
import type { EmotionWeights } from '../core/emotions.ts';
import { AU_COUNT, codeFromEmotions } from '../core/rig.ts';
import { subSeed } from '../core/rng.ts';
import type { ExpressionTarget, FrameState } from './animator.ts';
import { IdleMotion } from './idle.ts';
import { type BlinkStats, MeasuredBlinkSchedule } from './learned-blink.ts';
import { checkNet, createScratch, type MotionNet, motionPhase, NO_START_WARP, type StartWarp, step, type StepScratch, warpTime } from './learned-gru.ts';
import type { MotionRuntime, MotionRuntimeOptions } from './runtime.ts';

/** A trained motion model as the runtime needs it: the net and the blink statistics. */
export interface LearnedMotionModel {
  net: MotionNet;
  blinks: BlinkStats;
}

export interface LearnedAnimatorOptions extends MotionRuntimeOptions {
  model: LearnedMotionModel;
  /** Code the face rests at before the first trigger (default: neutral, all zeros). */
  initial?: ArrayLike<number>;
  /**
   * Motion the face has at the first trigger, code units per second (default: still). For
   * replaying real video from a moving start; the face is still before the trigger either way.
   */
  initialVelocity?: ArrayLike<number>;
}

/** A segment stops stepping once it has held still this long after its trigger... */
const SETTLE_AFTER = 3;
/** ...and moved less than this on a step (code units), or in any case after this many seconds. */
const SETTLE_STEP = 1e-7;
const SETTLE_LIMIT = 120;

class Segment {
  /** Rows of codes: row r is step base + r. */
  rows: Float64Array;
  count = 0;
  base = 0;
  /** Step index from which the code no longer changes, or -1. */
  settledAt = -1;
  ready = false;
  /** Net steps per dt of clock time: the learned time scale of the segment's phase (set when it is prepared). */
  speed = 1;
  /** Latency and ease-in of the segment's phase (MotionNet.startWarps), and its start rate r0 (warpTime). */
  warp: StartWarp = NO_START_WARP;
  r0 = 1;
  readonly h: Float32Array;
  readonly v0: Float64Array;
  readonly vStep: Float64Array;

  constructor(readonly time: number, readonly goal: Float64Array, hidden: number, dims: number) {
    this.rows = new Float64Array(dims * 16);
    this.h = new Float32Array(hidden);
    this.v0 = new Float64Array(dims);
    this.vStep = new Float64Array(dims);
  }
}

export class LearnedAnimator implements MotionRuntime {
  private segments: Segment[] = [];
  private readonly net: MotionNet;
  private readonly dims: number;
  private readonly initial: Float64Array;
  private readonly initialVelocity: Float64Array;
  private readonly blinks: MeasuredBlinkSchedule;
  private readonly idle: IdleMotion;
  private readonly codeFor: (weights: EmotionWeights, intensity: number) => Float64Array;
  private readonly scratch: StepScratch;
  private readonly next: Float64Array;
  private readonly start: Float64Array;
  private readonly p: Float64Array[];

  constructor(options: LearnedAnimatorOptions) {
    const net = options.model.net;
    checkNet(net);
    if (net.dims !== AU_COUNT) throw new Error(`the motion model moves ${net.dims} units; the rig has ${AU_COUNT}`);
    this.net = net;
    this.dims = net.dims;
    this.initial = new Float64Array(this.dims);
    if (options.initial) for (let d = 0; d < this.dims; d++) this.initial[d] = options.initial[d] ?? 0;
    this.initialVelocity = new Float64Array(this.dims);
    if (options.initialVelocity) for (let d = 0; d < this.dims; d++) this.initialVelocity[d] = (options.initialVelocity[d] ?? 0) * net.dt;
    const stats = options.model.blinks;
    this.blinks = new MeasuredBlinkSchedule(subSeed(options.seed, 'blink'), stats, options.blinksPerMinute ?? stats.perMinute);
    this.idle = new IdleMotion(subSeed(options.seed, 'idle'), options.idle ?? 0.5);
    this.codeFor = options.codeFor ?? codeFromEmotions;
    this.scratch = createScratch(net);
    this.next = new Float64Array(this.dims);
    this.start = new Float64Array(this.dims);
    this.p = Array.from({ length: 4 }, () => new Float64Array(this.dims));
  }

  trigger(now: number, targets: readonly ExpressionTarget[]): void {
    if (!Number.isFinite(now)) throw new Error('trigger time must be finite');
    this.segments = this.segments.filter((s) => s.time < now);
    const sorted = [...targets].filter((t) => Number.isFinite(t.start)).sort((a, b) => a.start - b.start);
    sorted.forEach((target, k) => {
      const code = this.codeFor(target.weights, target.intensity);
      const goal = new Float64Array(this.dims);
      for (let d = 0; d < this.dims; d++) goal[d] = Math.max(0, code[d] ?? 0);
      const t0 = now + Math.max(0, target.start);
      this.push(t0, goal);
      const next = sorted[k + 1];
      if (target.duration !== null) {
        const holdEnd = t0 + Math.max(0, target.duration);
        if (next === undefined || now + next.start > holdEnd) this.push(holdEnd, new Float64Array(this.dims));
      }
    });
  }

  private push(time: number, goal: Float64Array): void {
    const last = this.segments[this.segments.length - 1];
    const t = last ? Math.max(time, last.time) : time;
    this.segments.push(new Segment(t, goal, this.net.hidden, this.dims));
  }

  /** The code at time t, written into out. */
  codeAt(t: number, out: Float64Array = new Float64Array(this.dims)): Float64Array {
    const i = this.segmentAt(t);
    if (i < 0) { out.set(this.initial); return out; }
    const seg = this.segments[i]!;
    this.prepare(i);
    this.interpolate(seg, t, out, null);
    return out;
  }

  evaluate(t: number, out?: FrameState): FrameState {
    const code = out?.code ?? new Float64Array(AU_COUNT);
    this.codeAt(t, code);
    const blink = this.blinks.amount(t);
    const pose = this.idle.pose(t);
    return { time: t, code, blinkRight: blink, blinkLeft: blink, pose };
  }

  prune(t: number): void {
    if (!Number.isFinite(t)) return;
    const i = this.segmentAt(t);
    if (i > 0) {
      this.prepare(i);
      this.segments.splice(0, i);
    }
    const seg = this.segments[0];
    if (seg && seg.time <= t && seg.ready) {
      // Keep the rows from one before the step at t.
      const keep = Math.floor(this.stepAt(seg, t)) - 1;
      const drop = Math.min(keep - seg.base, seg.count - 1);
      if (drop > 0) {
        const D = this.dims;
        seg.rows.copyWithin(0, drop * D, seg.count * D);
        seg.count -= drop;
        seg.base += drop;
      }
    }
    this.blinks.prune(t);
  }

  /** Index of the segment in force at t (the last starting at or before t), or -1. */
  private segmentAt(t: number): number {
    let lo = 0, hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.time <= t) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  /** Position (in net steps, fractional) of a segment's playback at clock time t. */
  private stepAt(seg: Segment, t: number): number {
    return (warpTime(seg.warp, seg.r0, t - seg.time).time * seg.speed) / this.net.dt;
  }

  /** Sets up the starting state of segment i (and of every earlier one it depends on). */
  private prepare(i: number): void {
    let first = i;
    while (first > 0 && !this.segments[first - 1]!.ready) first--;
    for (let j = first; j <= i; j++) {
      const seg = this.segments[j]!;
      if (seg.ready) continue;
      const x0 = this.start;
      // Motion carries over in clock time: per step of the previous segment, then per step of this one.
      let perStep: number;
      if (j === 0) {
        x0.set(this.initial);
        seg.v0.set(this.initialVelocity);
        perStep = 1;
      } else {
        const prev = this.segments[j - 1]!;
        this.interpolate(prev, seg.time, x0, seg.v0);
        perStep = prev.speed * warpTime(prev.warp, prev.r0, seg.time - prev.time).rate;
      }
      const phase = motionPhase(x0, seg.goal, this.net.inputScale);
      seg.speed = this.net.timeScales?.[phase] ?? 1;
      seg.warp = this.net.startWarps?.[phase] ?? NO_START_WARP;
      for (let d = 0; d < this.dims; d++) seg.v0[d] = (seg.v0[d]! * perStep) / seg.speed;
      seg.rows.set(x0, 0);
      seg.count = 1;
      seg.base = 0;
      seg.vStep.set(seg.v0);
      seg.h.fill(0);
      seg.ready = true;
      seg.r0 = 1;
      if (seg.warp.latency > 0 || seg.warp.ease > 0) seg.r0 = this.startRate(seg);
    }
  }

  /**
   * How much of the net's first step the face already moves along at the segment's start (the
   * carried motion projected on that step, in the net's input scale, clipped to 0..1): 0 from
   * still (or moving elsewhere), 1 when the carried motion goes that way at least as fast, so a
   * movement carried on by a trigger keeps its pace and a face at rest waits and eases in.
   */
  private startRate(seg: Segment): number {
    const c = this.net.inputScale, x1 = this.row(seg, 1);
    let a = 0, b = 0;
    for (let d = 0; d < this.dims; d++) {
      const dx = c[d]! * (x1[d]! - seg.rows[d]!);
      a += c[d]! * seg.v0[d]! * dx;
      b += dx * dx;
    }
    return b > 0 ? Math.min(1, Math.max(0, a / b)) : 1;
  }

  /** Row of step k (k >= base), stepping the GRU as far as needed. */
  private row(seg: Segment, k: number): Float64Array {
    const D = this.dims;
    if (seg.settledAt >= 0 && k > seg.settledAt) k = seg.settledAt;
    while (seg.base + seg.count - 1 < k) {
      const last = seg.base + seg.count - 1;
      if (seg.settledAt >= 0) { k = seg.settledAt; break; }
      const x = seg.rows.subarray((seg.count - 1) * D, seg.count * D);
      step(this.net, seg.h, x, seg.vStep, seg.goal, last * this.net.dt, this.next, this.scratch);
      let moved = 0;
      for (let d = 0; d < D; d++) {
        const dv = this.next[d]! - x[d]!;
        seg.vStep[d] = dv;
        moved = Math.max(moved, Math.abs(dv));
      }
      if (seg.rows.length < (seg.count + 1) * D) {
        const bigger = new Float64Array(seg.rows.length * 2);
        bigger.set(seg.rows);
        seg.rows = bigger;
      }
      seg.rows.set(this.next, seg.count * D);
      seg.count++;
      const tau = (last + 1) * this.net.dt;
      if ((tau > SETTLE_AFTER && moved < SETTLE_STEP) || tau > SETTLE_LIMIT) seg.settledAt = last + 1;
    }
    const r = Math.max(k, seg.base) - seg.base;
    return seg.rows.subarray(r * D, (r + 1) * D);
  }

  /**
   * The code of a segment at time t (t >= segment start) into out, and, when vOut is given, its
   * rate of change per net step of this segment there.
   */
  private interpolate(seg: Segment, t: number, out: Float64Array, vOut: Float64Array | null): void {
    const D = this.dims;
    const s = this.stepAt(seg, t);
    const k = Math.max(0, Math.floor(s));
    const u = Math.min(Math.max(s - k, 0), 1);
    const p1 = this.p[1]!, p2 = this.p[2]!, p3 = this.p[3]!, p0 = this.p[0]!;
    p1.set(this.row(seg, k));
    p2.set(this.row(seg, k + 1));
    p3.set(this.row(seg, k + 2));
    if (k === 0 || k - 1 < seg.base) {
      for (let d = 0; d < D; d++) p0[d] = p1[d]! - (k === 0 ? seg.v0[d]! : p2[d]! - p1[d]!);
    } else {
      p0.set(this.row(seg, k - 1));
    }
    const u2 = u * u, u3 = u2 * u;
    const h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2, h11 = u3 - u2;
    const g00 = 6 * u2 - 6 * u, g10 = 3 * u2 - 4 * u + 1, g01 = -6 * u2 + 6 * u, g11 = 3 * u2 - 2 * u;
    for (let d = 0; d < D; d++) {
      const d0 = p1[d]! - p0[d]!, d1 = p2[d]! - p1[d]!, d2 = p3[d]! - p2[d]!;
      const m1 = tangent(d0, d1), m2 = tangent(d1, d2);
      out[d] = h00 * p1[d]! + h10 * m1 + h01 * p2[d]! + h11 * m2;
      if (vOut) vOut[d] = g00 * p1[d]! + g10 * m1 + g01 * p2[d]! + g11 * m2;
    }
  }
}

/** Fritsch-Carlson style tangent: zero at a turn, limited so the curve stays monotone between steps. */
function tangent(a: number, b: number): number {
  if (a * b <= 0) return 0;
  const m = (a + b) / 2;
  const lim = 3 * Math.min(Math.abs(a), Math.abs(b));
  return Math.abs(m) > lim ? Math.sign(m) * lim : m;
}
