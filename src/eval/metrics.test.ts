import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { BlinkSchedule } from '../motion/blink.ts';
import {
  addVerdict, blinkEvents, descriptorDistance, emptyTally, identityStats, mergeTallies, perMinute, quantile, rates, restMotion, sameShareText,
  SAME_PERSON_DISTANCE, transitionTime,
} from './metrics.ts';
import { seededShuffle } from './real.ts';

const LABELS = ['neutral', 'happy', 'sad', null] as const;

describe('classification tallies', () => {
  it('keep correct <= detected <= n, count every verdict once, and merge additively', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 50; trial++) {
      const a = emptyTally(), b = emptyTally();
      let right = 0, found = 0;
      const n = Math.floor(rng() * 40);
      for (let i = 0; i < n; i++) {
        const top = LABELS[Math.floor(rng() * LABELS.length)]!;
        if (top !== null) found++;
        if (top === 'happy') right++;
        addVerdict(i % 2 ? a : b, 'happy', top);
      }
      const m = mergeTallies([a, b]);
      expect(m.n).toBe(n);
      expect(m.detected).toBe(found);
      expect(m.correct).toBe(right);
      expect(Object.values(m.confusion).reduce((s, v) => s + v, 0)).toBe(n);
      const r = rates(m);
      if (n === 0) expect(r).toEqual({ detectionShare: null, accuracy: null, accuracyAll: null });
      else {
        expect(r.detectionShare).toBeCloseTo(found / n, 12);
        expect(r.accuracyAll).toBeCloseTo(right / n, 12);
        expect(r.accuracy).toBe(found ? right / found : null);
      }
    }
  });

  it('counts a miss in the confusion as "none" and never as right', () => {
    const t = addVerdict(addVerdict(emptyTally(), 'sad', null), 'sad', 'sad');
    expect(t).toEqual({ n: 2, detected: 1, correct: 1, confusion: { none: 1, sad: 1 } });
    expect(rates(t)).toEqual({ detectionShare: 0.5, accuracy: 1, accuracyAll: 0.5 });
  });
});

describe('quantiles and identity figures', () => {
  it('quantile interpolates between order statistics, is monotone in q and stays within the data', () => {
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile([], 0.5)).toBeNull();
    const rng = createRng(5);
    for (let trial = 0; trial < 30; trial++) {
      const v = Array.from({ length: 1 + Math.floor(rng() * 30) }, () => rng() * 10 - 5);
      expect(quantile(v, 0)).toBe(Math.min(...v));
      expect(quantile(v, 1)).toBe(Math.max(...v));
      let prev = -Infinity;
      for (let q = 0; q <= 1; q += 0.05) {
        const x = quantile(v, q)!;
        expect(x).toBeGreaterThanOrEqual(prev);
        prev = x;
      }
    }
  });

  it('identity figures: mean and p90 within the data, share under 0.6 counted strictly', () => {
    const s = identityStats([0.1, 0.2, 0.59, 0.6, 0.9]);
    expect(s.n).toBe(5);
    expect(s.mean).toBeCloseTo(0.478, 12);
    expect(s.shareSame).toBeCloseTo(3 / 5, 12);
    expect(s.max).toBe(0.9);
    expect(s.p90!).toBeLessThanOrEqual(0.9);
    expect(s.p90!).toBeGreaterThanOrEqual(0.6);
    expect(identityStats([])).toEqual({ n: 0, mean: null, p90: null, max: null, shareSame: null });
    expect(SAME_PERSON_DISTANCE).toBe(0.6);
    // Told as a count: one render of 260 over the line is not "100%".
    expect(sameShareText(s)).toBe('3 of 5');
    expect(sameShareText(identityStats([...Array.from({ length: 259 }, () => 0.3), 0.609]))).toBe('259 of 260');
    expect(sameShareText(identityStats([]))).toBe('n/a');
  });

  it('descriptor distance is a metric: zero on itself, symmetric, triangle inequality', () => {
    const rng = createRng(9);
    const d = () => Float32Array.from({ length: 128 }, () => rng() - 0.5);
    for (let trial = 0; trial < 20; trial++) {
      const a = d(), b = d(), c = d();
      expect(descriptorDistance(a, a)).toBe(0);
      expect(descriptorDistance(a, b)).toBeCloseTo(descriptorDistance(b, a), 6);
      expect(descriptorDistance(a, c)).toBeLessThanOrEqual(descriptorDistance(a, b) + descriptorDistance(b, c) + 1e-6);
    }
    expect(() => descriptorDistance([1], [1, 2])).toThrow();
  });
});

describe('blink events', () => {
  it('recovers the blinks of a seeded schedule: count, start and duration within a sample', () => {
    for (const seed of [1, 2, 3]) {
      const schedule = new BlinkSchedule(seed);
      const dt = 1 / 500;
      const times: number[] = [], closure: number[] = [];
      for (let i = 0; i * dt <= 60; i++) { times.push(i * dt); closure.push(schedule.amount(i * dt)); }
      const truth = schedule.between(0, 59.5);
      const found = blinkEvents(times, closure, 1e-9).filter((b) => b.start < 59.5);
      expect(found).toHaveLength(truth.length);
      found.forEach((b, k) => {
        const t = truth[k]!;
        expect(Math.abs(b.start - t.start)).toBeLessThan(2 * dt);
        expect(Math.abs(b.duration - (t.close + t.hold + t.open))).toBeLessThan(3 * dt);
        expect(b.peak).toBe(1);
      });
      expect(perMinute(found.length, 59.5)).toBeGreaterThan(5);
    }
  });

  it('leaves out blinks cut by either end of the signal', () => {
    const t = [0, 1, 2, 3, 4, 5, 6];
    expect(blinkEvents(t, [1, 0, 0, 1, 0, 0, 1])).toHaveLength(1);
    expect(blinkEvents(t, [0, 0, 0, 0, 0, 0, 0])).toHaveLength(0);
    expect(() => perMinute(1, 0)).toThrow();
  });
});

describe('transition time (10%-90%)', () => {
  const ramp = (shape: (u: number) => number, t0: number, d: number, a: number, b: number, dt = 0.001, end = 3) => {
    const t: number[] = [], v: number[] = [];
    for (let i = 0; i * dt <= end; i++) {
      const x = i * dt;
      const u = Math.min(Math.max((x - t0) / d, 0), 1);
      t.push(x);
      v.push(a + (b - a) * shape(u));
    }
    return { t, v };
  };

  it('is 80% of a linear ramp, whatever its start, level, direction or scale', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 25; trial++) {
      const t0 = rng(), d = 0.1 + rng(), a = rng() * 10 - 5, b = a + (rng() < 0.5 ? -1 : 1) * (0.1 + rng() * 5);
      const { t, v } = ramp((u) => u, t0, d, a, b);
      expect(transitionTime(t, v)).toBeCloseTo(0.8 * d, 3);
    }
  });

  it('matches the analytic 10%-90% width of a smoothstep ease', () => {
    const s = (u: number) => u * u * (3 - 2 * u);
    const inv = (y: number) => { let lo = 0, hi = 1; for (let i = 0; i < 60; i++) { const m = (lo + hi) / 2; if (s(m) < y) lo = m; else hi = m; } return lo; };
    const { t, v } = ramp(s, 0.2, 0.5, 0, 2);
    expect(transitionTime(t, v)).toBeCloseTo((inv(0.9) - inv(0.1)) * 0.5, 3);
  });

  it('is null for a flat signal or one that never gets there', () => {
    expect(transitionTime([0, 1, 2], [1, 1, 1])).toBeNull();
    expect(transitionTime([0], [1])).toBeNull();
  });
});

describe('motion at rest', () => {
  const frames = (f: (i: number, k: number) => number, n = 30, points = 10) =>
    Array.from({ length: n }, (_, i) => Float64Array.from({ length: points * 3 }, (_, k) => f(i, k)));

  it('is zero for a still face, and a constant drift has a step but no jitter', () => {
    expect(restMotion(frames((_, k) => k))).toEqual({ frames: 29, step: 0, jitter: 0 });
    const drift = restMotion(frames((i, k) => k + (k % 3 === 0 ? 0.3 * i : 0)));
    expect(drift.step).toBeCloseTo(0.3, 12);
    expect(drift.jitter).toBeCloseTo(0, 12);
  });

  it('scales linearly with the amplitude of a shake, and frames left out do not count', () => {
    const rng = createRng(21);
    const noise = frames(() => rng() - 0.5, 40);
    const a = restMotion(noise);
    const b = restMotion(noise.map((f) => f.map((x) => x * 3)));
    expect(b.step).toBeCloseTo(3 * a.step, 10);
    expect(b.jitter).toBeCloseTo(3 * a.jitter, 10);
    expect(a.jitter).toBeGreaterThan(a.step); // white noise: the second difference is larger than the first
    const spike = frames((i, k) => (i === 10 ? 100 : 0) + k);
    const keep = spike.map((_, i) => i !== 10);
    expect(restMotion(spike, keep)).toEqual({ frames: 27, step: 0, jitter: 0 });
  });
});

describe('seeded sampling', () => {
  it('is a permutation, the same for the same seed and different for another', () => {
    const items = Array.from({ length: 50 }, (_, i) => `f${i}`);
    const a = seededShuffle(items, 7), b = seededShuffle(items, 7), c = seededShuffle(items, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a].sort()).toEqual([...items].sort());
  });
});
