import { describe, expect, it } from 'vitest';
import { ACTION_UNITS, AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { basisGram, blinkFigures, detectEyeEvents, MIRROR, prepareClip, warpClip } from './motion-data.ts';
import { syntheticClip } from './motion-synthetic.ts';

const rig = createExpressionRig();

describe('motion data from face-video sequences', () => {
  const clip = syntheticClip(3, rig, { seconds: 24, blinksPerMinute: 15 });
  // The synthetic face moves less than the people in the videos: lower movement thresholds.
  const p = prepareClip(clip, { basis: rig.basis, transitions: { high: 3, minAmplitude: 0.3 } })!;

  it('fits codes against the clip\'s own neutral and finds its blinks', () => {
    // Codes: close to the truth away from blinks.
    let err = 0, n = 0;
    for (let f = 0; f < clip.time.length; f++) {
      if (clip.truth.blink[f]! > 0) continue;
      for (let d = 0; d < AU_COUNT; d++) { err += (p.frames.codes[f * AU_COUNT + d]! - clip.truth.codes[f * AU_COUNT + d]!) ** 2; n++; }
    }
    expect(Math.sqrt(err / n)).toBeLessThan(0.05);
    // Every scheduled blink is found once, as a blink, within 50 ms of its start.
    const blinks = p.eyeEvents.filter((e) => e.kind === 'blink');
    const truth = clip.truth.blinkStarts.filter((t) => t > 0.2 && t < 23.6);
    expect(blinks).toHaveLength(truth.length);
    blinks.forEach((b, i) => {
      expect(Math.abs(b.start - truth[i]!)).toBeLessThan(0.05);
      expect(b.duration).toBeGreaterThan(0.1);
      expect(b.duration).toBeLessThan(0.35);
    });
    const f = blinkFigures([p]);
    expect(f.count).toBe(truth.length);
    expect(f.perMinute).toBeCloseTo((truth.length / p.seconds) * 60, 6);
  });

  it('cleans blinks out of the codes', () => {
    const b = p.eyeEvents.find((e) => e.kind === 'blink')!;
    const k = p.frames.time.findIndex((t) => t >= b.peakTime);
    const lidUnits = ['AU5', 'AU6', 'AU7', 'AU4'].map((u) => (ACTION_UNITS as readonly string[]).indexOf(u));
    for (const d of lidUnits) expect(Math.abs(p.frames.codes[k * AU_COUNT + d]! - clip.truth.codes[k * AU_COUNT + d]!)).toBeLessThan(0.1);
  });

  it('finds the transitions where the face moves, onsets and offsets', () => {
    expect(p.transitions.length).toBeGreaterThanOrEqual(8);
    expect(p.transitions.some((t) => t.kind === 'onset')).toBe(true);
    expect(p.transitions.some((t) => t.kind === 'offset')).toBe(true);
    for (const t of p.transitions) {
      const seconds = (t.end - t.start) * p.dt;
      expect(seconds).toBeGreaterThan(0.15);
      expect(seconds).toBeLessThan(1.2);
    }
  });

  it('warps time: a faster replay has proportionally fewer steps', () => {
    const G = basisGram(rig.basis);
    const fast = warpClip(p, 1.25, G);
    expect(fast.codes.length / AU_COUNT).toBeCloseTo(p.codes.length / AU_COUNT / 1.25, -1);
    expect(fast.frames).toBe(p.frames);
  });

  it('mirrors by swapping the subject\'s left and right units only', () => {
    const swapped = MIRROR.map((j, i) => [ACTION_UNITS[i], ACTION_UNITS[j!]]).filter(([a, b]) => a !== b);
    expect(swapped).toEqual([['AU12L', 'AU12R'], ['AU12R', 'AU12L'], ['AU14L', 'AU14R'], ['AU14R', 'AU14L']]);
    expect(MIRROR.map((j) => MIRROR[j!])).toEqual(ACTION_UNITS.map((_, i) => i));
  });

  it('tells a wink and a long closure from a blink', () => {
    const fps = 30, n = 90;
    const time = Float64Array.from({ length: n }, (_, i) => i / fps);
    const r = new Float64Array(n), l = new Float64Array(n);
    const bump = (a: Float64Array, c: number, w: number) => { for (let i = 0; i < n; i++) a[i] = Math.max(a[i]!, Math.max(0, 1 - Math.abs(i / fps - c) / w)); };
    bump(r, 0.5, 0.1); bump(l, 0.5, 0.1); // blink
    bump(r, 1.2, 0.1); // wink
    for (let i = 0; i < n; i++) { const t = i / fps; const c = Math.min(1, Math.max(0, Math.min(t - 1.6, 2.8 - t) / 0.1)); r[i] = Math.max(r[i]!, c); l[i] = Math.max(l[i]!, c); } // eyes shut for a second
    const ev = detectEyeEvents(time, r, l, { maxBlink: 0.8 });
    expect(ev.map((e) => e.kind)).toEqual(['blink', 'wink', 'closure']);
  });
});
