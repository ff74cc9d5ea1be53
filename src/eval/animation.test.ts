import { describe, expect, it } from 'vitest';
import { onsetSeconds, RELEASE_FACTOR } from '../motion/animator.ts';
import { defaultScript, EASE_MOTION, measureAnimation } from './animation.ts';
import { rigModel } from './models.ts';

describe('animation figures from a seeded script', () => {
  const script = { ...defaultScript(3, 2), rest: 30 };
  const figures = measureAnimation(script, rigModel);
  const ease = figures.motions.find((m) => m.name === 'ease')!;
  const gru = figures.motions.find((m) => m.name === 'gru')!;

  it('measures the shipped motion GRU and the eased baseline side by side, the GRU (the default) first', () => {
    expect(figures.motions.map((m) => m.name)).toEqual(['gru', 'ease']);
    const { name: _n, ...top } = gru;
    expect({ motion: figures.motion, blinkRateRest: figures.blinkRateRest, onsets: figures.onsets, rest: figures.rest }).toEqual({ motion: top.motion, blinkRateRest: top.blinkRateRest, onsets: top.onsets, rest: top.rest });
    // The two runtimes really are different motions.
    expect(gru.onsets.map((o) => o.onsetMean)).not.toEqual(ease.onsets.map((o) => o.onsetMean));
    for (const o of gru.onsets) {
      expect(o.onset).toHaveLength(script.seeds.length);
      expect(o.release).toHaveLength(script.seeds.length);
      for (const t of [...o.onset, ...o.release]) { expect(t).toBeGreaterThan(0.03); expect(t).toBeLessThan(0.6); }
    }
    // Asked for one runtime, it measures that one.
    expect(measureAnimation({ ...script, emotions: ['happy'] }, rigModel, undefined, [EASE_MOTION]).motions.map((m) => m.name)).toEqual(['ease']);
  });

  it('finds one onset and one release per trigger, within the eased animator\'s own easing times', () => {
    expect(ease.onsets.map((o) => o.emotion)).toEqual(script.emotions);
    for (const o of ease.onsets) {
      expect(o.onset).toHaveLength(script.seeds.length);
      expect(o.release).toHaveLength(script.seeds.length);
      // 10-90% of an eased change is shorter than the whole onset (plus the longest per-unit lag).
      for (const t of o.onset) { expect(t).toBeGreaterThan(0.05); expect(t).toBeLessThan(onsetSeconds(1) + 0.1); }
      for (const t of o.release) { expect(t).toBeGreaterThan(0.05); expect(t).toBeLessThan(onsetSeconds(1) * RELEASE_FACTOR + 0.1); }
      expect(o.releaseMean!).toBeGreaterThan(o.onsetMean!);
    }
  });

  it('counts blinks of human length at a plausible rate, for both runtimes', () => {
    for (const m of [ease, gru]) {
      expect(m.blinkCount).toBeGreaterThan(10);
      expect(m.blinkDuration.min!).toBeGreaterThan(0.05);
      expect(m.blinkDuration.max!).toBeLessThan(0.5);
      expect(m.blinkRateRest).toBeGreaterThan(5);
      expect(m.blinkRateRest).toBeLessThan(40);
    }
    expect(ease.blinkDuration.min!).toBeGreaterThan(0.1);
    expect(ease.blinkDuration.max!).toBeLessThan(0.4);
  });

  it('is the same for the same seeds, and a still face (idle 0) has no motion at rest', () => {
    expect(measureAnimation(script, rigModel)).toEqual(figures);
    const still = measureAnimation({ ...script, idle: 0, emotions: ['happy'] }, rigModel);
    for (const m of still.motions) {
      expect(m.rest.step).toBe(0);
      expect(m.rest.jitter).toBe(0);
    }
    for (const m of figures.motions) {
      expect(m.rest.step).toBeGreaterThan(0);
      expect(m.rest.jitter).toBeLessThan(m.rest.step);
    }
  });
});
