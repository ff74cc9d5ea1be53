import { describe, expect, it } from 'vitest';
import { AU_COUNT, codeFromEmotions } from '../core/rig.ts';
import { Animator, clipTargets, fitTargetsToClip } from './animator.ts';
import { BlinkSchedule } from './blink.ts';
import { FixedStepClock, ManualClock, TimestampClock } from './clock.ts';
import { HEAD_REST, IdleMotion, MEASURED_IDLE_AMOUNT } from './idle.ts';
import { ScalarTrack } from './tracks.ts';

const norm = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

describe('ScalarTrack', () => {
  it('interpolates between keys and holds after the last', () => {
    const t = new ScalarTrack(0);
    t.push({ t: 1, v: 0, ease: 'hold' });
    t.push({ t: 2, v: 10, ease: 'linear' });
    expect(t.evaluate(0.5)).toBe(0);
    expect(t.evaluate(1.5)).toBeCloseTo(5);
    expect(t.evaluate(99)).toBe(10);
    expect(() => t.push({ t: 1.5, v: 0, ease: 'linear' })).toThrow(/time order/);
  });

  it('cutAt keeps the value continuous', () => {
    const t = new ScalarTrack(0);
    t.push({ t: 0, v: 0, ease: 'hold' });
    t.push({ t: 1, v: 1, ease: 'onset' });
    const before = t.evaluate(0.4);
    t.cutAt(0.4);
    t.push({ t: 1.4, v: -1, ease: 'onset' });
    expect(t.evaluate(0.4)).toBeCloseTo(before, 12);
    expect(Math.abs(t.evaluate(0.41) - before)).toBeLessThan(0.05);
  });
});

describe('Animator', () => {
  it('starts at neutral, reaches the target in a human onset time and returns to neutral', () => {
    const a = new Animator({ seed: 1, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, clipTargets({ happy: 1 }, 1, 3));
    const target = codeFromEmotions({ happy: 1 }, 1);
    const zero = new Float64Array(AU_COUNT);
    expect(norm(a.evaluate(0).code, zero)).toBe(0);
    // Find the onset: first time within 5% of the target.
    let onsetEnd = NaN;
    for (let t = 0; t < 3; t += 0.005) {
      if (norm(a.evaluate(t).code, target) < 0.05 * norm(target, zero)) { onsetEnd = t; break; }
    }
    const lead = clipTargets({ happy: 1 }, 1, 3)[0]!.start;
    const onset = onsetEnd - lead;
    expect(onset).toBeGreaterThanOrEqual(0.2);
    expect(onset).toBeLessThanOrEqual(0.6 + 0.1); // plus the largest per-unit lag
    expect(norm(a.evaluate(3).code, zero)).toBeLessThan(1e-9);
  });

  it('the release is slower than the onset', () => {
    const a = new Animator({ seed: 1, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, [{ weights: { sad: 1 }, intensity: 1, start: 0, duration: 1 }]);
    const target = codeFromEmotions({ sad: 1 }, 1);
    const zero = new Float64Array(AU_COUNT);
    const full = norm(target, zero);
    const cross = (from: number, to: number, level: (d: number) => boolean) => {
      for (let t = from; t < to; t += 0.002) if (level(norm(a.evaluate(t).code, zero))) return t;
      return NaN;
    };
    const onset90 = cross(0, 1, (d) => d > 0.9 * full);
    const release90 = cross(1, 4, (d) => d < 0.1 * full) - 1;
    expect(release90).toBeGreaterThan(onset90);
  });

  it('a new trigger mid-transition continues from the current face without a jump', () => {
    const a = new Animator({ seed: 2, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, [{ weights: { surprised: 1 }, intensity: 1, start: 0, duration: null }]);
    const mid = 0.15;
    const before = Float64Array.from(a.evaluate(mid).code);
    a.trigger(mid, [{ weights: { angry: 1 }, intensity: 1, start: 0, duration: null }]);
    expect(norm(a.evaluate(mid).code, before)).toBeLessThan(1e-12);
    // Consecutive 1/60 s frames never jump more than a fraction of the full change.
    let prev = a.evaluate(mid).code.slice();
    const full = norm(codeFromEmotions({ angry: 1 }, 1), before);
    for (let t = mid; t < mid + 1; t += 1 / 60) {
      const cur = a.evaluate(t).code.slice();
      expect(norm(cur, prev)).toBeLessThan(0.2 * full);
      prev = cur;
    }
    expect(norm(a.evaluate(mid + 1.5).code, codeFromEmotions({ angry: 1 }, 1))).toBeLessThan(1e-9);
  });

  it('a clip of held targets starts and ends at neutral', () => {
    const a = new Animator({ seed: 1, idle: 0, blinksPerMinute: 0 });
    const d = 6;
    a.trigger(0, fitTargetsToClip([
      { weights: { happy: 1 }, intensity: 1, start: 0, duration: 2 },
      { weights: { angry: 1 }, intensity: 1, start: 2, duration: null },
    ], d));
    const zero = new Float64Array(AU_COUNT);
    expect(norm(a.evaluate(0).code, zero)).toBe(0);
    expect(norm(a.evaluate(2).code, codeFromEmotions({ happy: 1 }, 1))).toBeLessThan(1e-9);
    expect(norm(a.evaluate(3.5).code, codeFromEmotions({ angry: 1 }, 1))).toBeLessThan(1e-9);
    expect(norm(a.evaluate(d - 1 / 30).code, zero)).toBeLessThan(1e-9);
  });

  it('plays a sequence in order', () => {
    const a = new Animator({ seed: 3, idle: 0, blinksPerMinute: 0 });
    a.trigger(0, [
      { weights: { happy: 1 }, intensity: 1, start: 0, duration: 2 },
      { weights: { sad: 1 }, intensity: 1, start: 2, duration: null },
    ]);
    expect(norm(a.evaluate(1.5).code, codeFromEmotions({ happy: 1 }, 1))).toBeLessThan(1e-9);
    expect(norm(a.evaluate(4).code, codeFromEmotions({ sad: 1 }, 1))).toBeLessThan(1e-9);
  });

  it('the same seed gives the same frames; another seed different idle motion', () => {
    const run = (seed: number) => {
      const a = new Animator({ seed, idle: 1 });
      a.trigger(0, clipTargets({ happy: 1 }, 0.7, 5));
      const clock = new FixedStepClock(30);
      const frames: number[] = [];
      for (let i = 0; i < 150; i++) {
        const f = a.evaluate(clock.time);
        frames.push(...f.code, f.blinkLeft, f.pose.yaw, f.pose.roll);
        clock.tick();
      }
      return frames;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

describe('blinks', () => {
  it('come at about 17 a minute, each 100-400 ms, and close fully', () => {
    const s = new BlinkSchedule(11);
    const minutes = 30;
    const blinks = s.between(0, minutes * 60);
    const rate = blinks.length / minutes;
    expect(rate).toBeGreaterThan(14);
    expect(rate).toBeLessThan(20);
    for (const b of blinks) {
      const total = b.close + b.hold + b.open;
      expect(total).toBeGreaterThanOrEqual(0.1);
      expect(total).toBeLessThanOrEqual(0.4);
      expect(s.amount(b.start + b.close + b.hold / 2)).toBe(1);
    }
    // Open between blinks.
    const first = blinks[0]!, second = blinks[1]!;
    expect(s.amount((first.start + first.close + first.hold + first.open + second.start) / 2)).toBe(0);
  });

  it('a rate of 0 means no blink at all', () => {
    const s = new BlinkSchedule(4, { perMinute: 0 });
    expect(s.between(0, 600)).toEqual([]);
    for (let t = 0; t < 10; t += 0.05) expect(s.amount(t)).toBe(0);
  });

  it('are a pure function of the seed, whatever order time is read in', () => {
    const a = new BlinkSchedule(4), b = new BlinkSchedule(4);
    const times = Array.from({ length: 200 }, (_, i) => i * 0.137);
    const forward = times.map((t) => a.amount(t));
    const backward = [...times].reverse().map((t) => b.amount(t)).reverse();
    expect(backward).toEqual(forward);
  });
});

describe('idle motion', () => {
  it('is small, smooth and zero when turned off', () => {
    const idle = new IdleMotion(9, 1);
    let prev = idle.pose(0);
    for (let t = 0; t < 20; t += 1 / 30) {
      const p = idle.pose(t);
      expect(Math.abs(p.yaw)).toBeLessThan(0.08);
      // At 1 (twice the measured rest sway) the head turns at most about 0.6 degrees a frame.
      expect(Math.abs(p.yaw - prev.yaw)).toBeLessThan(0.013);
      prev = p;
    }
    const still = new IdleMotion(9, 0).pose(3.3);
    expect([still.yaw, still.pitch, still.roll, still.lift, still.gazeX]).toEqual([0, 0, 0, 0, 0]);
  });

  it('sways the head as the videos measured at rest at the default amount, twice as much at 1', () => {
    const rms = (amount: number, axis: 'yaw' | 'pitch' | 'roll') => {
      const idle = new IdleMotion(4, amount);
      let s = 0, n = 0;
      for (let t = 0; t < 900; t += 1 / 10) { s += idle.pose(t)[axis] ** 2; n++; }
      return (Math.sqrt(s / n) * 180) / Math.PI;
    };
    for (const axis of ['yaw', 'pitch', 'roll'] as const) {
      const measured = Math.sqrt(HEAD_REST[axis].reduce((a, x) => a + (x * x) / 2, 0));
      expect(rms(MEASURED_IDLE_AMOUNT, axis)).toBeGreaterThan(measured * 0.93);
      expect(rms(MEASURED_IDLE_AMOUNT, axis)).toBeLessThan(measured * 1.07);
      expect(rms(1, axis) / rms(MEASURED_IDLE_AMOUNT, axis)).toBeCloseTo(1 / MEASURED_IDLE_AMOUNT, 6);
      expect(rms(0, axis)).toBe(0);
    }
  });
});

describe('clocks', () => {
  it('derive time from totals, not accumulated steps', () => {
    const c = new FixedStepClock(30);
    for (let i = 0; i < 3000; i++) c.tick();
    expect(c.time).toBe(100);
    const m = new ManualClock();
    m.advance(0.5);
    expect(m.time).toBe(0.5);
    const ts = new TimestampClock();
    ts.update(1000);
    expect(ts.update(2500)).toBe(1.5);
  });
});
