import { describe, expect, it } from 'vitest';
import { onsetSeconds, RELEASE_FACTOR } from '../motion/animator.ts';
import { defaultScript, measureAnimation } from './animation.ts';
import { rigModel } from './models.ts';

describe('animation figures from a seeded script', () => {
  const script = { ...defaultScript(3, 2), rest: 30 };
  const figures = measureAnimation(script, rigModel);

  it('finds one onset and one release per trigger, within the animator\'s own easing times', () => {
    expect(figures.onsets.map((o) => o.emotion)).toEqual(script.emotions);
    for (const o of figures.onsets) {
      expect(o.onset).toHaveLength(script.seeds.length);
      expect(o.release).toHaveLength(script.seeds.length);
      // 10-90% of an eased change is shorter than the whole onset (plus the longest per-unit lag).
      for (const t of o.onset) { expect(t).toBeGreaterThan(0.05); expect(t).toBeLessThan(onsetSeconds(1) + 0.1); }
      for (const t of o.release) { expect(t).toBeGreaterThan(0.05); expect(t).toBeLessThan(onsetSeconds(1) * RELEASE_FACTOR + 0.1); }
      expect(o.releaseMean!).toBeGreaterThan(o.onsetMean!);
    }
  });

  it('counts blinks of human length at a plausible rate', () => {
    expect(figures.blinkCount).toBeGreaterThan(10);
    expect(figures.blinkDuration.min!).toBeGreaterThan(0.1);
    expect(figures.blinkDuration.max!).toBeLessThan(0.4);
    expect(figures.blinkRateRest).toBeGreaterThan(5);
    expect(figures.blinkRateRest).toBeLessThan(40);
  });

  it('is the same for the same seeds, and a still face (idle 0) has no motion at rest', () => {
    expect(measureAnimation(script, rigModel)).toEqual(figures);
    const still = measureAnimation({ ...script, idle: 0, emotions: ['happy'] }, rigModel);
    expect(still.rest.step).toBe(0);
    expect(still.rest.jitter).toBe(0);
    expect(figures.rest.step).toBeGreaterThan(0);
    expect(figures.rest.jitter).toBeLessThan(figures.rest.step);
  });
});
