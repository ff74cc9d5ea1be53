import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { AU_COUNT } from '../core/rig.ts';
import type { FrameState } from '../motion/animator.ts';
import { lookupMouth } from '../render/mouth-interior.ts';
import { writeModelDir } from './files.ts';
import { encodeModel, ModelError } from './manifest.ts';
import { chooseMouth, readMouthModel } from './mouth-files.ts';
import { createMouthSource, loadMouthModel, MOUTH_MODEL_NAME, MOUTH_MODEL_VERSION, type MouthModel } from './mouth-model.ts';
import { chromaAt, conditionTable, DEFAULT_MOUTH_TRAIN, interiorContrast, medoid, type MouthFace, mouthPartOf, trainMouth, withContrast } from './mouth-train.ts';

/** Seeded synthetic open mouths: upper third bright (teeth), the rest dark, brighter with openness. */
function syntheticFaces(n: number, cols: number, rows: number): MouthFace[] {
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Array.from({ length: n }, (_, k) => {
    const openness = 0.09 + rnd() * 0.4, skin: [number, number, number] = [150 + rnd() * 60, 110 + rnd() * 40, 90 + rnd() * 30];
    const samples = new Float32Array(cols * rows * 3);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
      const teeth = j < rows / 3, l = teeth ? 1.2 : 0.2 + openness * 0.3;
      for (let c = 0; c < 3; c++) samples[(j * cols + i) * 3 + c] = Math.min(255, l * skin[c]! * (0.9 + 0.2 * rnd()));
    }
    return { identity: `person-${k % 50}`, openness, skin, samples, colour: k % 3 === 0 };
  });
}

/**
 * The same, labelled: even faces happy (as above: teeth over a cavity), odd ones surprised (a
 * dark cavity, no teeth), and every 25th contempt, too few for a table of its own.
 */
function labelledFaces(n: number): MouthFace[] {
  return syntheticFaces(n, cols, rows).map((f, k) => {
    if (k % 25 === 24) return { ...f, emotion: 'contempt' as const };
    if (k % 2 === 0) return { ...f, emotion: 'happy' as const };
    const samples = Float32Array.from(f.samples, (_, i) => 0.15 * f.skin[i % 3]!);
    return { ...f, samples, emotion: 'surprised' as const };
  });
}

const cols = 8, rows = 4;
// No dev part unless a test asks for one (the dev part's choice has tests of its own).
const opts = { ...DEFAULT_MOUTH_TRAIN, cols, rows, seed: 1, minColourFaces: 5, devShare: 0 };

describe('training the mouth interior', () => {
  const faces = syntheticFaces(400, cols, rows);
  it('is deterministic: the same faces and seed give the same table, bit for bit', () => {
    const a = trainMouth(faces, opts), b = trainMouth(faces, opts);
    expect(Buffer.from(a.table.rgb.buffer).equals(Buffer.from(b.table.rgb.buffer))).toBe(true);
    expect(a.bins).toEqual(b.bins);
    expect(a.metrics).toEqual(b.metrics);
    const other = trainMouth(faces, { ...opts, seed: 2 });
    expect(other.bins.map((x) => x.val)).not.toEqual(a.bins.map((x) => x.val));
  });
  it('learns bright teeth over a dark cavity, counts every face once, and beats the procedural interior on held-out faces', () => {
    const r = trainMouth(faces, opts);
    const total = r.bins.reduce((s, b) => s + b.faces + b.val, 0) + r.outside;
    expect(total).toBe(faces.length);
    expect(r.bins.every((b) => b.faces > 0)).toBe(true);
    const top = lookupMouth(r.table, 0.5, 0.1, 0.2), bottom = lookupMouth(r.table, 0.5, 0.9, 0.2);
    expect(top[1]).toBeGreaterThan(1);
    expect(bottom[1]).toBeLessThan(0.4);
    expect(r.metrics.valFaces).toBeGreaterThan(10);
    expect(r.metrics.learnedMae).toBeLessThan(r.metrics.proceduralMae);
  });
});

describe('the table\'s colour (--chroma)', () => {
  // Colour mouths with pale teeth (225, 220, 215) on one row that moves from face to face, over a
  // dark red cavity; every third face grey (its skin and mouth without hue).
  const faces: MouthFace[] = syntheticFaces(600, cols, rows).map((f, k) => {
    const grey = k % 3 === 0;
    const skin: readonly [number, number, number] = grey ? [140, 140, 140] : f.skin;
    const samples = new Float32Array(cols * rows * 3);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
      const teeth = j === k % rows;
      const rgb = teeth ? [225, 220, 215] : [0.45 * skin[0], 0.12 * skin[1], 0.1 * skin[2]];
      const g = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
      for (let c = 0; c < 3; c++) samples[(j * cols + i) * 3 + c] = grey ? g : rgb[c]!;
    }
    return { ...f, skin, samples, colour: !grey, emotion: k % 2 ? 'surprised' as const : 'happy' as const };
  });
  const luma3 = (t: Float32Array, i: number) => 0.299 * t[i * 3]! + 0.587 * t[i * 3 + 1]! + 0.114 * t[i * 3 + 2]!;
  const cell = trainMouth(faces, opts), lum = trainMouth(faces, { ...opts, chroma: 'luminance' });

  it('learns the colour faces\' chroma against luminance: a dark cavity red, bright teeth paler than the skin', () => {
    const c = lum.chromaCurve, at = (l: number) => chromaAt(c, l, [0, 0, 0]);
    expect(c.lum.length).toBeGreaterThan(1);
    const dark = at(0.2), bright = at(1.6);
    expect(dark[0]).toBeGreaterThan(1.5 * dark[1]);
    expect(bright[2]).toBeGreaterThan(bright[0]);
    // Scaled to luminance 1 at every point.
    for (let k = 0; k < c.lum.length; k++) expect(0.299 * c.rgb[k * 3]! + 0.587 * c.rgb[k * 3 + 1]! + 0.114 * c.rgb[k * 3 + 2]!).toBeCloseTo(1, 9);
    // Clamped outside its points.
    expect(at(-1)).toEqual(at(c.lum[0]!));
    expect(at(99)).toEqual(at(c.lum.at(-1)!));
  });
  it('colours each cell by its own luminance, leaving every cell\'s luminance as the per-cell chroma has it', () => {
    const n = cell.table.rgb.length / 3;
    let brightest = 0;
    for (let i = 0; i < n; i++) {
      expect(luma3(lum.table.rgb, i)).toBeCloseTo(luma3(cell.table.rgb, i), 1);
      if (luma3(lum.table.rgb, i) > luma3(lum.table.rgb, brightest)) brightest = i;
    }
    // The brightest cell (teeth): per cell it takes the mix of teeth and cavity there (reddish);
    // against luminance the teeth's own paler colour.
    const ratio = (t: Float32Array) => t[brightest * 3 + 2]! / t[brightest * 3]!;
    expect(ratio(lum.table.rgb)).toBeGreaterThan(ratio(cell.table.rgb) + 0.2);
    // And the emotions' tables the same way.
    expect(lum.conditioned.conditions).toEqual(cell.conditioned.conditions);
    for (let i = 0; i < n; i++) expect(0.299 * lum.conditioned.rgb[i * 3]! + 0.587 * lum.conditioned.rgb[i * 3 + 1]! + 0.114 * lum.conditioned.rgb[i * 3 + 2]!).toBeCloseTo(0.299 * cell.conditioned.rgb[i * 3]! + 0.587 * cell.conditioned.rgb[i * 3 + 1]! + 0.114 * cell.conditioned.rgb[i * 3 + 2]!, 1);
  });
  it('is nearer the held-out colour mouths, the grey ones as near as before, and counts them', () => {
    expect(lum.metrics.colour.valFaces).toBeGreaterThan(10);
    expect(lum.metrics.colour.valFaces).toBe(cell.metrics.colour.valFaces);
    expect(lum.metrics.colour.learnedMae).toBeLessThan(cell.metrics.colour.learnedMae);
    const greyMae = (m: typeof lum.metrics) => (m.learnedMae * m.valFaces - m.colour.learnedMae * m.colour.valFaces) / (m.valFaces - m.colour.valFaces);
    expect(greyMae(lum.metrics)).toBeCloseTo(greyMae(cell.metrics), 0);
  });
  it('is grey without colour faces', () => {
    const grey = trainMouth(faces.filter((f) => !f.colour), { ...opts, chroma: 'luminance' });
    expect(grey.chromaCurve.lum).toEqual([]);
    for (let i = 0; i < grey.table.rgb.length; i += 3) { expect(grey.table.rgb[i]).toBe(grey.table.rgb[i + 1]); expect(grey.table.rgb[i + 1]).toBe(grey.table.rgb[i + 2]); }
  });
});

describe('the exemplar\'s contrast', () => {
  it('withContrast scales the ln spread to the target and keeps the ln mean', () => {
    const lum = Float64Array.from({ length: 32 }, (_, i) => 0.5 + 0.3 * Math.sin(i));
    const lnMean = (x: ArrayLike<number>) => Array.from(x, Math.log).reduce((a, b) => a + b, 0) / x.length;
    for (const target of [0.05, 0.4]) {
      const out = withContrast(lum, target);
      expect(interiorContrast(out)).toBeCloseTo(target, 6);
      expect(lnMean(out)).toBeCloseTo(lnMean(lum), 6);
    }
    expect(Array.from(withContrast(new Float64Array(8).fill(0.7), 0.3))).toEqual(new Array(8).fill(0.7));
  });
  it('"median" gives each bin\'s exemplar the median contrast of its faces; "medoid" keeps the medoid\'s own', () => {
    // Faces whose teeth stand out from the cavity by different amounts: the medoid is a middling one.
    const faces = syntheticFaces(400, cols, rows).map((f, k) => {
      const gain = 0.3 + (k % 10) * 0.15;
      return { ...f, samples: Float32Array.from(f.samples, (x, i) => x * Math.exp(gain * Math.log(Math.max(x / f.skin[i % 3]!, 1e-3))) ) };
    });
    const base = { ...opts, valShare: 0 };
    const medoidRun = trainMouth(faces, base), medianRun = trainMouth(faces, { ...base, exemplarContrast: 'median' });
    const binLum = (t: typeof medoidRun.table, b: number) => { const n = rows * cols; return Float64Array.from({ length: n }, (_, i) => t.rgb[(b * n + i) * 3 + 1]!); };
    for (let b = 0; b < medianRun.table.bins; b++) {
      const spreads = faces.filter((f) => f.openness >= opts.edges[b]! && f.openness < opts.edges[b + 1]!)
        .map((f) => interiorContrast(Float64Array.from({ length: rows * cols }, (_, i) => Math.min(0.299 * f.samples[i * 3]! + 0.587 * f.samples[i * 3 + 1]! + 0.114 * f.samples[i * 3 + 2]!, 4 * 255) / (0.299 * f.skin[0] + 0.587 * f.skin[1] + 0.114 * f.skin[2]))))
        .sort((x, y) => x - y);
      const median = spreads[Math.floor(spreads.length / 2)]!;
      // Grey photos' chroma is 1, so the green channel carries the luminance ratio (up to the chroma's small cast).
      expect(interiorContrast(binLum(medianRun.table, b))).toBeCloseTo(median, 1);
    }
    expect(Buffer.from(medoidRun.table.rgb.buffer).equals(Buffer.from(trainMouth(faces, base).table.rgb.buffer))).toBe(true);
    expect(Buffer.from(medianRun.table.rgb.buffer).equals(Buffer.from(medoidRun.table.rgb.buffer))).toBe(false);
  });
});

describe('the per-emotion tables', () => {
  const faces = labelledFaces(600);
  const r = trainMouth(faces, { ...opts, minConditionFaces: 20 });
  const lumAt = (t: typeof r.table, v: number) => lookupMouth(t, 0.5, v, 0.2)[1];
  it('learn each emotion\'s own mouths where it has enough of them, and keep no table for an emotion without', () => {
    expect(r.conditioned.conditions).toEqual(['happy', 'surprised']);
    const happy = conditionTable(r.table, r.conditioned, 0), surprised = conditionTable(r.table, r.conditioned, 1);
    expect(lumAt(happy, 0.1)).toBeGreaterThan(1);
    expect(lumAt(surprised, 0.1)).toBeLessThan(0.25);
    expect(lumAt(surprised, 0.9)).toBeLessThan(0.25);
    // Every bin with enough faces took its own; the counts add up to the fit faces of the emotion.
    expect(r.conditioned.own.every((bins) => bins.every(Boolean))).toBe(true);
    const fitHappy = r.conditioned.faces[0]!.reduce((s, x) => s + x, 0);
    expect(fitHappy).toBeLessThanOrEqual(faces.filter((f) => f.emotion === 'happy').length);
    expect(fitHappy).toBeGreaterThan(200);
  });
  it('are nearer held-out mouths of their emotion than the all-faces table, and deterministic', () => {
    const s = r.conditionMetrics.perEmotion.find((c) => c.emotion === 'surprised')!;
    expect(s.valFaces).toBeGreaterThan(5);
    expect(s.ownMae).toBeLessThan(s.allMae);
    expect(r.conditionMetrics.ownMae).toBeLessThan(r.conditionMetrics.allMae);
    const again = trainMouth(faces, { ...opts, minConditionFaces: 20 });
    expect(Buffer.from(again.conditioned.rgb.buffer).equals(Buffer.from(r.conditioned.rgb.buffer))).toBe(true);
  });
  it('a second data set fills in an emotion the first lacks, and leaves the all-faces table and the first set\'s emotions as they were', () => {
    // Set 0: happy and surprised; set 1: other people, with fearful mouths (mid-grey) and more surprised ones (bright).
    const first = faces.filter((f) => f.emotion !== 'contempt');
    const more = labelledFaces(600).map((f, k) => ({
      ...f, identity: `other-${k % 40}`, source: 1,
      emotion: k % 2 ? 'surprised' as const : 'fearful' as const,
      samples: Float32Array.from(f.samples, (_, i) => (k % 2 ? 1.4 : 0.6) * f.skin[i % 3]!),
    }));
    const o = { ...opts, minConditionFaces: 20 };
    const alone = trainMouth(first, o), both = trainMouth([...first, ...more], o);
    expect(Buffer.from(both.table.rgb.buffer).equals(Buffer.from(alone.table.rgb.buffer))).toBe(true);
    expect(both.conditioned.conditions).toEqual(['happy', 'surprised', 'fearful']);
    const k = (e: string) => both.conditioned.conditions.indexOf(e as never);
    expect(both.conditioned.from[k('fearful')]!.every((s) => s === 1)).toBe(true);
    expect(both.conditioned.from[k('surprised')]!.every((s) => s === 0)).toBe(true);
    // Set 0's surprised mouths (dark) kept, not set 1's bright ones; fearful from set 1 (mid-grey).
    expect(lumAt(conditionTable(both.table, both.conditioned, k('surprised')), 0.5)).toBeLessThan(0.25);
    expect(lumAt(conditionTable(both.table, both.conditioned, k('fearful')), 0.5)).toBeCloseTo(0.6, 1);
  });
  it('the dev part keeps an emotion\'s table only where it beats the all-faces table on that emotion\'s dev mouths', () => {
    // Angry people trained on show bright mouths; angry people held out (dev and val) dark ones,
    // so angry's own table is farther from its dev mouths than the all-faces table.
    const o = { ...opts, minConditionFaces: 20, devShare: 0.2 };
    const angry = syntheticFaces(400, cols, rows).map((f, k) => {
      const identity = `angry-${k % 80}`;
      const l = mouthPartOf(identity, o.seed, o.valShare, o.devShare) === 'fit' ? 1.4 : 0.15;
      return { ...f, identity, emotion: 'angry' as const, samples: Float32Array.from(f.samples, (_, i) => l * f.skin[i % 3]!) };
    });
    const r = trainMouth([...faces, ...angry], o);
    const verdict = (e: string) => r.acceptance.find((a) => a.emotion === e)!;
    expect(verdict('angry').devFaces).toBeGreaterThanOrEqual(o.minDevFaces);
    expect(verdict('angry').ownMae).toBeGreaterThan(verdict('angry').allMae);
    expect(verdict('angry').kept).toBe(false);
    expect(verdict('surprised').ownMae).toBeLessThan(verdict('surprised').allMae);
    expect(verdict('surprised').kept).toBe(true);
    expect(r.conditioned.conditions).toEqual(['happy', 'surprised']);
    // Dev people are never trained on: the counts add up without them.
    const total = r.bins.reduce((s, b) => s + b.faces + b.val, 0) + r.outside + r.devFaces;
    expect(total).toBe(faces.length + angry.length);
    // Too few dev mouths: the table is not kept.
    const few = trainMouth([...faces, ...angry], { ...o, minDevFaces: 100000 });
    expect(few.conditioned.conditions).toEqual([]);
    expect(few.acceptance.every((a) => !a.kept && /fewer than/.test(a.reason))).toBe(true);
    // Without a dev part every emotion with a bin of its own keeps its table.
    expect(trainMouth([...faces, ...angry], { ...o, devShare: 0 }).conditioned.conditions).toEqual(['happy', 'surprised', 'angry']);
    // ownTables 'all': the same split and tables, angry kept though the dev verdict goes against it (and says so).
    const all = trainMouth([...faces, ...angry], { ...o, ownTables: 'all' });
    expect(all.conditioned.conditions).toEqual(['happy', 'surprised', 'angry']);
    const allAngry = all.acceptance.find((a) => a.emotion === 'angry')!;
    expect(allAngry.kept).toBe(true);
    expect(allAngry.ownMae).toBe(verdict('angry').ownMae);
    expect(allAngry.reason).toMatch(/all-faces table as near or nearer.*kept by --own-tables all/);
    expect(Buffer.from(all.table.rgb.buffer).equals(Buffer.from(r.table.rgb.buffer))).toBe(true);
    const k = r.conditioned.conditions.indexOf('surprised');
    expect(conditionTable(all.table, all.conditioned, all.conditioned.conditions.indexOf('surprised')).rgb).toEqual(conditionTable(r.table, r.conditioned, k).rgb);
  });
  it('--borrow: an emotion named without a table of its own draws with the table nearest its real mouths, chosen outside val and measured on val', () => {
    // Fearful mouths are dark like surprised ones: 15 in the training set (too few for a table of
    // its own) and 200 more read only to choose (chooseOnly).
    const o = { ...opts, minConditionFaces: 20 };
    const dark = (f: MouthFace, l: number) => Float32Array.from(f.samples, (_, i) => l * f.skin[i % 3]!);
    const base = faces.filter((f) => f.emotion !== 'contempt');
    const fewFearful = syntheticFaces(15, cols, rows).map((f, k) => ({ ...f, identity: `fearful-${k}`, emotion: 'fearful' as const, samples: dark(f, 0.18) }));
    const chooseOnly = syntheticFaces(200, cols, rows).map((f, k) => ({ ...f, identity: `borrow-0/${k}`, emotion: 'fearful' as const, samples: dark(f, 0.17), chooseOnly: true }));
    const all = [...base, ...fewFearful, ...chooseOnly];
    const none = trainMouth(all, o), r = trainMouth(all, { ...o, borrow: [...EMOTIONS] });
    // Off: no borrowing, and the faces read only to choose change nothing.
    expect(none.borrowed).toEqual([]);
    expect(none.conditioned.conditions).toEqual(['happy', 'surprised']);
    const plain = trainMouth([...base, ...fewFearful], o);
    expect(Buffer.from(none.table.rgb.buffer).equals(Buffer.from(plain.table.rgb.buffer))).toBe(true);
    expect(none.metrics).toEqual(plain.metrics);
    expect(none.conditionMetrics).toEqual(plain.conditionMetrics);
    // On: fearful borrows surprised's table, a copy appended after the kept tables; the rest unchanged.
    expect(r.conditioned.conditions).toEqual(['happy', 'surprised', 'fearful']);
    const fear = r.borrowed.find((b) => b.emotion === 'fearful')!;
    expect(fear.from).toBe('surprised');
    expect(fear.errors.map((e) => e.table)).toEqual(['all', 'happy', 'surprised']);
    expect(fear.errors[2]!.mae).toBeLessThan(fear.errors[0]!.mae);
    expect(fear.faces + fear.val.faces).toBe(fewFearful.length + chooseOnly.length);
    expect(fear.val.faces).toBeGreaterThan(5);
    expect(fear.val.mae).toBeLessThan(fear.val.allMae);
    const k = (e: string) => r.conditioned.conditions.indexOf(e as never);
    expect(conditionTable(r.table, r.conditioned, k('fearful')).rgb).toEqual(conditionTable(r.table, r.conditioned, k('surprised')).rgb);
    expect(r.conditioned.own[k('fearful')]!.every((x) => !x)).toBe(true);
    expect(Buffer.from(r.table.rgb.buffer).equals(Buffer.from(none.table.rgb.buffer))).toBe(true);
    expect(conditionTable(r.table, r.conditioned, k('happy')).rgb).toEqual(conditionTable(none.table, none.conditioned, 0).rgb);
    // Contempt (every 25th face of the labelled set, left out here) has no mouths: the all-faces table, said why.
    const contempt = r.borrowed.find((b) => b.emotion === 'contempt')!;
    expect(contempt.from).toBe('all');
    expect(contempt.reason).toMatch(/0 mouths outside val, fewer than 10/);
    // Deterministic.
    const again = trainMouth(all, { ...o, borrow: [...EMOTIONS] });
    expect(Buffer.from(again.conditioned.rgb.buffer).equals(Buffer.from(r.conditioned.rgb.buffer))).toBe(true);
    expect(again.borrowed).toEqual(r.borrowed);
    // Only the emotions named borrow: contempt alone leaves fearful on the all-faces table.
    const onlyContempt = trainMouth(all, { ...o, borrow: ['contempt'] });
    expect(onlyContempt.borrowed.map((b) => b.emotion)).toEqual(['contempt']);
    expect(onlyContempt.conditioned.conditions).toEqual(['happy', 'surprised']);
  });
  it('--borrow keeps the all-faces table for an emotion whose mouths it is nearest, and for one with too few', () => {
    const o = { ...opts, minConditionFaces: 20, borrow: ['disgusted' as const] };
    // Half teeth (happy's), half cavity (surprised's) per face: the all-faces table's mix.
    const mixed = syntheticFaces(120, cols, rows).map((f, k) => ({
      ...f, identity: `borrow-0/${k}`, emotion: 'disgusted' as const, chooseOnly: true,
      samples: Float32Array.from(f.samples, (_, i) => (Math.floor(i / 3) % cols < cols / 2 ? 1.2 : 0.15) * f.skin[i % 3]!),
    }));
    const r = trainMouth([...faces, ...mixed], o);
    const disgusted = r.borrowed.find((b) => b.emotion === 'disgusted')!;
    expect(disgusted.from).toBe('all');
    expect(disgusted.errors[0]!.mae).toBeLessThanOrEqual(Math.min(...disgusted.errors.map((e) => e.mae)));
    expect(r.conditioned.conditions).not.toContain('disgusted');
    const few = trainMouth([...faces, ...mixed.slice(0, 8)], o).borrowed.find((b) => b.emotion === 'disgusted')!;
    expect(few.from).toBe('all');
    expect(few.errors).toEqual([]);
  });
  it('an emotion with fewer faces than the minimum in a bin takes the all-faces bin there', () => {
    const strict = trainMouth(faces, { ...opts, minConditionFaces: 100000 });
    expect(strict.conditioned.conditions).toEqual([]);
    expect(strict.conditionMetrics.ownMae).toBe(strict.conditionMetrics.allMae);
  });
});

describe('the renderers\' table, frame by frame (createMouthSource)', () => {
  const r = trainMouth(labelledFaces(600), { ...opts, minConditionFaces: 20 });
  const byEmotion = new Map([['happy', conditionTable(r.table, r.conditioned, 0)], ['surprised', conditionTable(r.table, r.conditioned, 1)]] as const);
  const model = { manifest: {} as MouthModel['manifest'], table: r.table, byEmotion };
  // Codes for each emotion at intensity 1: one action unit each (independent directions).
  const codeFor = (e: string) => { const c = new Float64Array(AU_COUNT); c[EMOTIONS.indexOf(e as never)] = 1; return c; };
  const frame = (code: Float64Array): FrameState => ({ time: 0, code, blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } });
  it('is the emotion\'s table at its apex, the all-faces table at rest when neutral has none, and a blend between', () => {
    const src = createMouthSource(model, codeFor);
    // The amounts are read with a small ridge: 1 / (1 + 1e-3) at an apex.
    const near = (got: Float32Array, want: (i: number) => number) => got.forEach((x, i) => expect(Math.abs(x - want(i))).toBeLessThan(2e-3 * (1 + want(i))));
    const happy = byEmotion.get('happy')!.rgb, surprised = byEmotion.get('surprised')!.rgb;
    near(src.tableFor(frame(codeFor('surprised'))).rgb, (i) => surprised[i]!);
    near(src.tableFor(frame(new Float64Array(AU_COUNT))).rgb, (i) => r.table.rgb[i]!);
    near(src.tableFor(frame(codeFor('happy').map((x) => x * 0.5))).rgb, (i) => 0.5 * happy[i]! + 0.5 * r.table.rgb[i]!);
    // An emotion without a table of its own (fearful) is drawn with the all-faces table.
    near(src.tableFor(frame(codeFor('fearful'))).rgb, (i) => r.table.rgb[i]!);
    // Blends are sums of the tables, never beyond them: surprised and happy at once stay between the two.
    const both = src.tableFor(frame(codeFor('happy').map((x, i) => x + codeFor('surprised')[i]!))).rgb;
    both.forEach((x, i) => { expect(x).toBeGreaterThanOrEqual(Math.min(happy[i]!, surprised[i]!) - 1e-4); expect(x).toBeLessThanOrEqual(Math.max(happy[i]!, surprised[i]!) + 1e-4); });
  });
  it('reuses its table until the frame\'s emotions move, then says so by its version', () => {
    const src = createMouthSource(model, codeFor);
    const a = src.tableFor(frame(codeFor('happy'))), va = a.version;
    const b = src.tableFor(frame(codeFor('happy')));
    expect(b).toBe(a);
    expect(b.version).toBe(va);
    const c = src.tableFor(frame(codeFor('surprised')));
    expect(c.version).not.toBe(va);
  });
  it('is the one table without per-emotion tables or without codes (version 1, the hand-written rig)', () => {
    expect(createMouthSource({ manifest: model.manifest, table: r.table }, codeFor).tableFor(frame(codeFor('surprised')))).toBe(r.table);
    expect(createMouthSource(model).tableFor(frame(codeFor('surprised')))).toBe(r.table);
  });
});

describe('the exemplar mouth and the contrast figure', () => {
  const face = (level: number, spread: number, identity = 'x'): MouthFace => {
    const samples = new Float32Array(cols * rows * 3);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) for (let c = 0; c < 3; c++) samples[(j * cols + i) * 3 + c] = 100 * level * (j < rows / 2 ? 1 + spread : 1 - spread);
    return { identity, openness: 0.2, skin: [100, 100, 100], samples, colour: false };
  };
  it('picks the real mouth nearest all the others, the same for a seed whatever the order', () => {
    const set = [face(0.5, 0.3), face(0.6, 0.3), face(0.55, 0.3), face(1.5, 0.1), face(0.52, 0.31)];
    const m = medoid(set, 100, 1);
    expect([set[0], set[2], set[4]]).toContain(m);
    expect(medoid([...set].reverse(), 100, 1)).toBe(m);
  });
  it('keeps a real mouth\'s teeth and cavity where the mean of misaligned mouths washes them out', () => {
    // Half the mouths bright on top, half bright below: the mean is flat, each exemplar is not.
    const flip = (f: MouthFace): MouthFace => { const s = Float32Array.from(f.samples); for (let j = 0; j < rows; j++) s.set(f.samples.subarray((rows - 1 - j) * cols * 3, (rows - j) * cols * 3), j * cols * 3); return { ...f, samples: s }; };
    const faces = Array.from({ length: 60 }, (_, k) => (k % 2 ? flip(face(0.5 + 0.001 * k, 0.6, `p${k}`)) : face(0.5 + 0.001 * k, 0.6, `p${k}`)));
    const r = trainMouth(faces, { ...opts, valShare: 0 });
    const lum = (t: typeof r.table) => Array.from({ length: cols * rows }, (_, i) => t.rgb[i * 3]!);
    expect(interiorContrast(lum(r.tables.mean))).toBeLessThan(0.05);
    expect(interiorContrast(lum(r.tables.exemplar))).toBeGreaterThan(0.5);
    expect(r.table).toBe(r.tables.exemplar);
    expect(trainMouth(faces, { ...opts, valShare: 0, table: 'mean' }).table).toEqual(r.tables.mean);
  });
});

describe('the mouth-interior model files', () => {
  let dir: string;
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  /** Version 2 (per-emotion tables from labelled faces) unless asked for version 1 (one table). */
  const write = async (name: string, version = MOUTH_MODEL_VERSION) => {
    dir ??= await mkdtemp(path.join(os.tmpdir(), 'emotebot-mouth-'));
    const r = trainMouth(labelledFaces(600), { ...opts, minConditionFaces: 20 });
    const c = r.conditioned;
    const { manifest, weights } = await encodeModel({
      name: MOUTH_MODEL_NAME, version, created: 'test', architecture: { cols, rows, bins: r.table.bins, ...(version >= 2 ? { conditions: [...c.conditions] } : {}) },
      training: { command: 'test', seed: 1, seconds: 0, data: {} }, metrics: {},
    }, [
      { name: 'openness', shape: [r.table.bins], data: r.table.openness }, { name: 'rgb', shape: [r.table.bins, rows, cols, 3], data: r.table.rgb },
      ...(version >= 2 ? [{ name: 'emotionRgb', shape: [c.conditions.length, r.table.bins, rows, cols, 3], data: c.rgb }] : []),
    ]);
    const d = path.join(dir, name);
    await writeModelDir(d, manifest, weights);
    return { d, manifest, weights, table: r.table, conditioned: c };
  };

  it('round-trips the table and the per-emotion tables; version 1 (one table) still loads', async () => {
    const { d, table, conditioned } = await write('ok');
    const m = await readMouthModel(d);
    expect(Array.from(m.table.rgb)).toEqual(Array.from(table.rgb));
    expect([...m.byEmotion!.keys()]).toEqual(['happy', 'surprised']);
    expect(Array.from(m.byEmotion!.get('surprised')!.rgb)).toEqual(Array.from(conditionTable(table, conditioned, 1).rgb));
    const v1 = await readMouthModel((await write('v1', 1)).d);
    expect(v1.byEmotion).toBeUndefined();
    expect(Array.from(v1.table.rgb)).toEqual(Array.from(table.rgb));
    expect((await chooseMouth('learned', d)).model).toBeDefined();
    expect(await chooseMouth('procedural', d)).toEqual({});
  });
  it('refuses weights that do not match the hash, with a clear error', async () => {
    const { manifest, weights } = await write('hash');
    const bad = new Uint8Array(weights);
    bad[0] = bad[0]! ^ 0xff;
    await expect(loadMouthModel(manifest, bad)).rejects.toThrow(/SHA-256/);
  });
  it('refuses another version and another model', async () => {
    const { manifest, weights } = await write('version');
    await expect(loadMouthModel({ ...manifest, version: 99 }, weights)).rejects.toThrow(/version 99 is not supported/);
    await expect(loadMouthModel({ ...manifest, name: 'expression-detail' }, weights)).rejects.toThrow(/expected a "mouth-interior" model/);
    await expect(loadMouthModel({ ...manifest, architecture: { cols: 3, rows, bins: 4 } }, weights)).rejects.toThrow(ModelError);
  });
  it('refuses version 2 without its list of emotions, with an unknown one, or with tables of another size', async () => {
    const { manifest, weights } = await write('v2-checks');
    const arch = manifest.architecture as Record<string, unknown>;
    await expect(loadMouthModel({ ...manifest, architecture: { ...arch, conditions: undefined } }, weights)).rejects.toThrow(/does not list its emotions/);
    await expect(loadMouthModel({ ...manifest, architecture: { ...arch, conditions: ['happy', 'bored'] } }, weights)).rejects.toThrow(/does not list its emotions/);
    await expect(loadMouthModel({ ...manifest, architecture: { ...arch, conditions: ['happy', 'surprised', 'angry'] } }, weights)).rejects.toThrow(/per-emotion tables do not match 3 emotions/);
  });
  it('says which file is missing, and render falls back to the procedural interior with a note', async () => {
    const { d, manifest } = await write('missing');
    await rm(path.join(d, manifest.weights.file));
    await expect(readMouthModel(d)).rejects.toThrow(/cannot read the weights/);
    const fallback = await chooseMouth('learned', d);
    expect(fallback.model).toBeUndefined();
    expect(fallback.note).toMatch(/procedural/);
    await writeFile(path.join(d, 'manifest.json'), '{');
    await expect(readMouthModel(d)).rejects.toThrow(/manifest\.json/);
    await expect(readMouthModel(path.join(dir, 'nowhere'))).rejects.toThrow(ModelError);
  });
  it('the shipped model loads and passes its checks', async () => {
    const m = await readMouthModel();
    expect(m.table.bins).toBeGreaterThanOrEqual(2);
    expect(m.manifest.training.command).toMatch(/emotebot train mouth/);
    // Sad and fearful draw with surprised's table (--borrow sad,fearful): nearer their real mouths,
    // outside val and on val, than the all-faces table. Disgusted and contempt take the all-faces table.
    expect((m.manifest.architecture as { borrowed?: unknown }).borrowed).toEqual({ sad: 'surprised', fearful: 'surprised' });
    const surprised = m.byEmotion!.get('surprised')!.rgb;
    expect(m.byEmotion!.get('sad')!.rgb).toEqual(surprised);
    expect(m.byEmotion!.get('fearful')!.rgb).toEqual(surprised);
    expect(m.byEmotion!.has('disgusted')).toBe(false);
    expect(m.byEmotion!.has('contempt')).toBe(false);
    const choices = (m.manifest.metrics as { borrowed: { emotion: string; from: string; val: { faces: number; allMae: number; mae: number } }[] }).borrowed;
    expect(choices.map((c) => [c.emotion, c.from])).toEqual([['sad', 'surprised'], ['fearful', 'surprised']]);
    for (const c of choices) { expect(c.val.faces).toBeGreaterThan(100); expect(c.val.mae).toBeLessThan(c.val.allMae); }
    // Colour against luminance (--chroma luminance): the darkest tenth of the all-faces table's
    // cells (cavity) is redder than the brightest tenth (teeth).
    expect((m.manifest.architecture as { chroma?: string }).chroma).toBe('luminance');
    const t = m.table.rgb, order = Array.from({ length: t.length / 3 }, (_, i) => i);
    order.sort((a, b) => (0.299 * t[a * 3]! + 0.587 * t[a * 3 + 1]! + 0.114 * t[a * 3 + 2]!) - (0.299 * t[b * 3]! + 0.587 * t[b * 3 + 1]! + 0.114 * t[b * 3 + 2]!));
    const redness = (cells: number[]) => cells.reduce((sum, i) => sum + t[i * 3]! / t[i * 3 + 1]!, 0) / cells.length;
    const tenth = Math.floor(order.length / 10);
    expect(redness(order.slice(0, tenth))).toBeGreaterThan(redness(order.slice(-tenth)) + 0.3);
  });
});
