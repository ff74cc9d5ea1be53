import { describe, expect, it } from 'vitest';
import { FpsMeter } from './fps.ts';
import { pageOptions } from './options.ts';
import { describeTargets, emotionTargets, textTargets } from './targets.ts';

describe('page targets', () => {
  it('an emotion button holds that emotion at the slider intensity; neutral releases', () => {
    expect(emotionTargets('happy', 0.6)).toEqual([{ weights: { happy: 1 }, intensity: 0.6, start: 0, duration: null }]);
    expect(emotionTargets('neutral', 1)).toEqual([{ weights: {}, intensity: 0, start: 0, duration: null }]);
    expect(emotionTargets('sad', 7)[0]!.intensity).toBe(1);
  });

  it('typed words go through the trigger language, scaled by the slider', () => {
    const full = textTargets('happy, then sad', 1);
    expect(full.understood).toBe(true);
    expect(full.targets).toHaveLength(2);
    const half = textTargets('happy, then sad', 0.5);
    expect(half.targets[0]!.intensity).toBeCloseTo(full.targets[0]!.intensity * 0.5);
    const bad = textTargets('qwzx', 1);
    expect(bad.understood).toBe(false);
    expect(bad.messages.length).toBeGreaterThan(0);
  });

  it('describes targets in a line', () => {
    expect(describeTargets(emotionTargets('happy', 0.8))).toBe('happy 80%');
    expect(describeTargets(emotionTargets('neutral', 1))).toBe('neutral');
  });
});

describe('page helpers', () => {
  it('measures the frame rate from timestamps only', () => {
    const m = new FpsMeter();
    expect(m.rate).toBe(0);
    for (let i = 0; i <= 120; i++) m.frame(1000 + i * (1000 / 60));
    expect(m.rate).toBeCloseTo(60, 0);
  });

  it('reads page options from the query string, clamped', () => {
    // No blink rate given: the motion runtime's own (the learned one measured it from video).
    expect(pageOptions('')).toEqual({ seed: 1, idle: 0.5, blinksPerMinute: undefined, expressions: 'gan', motion: 'gru', detail: 'auto', mouth: 'learned', eyes: 'rigid' });
    expect(pageOptions('?seed=7&idle=0&blinks=0&expressions=rig&motion=ease&detail=mean&mouth=procedural&eyes=warp')).toEqual({ seed: 7, idle: 0, blinksPerMinute: 0, expressions: 'rig', motion: 'ease', detail: 'mean', mouth: 'procedural', eyes: 'warp' });
    expect(pageOptions('?eyes=closed').eyes).toBe('rigid');
    expect(pageOptions('?mouth=teeth').mouth).toBe('learned');
    expect(pageOptions('?detail=none').detail).toBe('none');
    expect(pageOptions('?detail=gan').detail).toBe('gan');
    expect(pageOptions('?detail=wrinkles').detail).toBe('auto');
    expect(pageOptions('?expressions=other&motion=').expressions).toBe('gan');
    expect(pageOptions('?idle=5&blinks=abc').idle).toBe(1);
    expect(pageOptions('?blinks=abc').blinksPerMinute).toBe(17);
  });
});
