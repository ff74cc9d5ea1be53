import { describe, expect, it } from 'vitest';
import { AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { createRng, gaussian } from '../core/rng.ts';
import { LITERATURE_BLINKS } from '../motion/learned-blink.ts';
import { inputSize, type MotionNet } from '../motion/learned-gru.ts';
import { basisGram, prepareClip } from './motion-data.ts';
import { fitRestHead, fitStartWarps, fitTimeScales, gruMaker, HEAD_BANDS, prototypeFigures } from './motion-eval.ts';
import { syntheticClip } from './motion-synthetic.ts';

const rig = createExpressionRig();
const G = basisGram(rig.basis);
// Synthetic faces go from neutral into an emotion and back; their releases take 1.5 times as long as their onsets.
const clips = [31, 32, 33, 34].map((s) => prepareClip(syntheticClip(s, rig, { seconds: 30 }), { basis: rig.basis, transitions: { high: 3, minAmplitude: 0.3 } })!);

function seededNet(seed: number, hidden = 12): MotionNet {
  const rng = createRng(seed);
  const shape = { dims: AU_COUNT, tauScales: [0.1, 0.3, 1] };
  const I = inputSize(shape);
  const r = (n: number, sd: number) => Float32Array.from({ length: n }, () => gaussian(rng) * sd);
  return {
    ...shape, hidden, dt: 1 / 30, velocityScale: 10, alphaMin: 0.005, inputScale: new Float32Array(AU_COUNT).fill(1), absoluteGain: 0,
    wx: r(I * 3 * hidden, 0.2), wh: r(hidden * 3 * hidden, 0.2), bx: r(3 * hidden, 0.1), bh: r(3 * hidden, 0.1),
    wo: r(hidden * AU_COUNT, 0.2), bo: new Float32Array(AU_COUNT).fill(-2),
  };
}

describe('learned time scales', () => {
  it('learn from the clips that releases are slower than onsets, and the runtime then releases more slowly', () => {
    const model = { net: seededNet(3), blinks: LITERATURE_BLINKS };
    const fit = fitTimeScales(G, model, clips, { minCount: 4 });
    expect(fit.real.onset.count).toBeGreaterThanOrEqual(4);
    expect(fit.real.release.count).toBeGreaterThanOrEqual(4);
    // The clips' own figures show the slower release...
    expect(fit.real.release.median!).toBeGreaterThan(fit.real.onset.median! * 1.2);
    // ...and the fitted speeds carry it to the runtime: neutral -> emotion -> neutral, scripted.
    const before = prototypeFigures(G, gruMaker(model));
    const after = prototypeFigures(G, gruMaker({ ...model, net: { ...model.net, timeScales: fit.scales } }));
    const mean = (xs: (number | null)[]) => xs.reduce((a: number, x) => a + (x ?? NaN), 0) / xs.length;
    const ratio = (p: typeof after) => mean(p.map((x) => x.release)) / mean(p.map((x) => x.onset));
    expect(ratio(after)).toBeGreaterThan(ratio(before) * 1.15);
    expect(ratio(after)).toBeGreaterThan(1.1);
    // Same clips, same net: the same speeds.
    expect(fitTimeScales(G, model, clips, { minCount: 4 }).scales).toEqual(fit.scales);
  });
});

describe('learned start of a movement', () => {
  it('fits a latency and ease-in per phase that brings the start and the peak velocity nearer the clips\' own', () => {
    const base = { net: seededNet(3), blinks: LITERATURE_BLINKS };
    const model = { ...base, net: { ...base.net, timeScales: fitTimeScales(G, base, clips, { minCount: 4 }).scales } };
    const fit = fitStartWarps(G, model, clips, { minCount: 4 });
    // This net starts each movement at full speed (peak velocity at its start); the synthetic faces ease in.
    for (const p of ['onset', 'release'] as const) {
      const real = fit.real[p], before = fit.before[p], after = fit.after[p];
      expect(real.peak.count).toBeGreaterThanOrEqual(4);
      expect(fit.warps[p].latency + fit.warps[p].ease).toBeGreaterThan(0);
      expect(Math.abs(after.peak.median! - real.peak.median!)).toBeLessThan(Math.abs(before.peak.median! - real.peak.median!) / 2);
      expect(Math.abs(after.start.median! - real.start.median!)).toBeLessThan(Math.abs(before.start.median! - real.start.median!));
      // The speed is corrected with each trial, so the 10-90% durations stay near the clips'.
      expect(Math.abs(after.duration.median! / real.duration.median! - 1)).toBeLessThan(0.15);
    }
    // No movement between expressions in these clips: that phase keeps no warp.
    expect(fit.real.change.peak.count).toBe(0);
    expect(fit.warps.change).toEqual({ latency: 0, ease: 0 });
    expect(fitStartWarps(G, model, clips, { minCount: 4 }).warps).toEqual(fit.warps);
  });
});

describe('head motion at rest', () => {
  it('separates sway from frame noise in the structure function', () => {
    // Clips whose head sways around 0.6 Hz (many sines at 0.55-0.65 Hz with random phases, as one
    // of amplitude 2 degrees: increments close to normal, as the robust estimate assumes), with 0.3
    // degrees of frame noise on pitch only.
    const rng = createRng(5);
    const waves = Array.from({ length: 12 }, () => ({ f: 0.55 + 0.1 * rng(), p: 2 * Math.PI * rng() }));
    const withPose = clips.map((c) => {
      const pose = new Float32Array(c.stepTime.length * 3);
      for (let k = 0; k < c.stepTime.length; k++) {
        pose[k * 3] = waves.reduce((a, w) => a + (2 / Math.sqrt(waves.length)) * Math.sin(2 * Math.PI * w.f * c.stepTime[k]! + w.p), 0);
        pose[k * 3 + 1] = 0.3 * gaussian(rng);
      }
      return { ...c, pose };
    });
    const h = fitRestHead(withPose)!;
    expect(h.spans).toBeGreaterThan(0);
    // The sway's whole amplitude, most of it in the band at 0.6 Hz (short stretches blur
    // neighbours). The median-based estimate reads the typical sway: this signal beats (its sines
    // drift in and out of phase), so it reads somewhat under the RMS.
    const total = Math.hypot(...h.yaw.amplitudes);
    expect(total).toBeGreaterThan(1.4);
    expect(total).toBeLessThan(2.3);
    expect(h.yaw.amplitudes[HEAD_BANDS.indexOf(0.6)]! ** 2).toBeGreaterThan(0.5 * total ** 2);
    expect(h.yaw.noise).toBeLessThan(0.1);
    expect(h.pitch.noise).toBeGreaterThan(0.24);
    expect(h.pitch.noise).toBeLessThan(0.36);
    expect(Math.max(...h.pitch.amplitudes)).toBeLessThan(0.15);
    expect(h.roll.amplitudes.every((a) => a === 0) && h.roll.noise === 0).toBe(true);
  });
});
