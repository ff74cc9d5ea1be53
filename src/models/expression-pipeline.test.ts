import { describe, expect, it } from 'vitest';
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { AU_COUNT } from '../core/rig.ts';
import { type FaceSet, PART_DEV, PART_FIT } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';
import { apexGains, clearMeanCodes, removalFloorFigures } from './expression-pipeline.ts';

/**
 * Faces whose codes are neutral + s·d (plus noise across d) with known strengths s: the gain is
 * the percentile of s over the mean s of the faces labelled 0.8 or more.
 */
function faceSet(rows: { emotion: Emotion; part?: number; s: number; label: number }[], direction: Float64Array, neutral: Float64Array) {
  const n = rows.length;
  const codes = new Float32Array(n * AU_COUNT), intensity = new Float32Array(n);
  const faces: FaceSet = {
    n, mesh: new Float32Array(0), emotion: new Uint8Array(n), part: new Uint8Array(n), source: new Uint8Array(n), person: new Int32Array(n).fill(-1), sources: [],
  };
  // A unit vector across the direction, and a wobble along it that alternates in sign (so every even run of faces has
  // its mean on the direction): faces differ, projections do not.
  const across = new Float64Array(AU_COUNT);
  across[0] = direction[1]!; across[1] = -direction[0]!;
  rows.forEach((r, i) => {
    faces.emotion[i] = EMOTIONS.indexOf(r.emotion);
    faces.part[i] = r.part ?? PART_FIT;
    intensity[i] = r.label;
    const wobble = i % 2 === 0 ? 0.7 : -0.7;
    for (let a = 0; a < AU_COUNT; a++) codes[i * AU_COUNT + a] = neutral[a]! + r.s * direction[a]! + wobble * across[a]!;
  });
  return { faces, codes, intensity };
}

describe('apexGains', () => {
  const neutral = Float64Array.from({ length: AU_COUNT }, (_, a) => 0.1 * a);
  const direction = new Float64Array(AU_COUNT);
  direction[0] = 0.6; direction[1] = 0.8; direction[5] = 0; // |d| = 1; only units 0 and 1 move

  // 100 happy faces with strengths 0.01..1.00; the clearest (label >= 0.8) are s >= 0.81.
  const happy = Array.from({ length: 100 }, (_, i) => ({ emotion: 'happy' as const, s: (i + 1) / 100, label: (i + 1) / 100 >= 0.81 ? 0.9 : 0.3 }));
  const neutrals = Array.from({ length: 30 }, () => ({ emotion: 'neutral' as const, s: 0, label: 0 }));

  it('is the percentile of the faces along their clearest mean, over that mean', () => {
    const { faces, codes, intensity } = faceSet([...neutrals, ...happy], direction, neutral);
    const g = apexGains(faces, codes, intensity, 0.95, 60);
    const clearMean = happy.filter((h) => h.s >= 0.81).reduce((t, h) => t + h.s, 0) / 20; // 0.905
    // floor(0.95 x 100) = 95: the 96th smallest strength, 0.96.
    expect(g[GAN_EMOTIONS.indexOf('happy')]!).toBeCloseTo(0.96 / clearMean, 5);
    // A higher percentile goes further.
    expect(apexGains(faces, codes, intensity, 0.99, 60)[0]!).toBeGreaterThan(g[0]!);
  });

  it('leaves alone emotions with too few faces, no faces, and never weakens intensity 1', () => {
    const fewSad = Array.from({ length: 10 }, (_, i) => ({ emotion: 'sad' as const, s: 3 + i, label: 0.9 }));
    // Angry faces all at the same strength: their 50th percentile is the mean, and a low percentile would be under it.
    const angry = Array.from({ length: 80 }, () => ({ emotion: 'angry' as const, s: 2, label: 0.9 }));
    const { faces, codes, intensity } = faceSet([...neutrals, ...happy, ...fewSad, ...angry], direction, neutral);
    const g = apexGains(faces, codes, intensity, 0.6, 60);
    expect(g[GAN_EMOTIONS.indexOf('sad')]).toBe(1);
    expect(g[GAN_EMOTIONS.indexOf('surprised')]).toBe(1);
    expect(g[GAN_EMOTIONS.indexOf('contempt')]).toBe(1);
    expect(g[GAN_EMOTIONS.indexOf('angry')]).toBeCloseTo(1, 5);
    // happy's 60th percentile (0.61) is under its clearest mean: kept at 1, not weakened.
    expect(g[GAN_EMOTIONS.indexOf('happy')]).toBe(1);
    expect(g.every((v) => v >= 1)).toBe(true);
  });

  it('reads the fit part only', () => {
    const devStrong = Array.from({ length: 200 }, () => ({ emotion: 'happy' as const, part: PART_DEV, s: 50, label: 1 }));
    const a = faceSet([...neutrals, ...happy], direction, neutral);
    const b = faceSet([...neutrals, ...happy, ...devStrong], direction, neutral);
    expect(apexGains(b.faces, b.codes, b.intensity, 0.95, 60)[0]).toBeCloseTo(apexGains(a.faces, a.codes, a.intensity, 0.95, 60)[0]!, 12);
  });

  it('gives each emotion its clear faces\' mean code minus the neutral mean, zeros for too few faces', () => {
    const fewSad = Array.from({ length: 10 }, () => ({ emotion: 'sad' as const, s: 3, label: 0.9 }));
    const { faces, codes, intensity } = faceSet([...neutrals, ...happy, ...fewSad], direction, neutral);
    const { means, neutral: n } = clearMeanCodes(faces, codes, intensity, 60);
    for (let a = 0; a < AU_COUNT; a++) expect(n[a]!).toBeCloseTo(neutral[a]!, 6);
    const k = GAN_EMOTIONS.indexOf('happy');
    // The clearest happy faces have s = 0.81..1.00, mean 0.905, along the direction.
    for (let a = 0; a < AU_COUNT; a++) expect(means[k * AU_COUNT + a]!).toBeCloseTo(0.905 * direction[a]!, 5);
    const sad = GAN_EMOTIONS.indexOf('sad');
    expect(Array.from(means.subarray(sad * AU_COUNT, (sad + 1) * AU_COUNT)).every((v) => v === 0)).toBe(true);
  });

  it('refuses a percentile outside (0, 1)', () => {
    const { faces, codes, intensity } = faceSet([...neutrals, ...happy], direction, neutral);
    expect(() => apexGains(faces, codes, intensity, 1)).toThrow(/percentile/);
    expect(() => apexGains(faces, codes, intensity, 0)).toThrow(/percentile/);
    expect(() => apexGains(faces, codes, intensity, Number.NaN)).toThrow(/percentile/);
  });
});

describe('removalFloorFigures', () => {
  const neutralCode = Float64Array.from({ length: AU_COUNT }, () => 0.3);
  const space = { mean: new Float64Array(0), identity: new Float64Array(0), identityCount: 0, identityVariance: new Float64Array(0), neutralCode, basis: new Float64Array(0) };
  /** n people, each with two neutral photos and one happy one; `named` false: nobody is named (as FER2013). */
  function people(n: number, named: boolean, part = PART_FIT) {
    const rows = n * 3;
    const faces: FaceSet = { n: rows, mesh: new Float32Array(0), emotion: new Uint8Array(rows), part: new Uint8Array(rows).fill(part), source: new Uint8Array(rows), person: new Int32Array(rows), sources: [] };
    const codes = new Float32Array(rows * AU_COUNT);
    for (let p = 0; p < n; p++) {
      const rest = 0.3 + 0.4 * Math.sin(p * 1.7);
      for (let k = 0; k < 3; k++) {
        const i = p * 3 + k;
        faces.person[i] = named ? p : -1;
        faces.emotion[i] = EMOTIONS.indexOf(k < 2 ? 'neutral' : 'happy');
        for (let a = 0; a < AU_COUNT; a++) codes[i * AU_COUNT + a] = rest + (k === 2 && a === 8 ? 2 : 0) + 0.01 * k;
      }
    }
    return { faces, codes };
  }
  it('learns on named people and measures on the dev part; the mean neutral code ships unless asked', () => {
    const fit = people(40, true), dev = people(10, true, PART_DEV);
    const faces: FaceSet = { ...fit.faces, n: fit.faces.n + dev.faces.n, emotion: Uint8Array.from([...fit.faces.emotion, ...dev.faces.emotion]), part: Uint8Array.from([...fit.faces.part, ...dev.faces.part]), source: new Uint8Array(fit.faces.n + dev.faces.n), person: Int32Array.from([...fit.faces.person, ...Array.from(dev.faces.person, (p) => p + 1000)]) };
    const codes = Float32Array.from([...fit.codes, ...dev.codes]);
    const mean = removalFloorFigures(faces, codes, space, [], 'mean');
    expect(Array.from(mean.floor)).toEqual(Array.from(neutralCode));
    expect(mean.learned!.fitFaces).toBe(120);
    expect(mean.learned!.dev.faces).toBe(30);
    expect(mean.learned!.dev.learned.all).toBeLessThan(mean.learned!.dev.mean.all);
    const learned = removalFloorFigures(faces, codes, space, [], 'learned');
    expect(Array.from(learned.floor)).toEqual(Array.from(mean.learned!.floor));
  });
  it('without named people: the mean neutral code, and a clear error when the learned floor is asked for', () => {
    const { faces, codes } = people(20, false);
    const r = removalFloorFigures(faces, codes, space, [], 'mean');
    expect(r.learned).toBeNull();
    expect(r.unlearned).toMatch(/neutral and expressive photos/);
    expect(() => removalFloorFigures(faces, codes, space, [], 'learned')).toThrow(/--removal-floor learned: a removal floor needs/);
  });
});
