import { describe, expect, it } from 'vitest';
import { AU_COUNT, codeFromEmotions } from '../core/rig.ts';
import { createRng, gaussian } from '../core/rng.ts';
import { Animator, clipTargets, type ExpressionTarget } from './animator.ts';
import { LearnedAnimator, type LearnedMotionModel } from './learned-animator.ts';
import { LITERATURE_BLINKS, MeasuredBlinkSchedule } from './learned-blink.ts';
import { inputSize, type MotionNet, motionPhase, rollout, warpTime } from './learned-gru.ts';
import type { MotionRuntime } from './runtime.ts';

/** A seeded random net with the runtime's input layout (the properties below hold for any weights). */
function randomNet(seed: number, hidden = 16): MotionNet {
  const rng = createRng(seed);
  const shape = { dims: AU_COUNT, tauScales: [0.1, 0.3, 1] };
  const I = inputSize(shape);
  const r = (n: number, sd: number) => Float32Array.from({ length: n }, () => gaussian(rng) * sd);
  return {
    ...shape, hidden, dt: 1 / 30, velocityScale: 10, alphaMin: 0.005, inputScale: new Float32Array(AU_COUNT).fill(1), absoluteGain: 1,
    wx: r(I * 3 * hidden, 0.3), wh: r(hidden * 3 * hidden, 0.3), bx: r(3 * hidden, 0.1), bh: r(3 * hidden, 0.1),
    wo: r(hidden * AU_COUNT, 0.3), bo: new Float32Array(AU_COUNT).fill(-3),
  };
}

const model: LearnedMotionModel = { net: randomNet(7), blinks: LITERATURE_BLINKS };
const norm = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

/** The largest frame-to-frame move (60 fps) over the 4 s after `from`, starting at the code `start`. */
function largestStep(a: LearnedAnimator, from: number, start: Float64Array): number {
  let prev = start, worst = 0;
  for (let t = from + 1 / 60; t < from + 4; t += 1 / 60) {
    const cur = Float64Array.from(a.evaluate(t).code);
    worst = Math.max(worst, norm(cur, prev));
    prev = cur;
  }
  return worst;
}
const held = (weights: ExpressionTarget['weights']): ExpressionTarget[] => [{ weights, intensity: 1, start: 0, duration: null }];

describe('LearnedAnimator', () => {
  it('satisfies the same runtime interface as the eased Animator', () => {
    const runtimes: MotionRuntime[] = [new Animator({ seed: 1 }), new LearnedAnimator({ seed: 1, model })];
    for (const r of runtimes) {
      r.trigger(0, clipTargets({ happy: 1 }, 1, 3));
      const f = r.evaluate(1);
      expect(f.code).toHaveLength(AU_COUNT);
      r.prune(1);
    }
  });

  it('gives the same frame for the same trigger history and t, whatever frames came before', () => {
    const script = (a: LearnedAnimator, times: number[]) => {
      a.trigger(0, held({ happy: 1 }));
      const out = new Map<number, number[]>();
      for (const t of times) out.set(t, Array.from(a.evaluate(t).code));
      a.trigger(0.73, held({ surprised: 1 }));
      return out;
    };
    const probe = [0.05, 0.31, 0.5, 0.7];
    const a = new LearnedAnimator({ seed: 3, model, idle: 0 });
    const b = new LearnedAnimator({ seed: 3, model, idle: 0 });
    const fa = script(a, Array.from({ length: 60 }, (_, i) => i / 60).concat(probe));
    const fb = script(b, [...probe].reverse());
    for (const t of probe) expect(fb.get(t)).toEqual(fa.get(t));
    // After the second trigger: 60 fps, 24 fps and a jump straight to the end agree exactly.
    const c = new LearnedAnimator({ seed: 3, model, idle: 0 });
    script(c, []);
    const at = [0.9, 1.37, 2.5];
    for (let t = 0.73; t < 2.6; t += 1 / 60) a.evaluate(t);
    for (let t = 0.73; t < 2.6; t += 1 / 24) b.evaluate(t);
    for (const t of at) {
      const x = Array.from(a.evaluate(t).code);
      expect(Array.from(b.evaluate(t).code)).toEqual(x);
      expect(Array.from(c.evaluate(t).code)).toEqual(x);
    }
    // An earlier time still reads the same as before.
    expect(Array.from(a.evaluate(0.31).code)).toEqual(fa.get(0.31));
  });

  it('is deterministic at a fixed seed; another seed blinks and idles differently', () => {
    const run = (seed: number) => {
      const a = new LearnedAnimator({ seed, model, idle: 1 });
      a.trigger(0, clipTargets({ happy: 1 }, 0.7, 5));
      const frames: number[] = [];
      for (let i = 0; i < 300; i++) {
        const f = a.evaluate(i / 30);
        frames.push(...f.code, f.blinkLeft, f.pose.yaw, f.pose.gazeX);
      }
      return frames;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('starts at the initial code, moves towards the target without overshoot, settles on it and releases to neutral', () => {
    const a = new LearnedAnimator({ seed: 1, model, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, [{ weights: { happy: 1 }, intensity: 1, start: 0.5, duration: 8 }]);
    const target = codeFromEmotions({ happy: 1 }, 1);
    const zero = new Float64Array(AU_COUNT);
    expect(norm(a.evaluate(0.4).code, zero)).toBe(0);
    for (let t = 0.5; t < 8.5; t += 1 / 50) {
      const c = a.evaluate(t).code;
      for (let d = 0; d < AU_COUNT; d++) {
        expect(c[d]!).toBeGreaterThanOrEqual(-1e-12);
        expect(c[d]!).toBeLessThanOrEqual(target[d]! + 1e-9);
      }
    }
    expect(norm(a.evaluate(8.5).code, target)).toBeLessThan(1e-3);
    expect(norm(a.evaluate(40).code, zero)).toBeLessThan(1e-3);
  });

  it('a new trigger mid-transition continues from the current face without a jump', () => {
    const a = new LearnedAnimator({ seed: 2, model, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, held({ surprised: 1 }));
    const mid = 0.213;
    const before = Float64Array.from(a.evaluate(mid).code);
    const speedBefore = norm(a.evaluate(mid).code, a.evaluate(mid - 1 / 60).code);
    a.trigger(mid, held({ angry: 1 }));
    expect(norm(a.evaluate(mid).code, before)).toBeLessThan(1e-12);
    const full = norm(codeFromEmotions({ angry: 1 }, 1), before);
    let prev = before;
    let worst = 0;
    for (let t = mid + 1 / 60; t < mid + 2; t += 1 / 60) {
      const cur = Float64Array.from(a.evaluate(t).code);
      worst = Math.max(worst, norm(cur, prev));
      prev = cur;
    }
    // No frame-to-frame step above 10% of the whole change (an eased onset's largest is about 7%).
    expect(worst).toBeLessThan(0.1 * full);
    // The first frame after the trigger moves about as fast as the last before it (no kink).
    const speedAfter = norm(a.evaluate(mid + 1 / 60).code, before);
    expect(speedAfter).toBeLessThan(speedBefore * 2 + 0.02 * full);
    expect(norm(a.evaluate(mid + 20).code, codeFromEmotions({ angry: 1 }, 1))).toBeLessThan(1e-3);
  });

  it('matches the plain rollout at step times and stays between steps', () => {
    const net = model.net;
    const a = new LearnedAnimator({ seed: 1, model, idle: 0, blinksPerMinute: 0 });
    a.trigger(1, held({ sad: 1 }));
    const g = codeFromEmotions({ sad: 1 }, 1);
    const r = rollout(net, new Float64Array(AU_COUNT), new Float64Array(AU_COUNT), g, 30);
    for (let k = 0; k <= 30; k++) {
      const c = a.evaluate(1 + k * net.dt).code;
      expect(norm(c, r.subarray(k * AU_COUNT, (k + 1) * AU_COUNT))).toBeLessThan(1e-9);
    }
  });

  it('prune forgets the past but keeps every later frame the same', () => {
    const a = new LearnedAnimator({ seed: 4, model, idle: 0.5 });
    const b = new LearnedAnimator({ seed: 4, model, idle: 0.5 });
    for (const x of [a, b]) {
      x.trigger(0, clipTargets({ fearful: 1 }, 1, 4));
      x.trigger(1.1, held({ contempt: 1 }));
    }
    for (let t = 0; t < 3; t += 1 / 30) a.evaluate(t);
    a.prune(2.5);
    for (const t of [2.5, 2.61, 3, 5, 12]) expect(a.evaluate(t)).toEqual(b.evaluate(t));
  });
});

describe('learned time scales per movement phase', () => {
  const scaled = (timeScales: MotionNet['timeScales']): LearnedMotionModel => ({ ...model, net: { ...model.net, timeScales } });
  /** 10-90% time (s) of the distance from `from` towards `to`, sampled at 240 fps from t0. */
  const duration = (a: LearnedAnimator, t0: number, from: Float64Array, to: Float64Array) => {
    const full = norm(from, to);
    let t10 = NaN, t90 = NaN;
    for (let t = t0; t < t0 + 10; t += 1 / 240) {
      const p = 1 - norm(a.evaluate(t).code, to) / full;
      if (Number.isNaN(t10) && p >= 0.1) t10 = t;
      if (p >= 0.9) { t90 = t; break; }
    }
    return t90 - t10;
  };

  it('tells an onset from rest, a change and a release to rest apart', () => {
    const s = new Float32Array(AU_COUNT).fill(1);
    const zero = new Float64Array(AU_COUNT), happy = codeFromEmotions({ happy: 1 }, 1), sad = codeFromEmotions({ sad: 1 }, 1);
    expect(motionPhase(zero, happy, s)).toBe('onset');
    expect(motionPhase(happy, zero, s)).toBe('release');
    expect(motionPhase(happy, sad, s)).toBe('change');
    expect(motionPhase(zero, zero, s)).toBe('change');
  });

  it('plays the net\'s steps at the phase\'s speed: twice as fast is the same rollout in half the time', () => {
    const a = new LearnedAnimator({ seed: 1, model: scaled({ onset: 2, change: 1, release: 1 }), idle: 0, blinksPerMinute: 0 });
    a.trigger(1, held({ sad: 1 }));
    const r = rollout(model.net, new Float64Array(AU_COUNT), new Float64Array(AU_COUNT), codeFromEmotions({ sad: 1 }, 1), 30);
    for (let k = 0; k <= 30; k++) expect(norm(a.evaluate(1 + (k * model.net.dt) / 2).code, r.subarray(k * AU_COUNT, (k + 1) * AU_COUNT))).toBeLessThan(1e-9);
  });

  it('a seeded run releases more slowly than it sets in when the release speed is the lower', () => {
    const a = new LearnedAnimator({ seed: 5, model: scaled({ onset: 1.6, change: 1.2, release: 0.9 }), idle: 0.5 });
    a.trigger(0, [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: 4 }]);
    const zero = new Float64Array(AU_COUNT), happy = codeFromEmotions({ happy: 1 }, 1);
    const onset = duration(a, 0, zero, happy), release = duration(a, 4, Float64Array.from(a.evaluate(4).code), zero);
    expect(release).toBeGreaterThan(onset * 1.4);
    // The same net at one speed: the ratio is the speeds' (up to the 240 fps sampling).
    const b = new LearnedAnimator({ seed: 5, model, idle: 0.5 });
    b.trigger(0, [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: 4 }]);
    expect(onset).toBeCloseTo(duration(b, 0, zero, happy) / 1.6, 2);
  });

  it('a trigger that interrupts a fast onset with a slow change continues without a jump', () => {
    const a = new LearnedAnimator({ seed: 2, model: scaled({ onset: 3, change: 0.5, release: 1 }), idle: 0, blinksPerMinute: 0 });
    a.trigger(0, held({ surprised: 1 }));
    const mid = 0.09;
    const before = Float64Array.from(a.evaluate(mid).code);
    const h = 1 / 600;
    const vBefore = norm(a.evaluate(mid).code, a.evaluate(mid - h).code) / h;
    // Asked again for the same face at the same pace, it moves on at the speed it had: motion is
    // carried across a trigger in clock time, whatever the speeds.
    const same = new LearnedAnimator({ seed: 2, model: scaled({ onset: 3, change: 3, release: 1 }), idle: 0, blinksPerMinute: 0 });
    same.trigger(0, held({ surprised: 1 }));
    same.trigger(mid, held({ surprised: 1 }));
    const vSame = norm(same.evaluate(mid + h).code, before) / h;
    expect(vSame).toBeGreaterThan(vBefore * 0.8);
    expect(vSame).toBeLessThan(vBefore * 1.25);
    a.trigger(mid, held({ angry: 1 }));
    expect(norm(a.evaluate(mid).code, before)).toBeLessThan(1e-12);
    const vAfter = norm(a.evaluate(mid + h).code, before) / h;
    expect(vAfter).toBeLessThan(vBefore * 2);
    expect(largestStep(a, mid, before)).toBeLessThan(0.1 * norm(codeFromEmotions({ angry: 1 }, 1), before));
  });
});

describe('measured blinks', () => {
  it('over a long seeded run come at the measured rate and durations', () => {
    const stats = { ...LITERATURE_BLINKS, perMinute: 14, durationMedian: 0.2, durationLogSd: 0.25, durationMin: 0.1, durationMax: 0.4 };
    const s = new MeasuredBlinkSchedule(11, stats);
    const minutes = 60;
    const blinks = s.between(0, minutes * 60);
    const rate = blinks.length / minutes;
    expect(rate).toBeGreaterThan(14 * 0.85);
    expect(rate).toBeLessThan(14 * 1.15);
    const d = blinks.map((b) => b.close + b.hold + b.open).sort((x, y) => x - y);
    expect(d[0]!).toBeGreaterThanOrEqual(0.1 - 1e-12);
    expect(d[d.length - 1]!).toBeLessThanOrEqual(0.4 + 1e-12);
    expect(d[Math.floor(d.length / 2)]!).toBeGreaterThan(0.17);
    expect(d[Math.floor(d.length / 2)]!).toBeLessThan(0.23);
    for (let i = 1; i < blinks.length; i++) {
      const p = blinks[i - 1]!;
      expect(blinks[i]!.start - (p.start + p.close + p.hold + p.open)).toBeGreaterThanOrEqual(stats.refractory - 1e-9);
    }
    const b = blinks[3]!;
    expect(s.amount(b.start + b.close + b.hold / 2)).toBe(1);
    expect(s.amount(b.start - 0.01)).toBe(0);
  });

  it('a rate of 0 means none, and the schedule does not depend on the order times are read', () => {
    const off = new MeasuredBlinkSchedule(2, LITERATURE_BLINKS, 0);
    for (let t = 0; t < 30; t += 0.1) expect(off.amount(t)).toBe(0);
    const a = new MeasuredBlinkSchedule(4, LITERATURE_BLINKS), b = new MeasuredBlinkSchedule(4, LITERATURE_BLINKS);
    const times = Array.from({ length: 300 }, (_, i) => i * 0.113);
    const forward = times.map((t) => a.amount(t));
    expect([...times].reverse().map((t) => b.amount(t)).reverse()).toEqual(forward);
  });
});

describe('learned start of a movement (latency and ease-in)', () => {
  const warp = { latency: 0.05, ease: 0.15 };
  const warped: LearnedMotionModel = { ...model, net: { ...model.net, timeScales: { onset: 2, change: 2, release: 2 }, startWarps: { onset: warp, change: warp, release: warp } } };
  const plain: LearnedMotionModel = { ...model, net: { ...model.net, timeScales: { onset: 2, change: 2, release: 2 } } };

  it("warps time continuously: a wait, a smooth speed-up, then the net's own pace", () => {
    for (const r0 of [0, 0.3, 1]) {
      let prev = warpTime(warp, r0, 0);
      expect(prev.time).toBe(0);
      expect(prev.rate).toBeCloseTo(r0 === 1 ? 1 : r0, 12);
      for (let t = 0.001; t < 1; t += 0.001) {
        const w = warpTime(warp, r0, t);
        expect(w.time).toBeGreaterThanOrEqual(prev.time);
        expect(Math.abs(w.time - prev.time - 0.001 * w.rate)).toBeLessThan(2e-5);
        expect(Math.abs(w.rate - prev.rate)).toBeLessThan(0.03);
        prev = w;
      }
      expect(prev.rate).toBe(1);
      expect(prev.time).toBeCloseTo(0.999 - (1 - r0) * (0.05 + 0.075), 9);
    }
    expect(warpTime(warp, 0, 0.04).time).toBe(0);
  });

  it("a face at rest waits, then eases in: velocity peaks later and the movement ends where the net's does", () => {
    const happy = codeFromEmotions({ happy: 1 }, 1), zero = new Float64Array(AU_COUNT), full = norm(happy, zero);
    const profile = (m: LearnedMotionModel) => {
      const a = new LearnedAnimator({ seed: 1, model: m, idle: 0, blinksPerMinute: 0 });
      a.trigger(0, held({ happy: 1 }));
      const h = 1 / 240, v: number[] = [];
      let prev = 0;
      for (let t = h; t < 4; t += h) { const p = 1 - norm(a.evaluate(t).code, happy) / full; v.push((p - prev) / h); prev = p; }
      return { a, v, peak: v.indexOf(Math.max(...v)) };
    };
    const w = profile(warped), p = profile(plain);
    // Still during the latency, then the same path, later (the peak comes later in clock time).
    expect(norm(w.a.evaluate(0.05).code, zero)).toBe(0);
    expect(w.peak).toBeGreaterThan(p.peak);
    expect(w.v[0]!).toBeLessThan(0.05 * p.v[0]!);
    expect(norm(w.a.evaluate(8).code, p.a.evaluate(8).code)).toBeLessThan(1e-3 * full);
  });

  it('a trigger that interrupts a moving face keeps its motion going the same way, and never jumps', () => {
    const a = new LearnedAnimator({ seed: 2, model: warped, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, held({ surprised: 1 }));
    const mid = 0.3;
    const before = Float64Array.from(a.evaluate(mid).code);
    const h = 1 / 600;
    const vBefore = norm(a.evaluate(mid).code, a.evaluate(mid - h).code) / h;
    expect(vBefore).toBeGreaterThan(0);
    const same = new LearnedAnimator({ seed: 2, model: warped, idle: 0, blinksPerMinute: 0 });
    same.trigger(0, held({ surprised: 1 }));
    same.trigger(mid, held({ surprised: 1 }));
    // Asked again for the same face, it does not stop to wait and ease in again.
    const vSame = norm(same.evaluate(mid + h).code, before) / h;
    expect(vSame).toBeGreaterThan(vBefore * 0.5);
    expect(vSame).toBeLessThan(vBefore * 2);
    a.trigger(mid, held({ angry: 1 }));
    expect(norm(a.evaluate(mid).code, before)).toBeLessThan(1e-12);
    expect(largestStep(a, mid, before)).toBeLessThan(0.1 * norm(codeFromEmotions({ angry: 1 }, 1), before));
  });
});
