import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Emotion } from '../core/emotions.ts';
import { codeFromEmotions } from '../core/rig.ts';
import { createRng, gaussian } from '../core/rng.ts';
import { TEXTURE_MISSING, TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';
import { downsampleTexture, emotionLines, emotionMeans, fitRestGains, keptShare, neutralMeans, principalDirections, project, remaskRows, restError, restStats } from './detail-data.ts';
import { EMOTIONS } from '../core/emotions.ts';
import { createAmountReader } from '../core/shape-residual.ts';
import { createDetailLayer, createDetailModel, DETAIL_MODEL_NAME, DETAIL_MODEL_VERSION, loadDetailModel } from './detail-model.ts';
import { GAN_EMOTIONS, generatorForward, generatorTensors, type GeneratorWeights } from './expression-gan.ts';
import { frechetOfRows } from './expression-metrics.ts';
import { useWasmBackend } from './expression-tf.ts';
import { DEFAULT_GAN_CONFIG, trainConditionalGan } from './expression-train.ts';
import { encodeModel, ModelError } from './manifest.ts';
import { apexFrame } from '../pipeline/render-job.ts';
import { DEFAULT_DETAIL_MODEL_DIR, readDetailModel } from './detail-files.ts';
import { DEFAULT_EXPRESSION_MODEL_DIR, readExpressionModel } from './expression-files.ts';

let tf: typeof TF;
beforeAll(async () => { tf = await useWasmBackend(); });

// Synthetic textures: 16 x 16 maps; each emotion adds its own pattern to a person's own texture.
const S = 16, T = S * S, K = 6;
const rng = createRng(21);
const pattern = () => Float32Array.from({ length: T }, (_, t) => Math.sin((t % S) * (0.3 + rng())) * Math.cos(Math.floor(t / S) * (0.2 + rng())) * 0.1);
const people = [pattern(), pattern(), pattern()];
const emotionPatterns = GAN_EMOTIONS.map(() => pattern());
function faces(n: number, seed: number): { rows: Float32Array; slot: Int8Array } {
  const r = createRng(seed);
  const rows = new Float32Array(n * T), slot = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const s = i % 4 === 0 ? -1 : Math.floor(r() * 3); // neutral, happy, sad, surprised
    slot[i] = s;
    const who = people[Math.floor(r() * people.length)]!, amount = 0.5 + r(), own = (r() - 0.5) * 2;
    for (let t = 0; t < T; t++) rows[i * T + t] = who[t]! * own + (s >= 0 ? emotionPatterns[s]![t]! * amount : 0) + gaussian(r) * 0.002;
  }
  return { rows, slot };
}

describe('texture basis', () => {
  it('keeps nearly all of low-rank data and is deterministic for a seed', () => {
    const { rows } = faces(600, 1);
    const a = principalDirections(tf, rows, 600, T, K, 3);
    const b = principalDirections(tf, rows, 600, T, K, 3);
    expect(Array.from(a.basis)).toEqual(Array.from(b.basis));
    // 3 people + 3 emotions: six directions hold the data up to its noise.
    expect(a.kept).toBeGreaterThan(0.98);
    for (let c = 0; c < K; c++) {
      let norm = 0;
      for (let t = 0; t < T; t++) norm += a.basis[c * T + t]! ** 2;
      expect(norm).toBeCloseTo(1, 4);
    }
    expect(keptShare(a.basis, K, emotionPatterns[0]!)).toBeGreaterThan(0.97);
    // A pattern outside the data is not kept.
    const stray = Float32Array.from({ length: T }, (_, t) => ((t * 7919) % 13) / 13 - 0.5);
    expect(keptShare(a.basis, K, stray)).toBeLessThan(0.5);
  });
});

describe('downsampleTexture', () => {
  it('averages covered texels and leaves blocks with none uncovered', () => {
    const tex = new Int8Array(UV_SIZE * UV_SIZE).fill(TEXTURE_MISSING);
    tex[0] = 10; tex[1] = 20; // block (0, 0): two covered texels
    tex[UV_SIZE * 2 + 2] = -64; // block (1, 1) at size 64
    const shading = new Float32Array(64 * 64), cover = new Uint8Array(64 * 64);
    downsampleTexture(tex, 64, shading, cover);
    expect(cover[0]).toBe(1);
    expect(shading[0]).toBeCloseTo(15 * TEXTURE_STEP, 6);
    expect(cover[65]).toBe(1);
    expect(shading[65]).toBeCloseTo(-1, 6);
    expect(cover[2]).toBe(0);
    expect(shading[2]).toBe(0);
    expect(() => downsampleTexture(tex, 48, shading, cover)).toThrow(/divide/);
  });
});

describe('the baseline candidates', () => {
  it('the line through neutral gives the detail at intensity 1; the class mean, that of the average face', () => {
    // Happy faces show t x the happy pattern (t their intensity); some texels of some faces are not covered.
    const n = 400, r = createRng(5);
    const EMO = ['neutral', 'happy'] as const;
    const emotion = new Uint8Array(n), part = new Uint8Array(n), source = new Uint8Array(n), intensity = new Float32Array(n);
    const shading = new Float32Array(n * T), cover = new Uint8Array(n * T);
    for (let i = 0; i < n; i++) {
      const happy = i % 2 === 1;
      emotion[i] = EMOTIONS.indexOf(EMO[happy ? 1 : 0]);
      intensity[i] = happy ? 0.1 + 0.6 * r() : 0;
      for (let t = 0; t < T; t++) {
        cover[i * T + t] = r() < 0.9 ? 1 : 0;
        shading[i * T + t] = intensity[i]! * emotionPatterns[0]![t]!;
      }
    }
    const set = { n, size: S, shading, cover, emotion, part, source, sources: 1 };
    const mask = new Float32Array(T).fill(1);
    const neutral = neutralMeans(set, [0]);
    const line = emotionLines(set, neutral, mask, intensity, [0]);
    const { means } = emotionMeans(set, neutral, mask, [0]);
    const meanT = Array.from(intensity).filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0) / (n / 2);
    for (let t = 0; t < T; t++) {
      expect(line[t]!).toBeCloseTo(emotionPatterns[0]![t]!, 5);
      expect(means[t]!).toBeCloseTo(emotionPatterns[0]![t]! * meanT, 2);
    }
    // Emotions without faces stay 0.
    expect(Math.max(...line.subarray(T, 2 * T).map(Math.abs))).toBe(0);
  });
  it('a row re-masked by a narrower mask is the row that mask gives; other rows stay as they are', () => {
    // The happy pattern at intensity t, as above, fitted under a wide mask and under a narrower one.
    const n = 200, r = createRng(9);
    const emotion = new Uint8Array(n), part = new Uint8Array(n), source = new Uint8Array(n), intensity = new Float32Array(n);
    const shading = new Float32Array(n * T), cover = new Uint8Array(n * T).fill(1);
    for (let i = 0; i < n; i++) {
      const happy = i % 2 === 1;
      emotion[i] = EMOTIONS.indexOf(happy ? 'happy' : 'sad');
      intensity[i] = 0.2 + 0.6 * r();
      for (let t = 0; t < T; t++) shading[i * T + t] = intensity[i]! * emotionPatterns[happy ? 0 : 1]![t]! + 0.01 * gaussian(r);
    }
    const set = { n, size: S, shading, cover, emotion, part, source, sources: 1 };
    const wide = Float32Array.from({ length: T }, (_, t) => (t % 5 === 0 ? 0 : 1));
    const narrow = Float32Array.from(wide, (m, t) => m * (t % 3 === 0 ? 0.25 : 1));
    const neutral = neutralMeans(set, [0]);
    const fromWide = emotionLines(set, neutral, wide, intensity, [0]);
    const fromNarrow = emotionLines(set, neutral, narrow, intensity, [0]);
    const happy = GAN_EMOTIONS.indexOf('happy'), sad = GAN_EMOTIONS.indexOf('sad');
    const before = Float32Array.from(fromWide);
    remaskRows(fromWide, [happy], wide, narrow);
    for (let t = 0; t < T; t++) {
      expect(fromWide[happy * T + t]!).toBeCloseTo(fromNarrow[happy * T + t]!, 5);
      expect(fromWide[sad * T + t]!).toBe(before[sad * T + t]!);
    }
    expect(fromWide.subarray(happy * T, (happy + 1) * T).some((v, t) => Math.abs(v - before[happy * T + t]!) > 1e-3)).toBe(true);
    // A mask that reaches where the old one did not cannot be got this way.
    expect(() => remaskRows(Float32Array.from(before), [happy], narrow, wide)).toThrow(/did not/);
  });
});

describe('the rest gains', () => {
  it('recover how much of what a face\'s code reads its texture shows, held to 0..1', () => {
    // Faces read as happy and sad by their codes; their textures show 0.6 of the happy read and
    // none of the sad one (plus noise); a third emotion is never read.
    const slots = GAN_EMOTIONS.length, n = 600, r = createRng(7);
    const H = GAN_EMOTIONS.indexOf('happy'), SAD = GAN_EMOTIONS.indexOf('sad');
    const baseline = new Float32Array(slots * T);
    baseline.set(emotionPatterns[0]!, H * T);
    baseline.set(emotionPatterns[1]!, SAD * T);
    const amounts = new Float64Array(n * slots), shading = new Float32Array(n * T);
    const emotion = new Uint8Array(n).fill(EMOTIONS.indexOf('happy')), part = Uint8Array.from({ length: n }, (_, i) => (i < 400 ? 0 : 1));
    for (let i = 0; i < n; i++) {
      amounts[i * slots + H] = r();
      amounts[i * slots + SAD] = r();
      for (let t = 0; t < T; t++) shading[i * T + t] = 0.6 * amounts[i * slots + H]! * emotionPatterns[0]![t]! + 0.005 * gaussian(r);
    }
    const set = { n, size: S, shading, cover: new Uint8Array(n * T).fill(1), emotion, part, source: new Uint8Array(n), sources: 1 };
    const mask = new Float32Array(T).fill(1);
    const stats = restStats(set, new Float32Array(T), mask, baseline, amounts);
    const fit = Array.from({ length: 400 }, (_, i) => i), dev = Array.from({ length: 200 }, (_, i) => 400 + i);
    const g = fitRestGains(stats, fit);
    expect(g[H]!).toBeCloseTo(0.6, 1);
    expect(g[SAD]!).toBeLessThan(0.02);
    expect(g[GAN_EMOTIONS.indexOf('angry')]!).toBe(0);
    // On held-out faces: subtracting all of the read leaves more than subtracting nothing (the
    // sad read is not in the texture); the gains leave less.
    const ones = new Float64Array(slots).fill(1);
    expect(restError(stats, ones, dev)).toBeGreaterThan(1);
    expect(restError(stats, g, dev)).toBeLessThan(0.5);
    expect(restError(stats, new Float64Array(slots), dev)).toBeCloseTo(1, 10);
    // A texture that shows twice the read: the gain stops at 1.
    for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) shading[i * T + t] = 2 * amounts[i * slots + H]! * emotionPatterns[0]![t]!;
    expect(fitRestGains(restStats(set, new Float32Array(T), mask, baseline, amounts), fit)[H]).toBe(1);
  });
});

describe('reading emotion amounts from a code', () => {
  it('recovers a blend of the codes it was given', () => {
    const read = createAmountReader(GAN_EMOTIONS.map((e) => (e === 'contempt' ? null : codeFromEmotions({ [e]: 1 }, 1))));
    const code = codeFromEmotions({ happy: 1 }, 0.6);
    const a = read(code);
    expect(a[GAN_EMOTIONS.indexOf('happy')]!).toBeGreaterThan(0.5);
    expect(a[GAN_EMOTIONS.indexOf('happy')]!).toBeLessThan(0.7);
    for (let s = 0; s < GAN_EMOTIONS.length; s++) if (GAN_EMOTIONS[s] !== 'happy') expect(a[s]!).toBeLessThan(0.1);
    expect(Array.from(read(new Float64Array(code.length)))).toEqual(new Array(GAN_EMOTIONS.length).fill(0));
  });
});

describe('the detail GAN on synthetic textures', () => {
  const train = faces(900, 2), dev = faces(300, 3);
  let basis: Float32Array;
  let coeffs: Float32Array, devCoeffs: Float32Array;
  const learned = GAN_EMOTIONS.map((_, s) => s < 3);
  const scale = new Float32Array(K);
  beforeAll(() => {
    basis = principalDirections(tf, train.rows, 900, T, K, 1).basis;
    coeffs = new Float32Array(900 * K);
    for (let i = 0; i < 900; i++) coeffs.set(project(basis, K, train.rows.subarray(i * T, (i + 1) * T)), i * K);
    devCoeffs = new Float32Array(300 * K);
    for (let i = 0; i < 300; i++) devCoeffs.set(project(basis, K, dev.rows.subarray(i * T, (i + 1) * T)), i * K);
    for (let i = 0; i < 900; i++) for (let c = 0; c < K; c++) scale[c] = scale[c]! + coeffs[i * K + c]! ** 2 / 900;
    for (let c = 0; c < K; c++) scale[c] = Math.sqrt(scale[c]!);
  });
  const devScore = (g: GeneratorWeights): number => {
    let sum = 0;
    for (let s = 0; s < 3; s++) {
      const real: number[] = [];
      for (let i = 0; i < 300; i++) if (dev.slot[i] === s) real.push(...devCoeffs.subarray(i * K, (i + 1) * K));
      const r = createRng(5 + s), gen = new Float32Array(200 * K), cond = GAN_EMOTIONS.map((_, j) => (j === s ? 1 : 0));
      for (let k = 0; k < 200; k++) gen.set(generatorForward(g, cond, 1, Array.from({ length: 16 }, () => gaussian(r)), undefined, true), k * K);
      sum += frechetOfRows(gen, Float32Array.from(real), K);
    }
    return sum / 3;
  };
  const data = () => ({ n: 900, dim: K, x: coeffs, slot: train.slot, intensity: Float32Array.from(train.slot, (s) => (s < 0 ? 0 : 1)) });
  const config = { ...DEFAULT_GAN_CONFIG, batch: 64, steps: 500, ema: 0.9, learned, seed: 3 };

  it('brings generated textures towards held-out ones without leaking tensors, and runs as a detail layer', async () => {
    const before = tf.memory().numTensors;
    const scores: number[] = [];
    const r = await trainConditionalGan(tf, data(), config, { scale, output: 'linear' }, { every: 25, validate: (_s, g) => { const v = devScore(g); scores.push(v); return v; } });
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.min(...scores.slice(1))).toBeLessThan(0.5 * scores[0]!);

    // Packed, checked on load, run as a renderer's detail layer.
    const mask = new Float32Array(T).fill(1);
    const baseline = new Float32Array(GAN_EMOTIONS.length * T);
    emotionPatterns.forEach((p, s) => { if (learned[s]) baseline.set(p, s * T); });
    const { manifest, weights } = await encodeModel({
      name: DETAIL_MODEL_NAME, version: DETAIL_MODEL_VERSION, created: 'test',
      architecture: { size: S, conditions: GAN_EMOTIONS, learned: GAN_EMOTIONS.filter((_, s) => learned[s]), noiseDim: r.generator.noiseDim, nuisanceDim: r.generator.nuisanceDim, expressionLayers: r.generator.expression.length, nuisanceLayers: r.generator.nuisance.length, runtimeNoiseScale: 0.5 },
      training: { command: 'test', seed: 3, seconds: 0, data: {} }, metrics: {},
    }, [
      { name: 'mask', shape: [S, S], data: mask }, { name: 'basis', shape: [K, S, S], data: basis }, { name: 'baseline', shape: [GAN_EMOTIONS.length, S, S], data: baseline },
      { name: 'coefficients.scale', shape: [K], data: scale }, ...generatorTensors(r.generator),
      // Rest gains: all of what a photo's code reads, but half of sad.
      { name: 'rest.gain', shape: [GAN_EMOTIONS.length], data: GAN_EMOTIONS.map((e) => (e === 'sad' ? 0.5 : 1)) },
    ]);
    const model = await loadDetailModel(manifest, weights);
    expect(Array.from(model.restGain)).toEqual(GAN_EMOTIONS.map((e) => (e === 'sad' ? 0.5 : 1)));
    const codeFor = (e: Emotion) => codeFromEmotions({ [e]: 1 }, 1);
    const layer = (seed: number, kind: 'gan' | 'mean' = 'gan') => createDetailLayer(model, { kind, codeFor, seed });
    const happy = apexFrame([{ weights: { happy: 1 }, intensity: 1, start: 0, duration: null }]);
    const sad = apexFrame([{ weights: { sad: 1 }, intensity: 1, start: 0, duration: null }]);
    expect(layer(1).detailFor(apexFrame([]))).toBeNull();
    const a = Float32Array.from(layer(1).detailFor(happy)!.shading), b = Float32Array.from(layer(1).detailFor(happy)!.shading);
    // One layer reuses its map: the version moves only when the frame's amounts do.
    const one = layer(1);
    const v1 = one.detailFor(happy)!.version, v2 = one.detailFor(happy)!.version, v3 = one.detailFor(sad)!.version;
    expect(v2).toBe(v1);
    expect(v3).not.toBe(v1);
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = layer(2).detailFor(happy)!.shading;
    const diff = a.reduce((m, v, t) => Math.max(m, Math.abs(v - c[t]!)), 0);
    expect(diff).toBeGreaterThan(0);
    // The generated happy detail resembles the happy pattern more than the sad one.
    const cos = (x: ArrayLike<number>, y: ArrayLike<number>) => { let xy = 0, xx = 0, yy = 0; for (let t = 0; t < T; t++) { xy += x[t]! * y[t]!; xx += x[t]! ** 2; yy += y[t]! ** 2; } return xy / Math.sqrt(xx * yy); };
    expect(cos(a, emotionPatterns[0]!)).toBeGreaterThan(cos(a, emotionPatterns[1]!));
    expect(cos(a, emotionPatterns[0]!)).toBeGreaterThan(0.6);
    // The mean baseline gives exactly the stored map at intensity 1 (the amount read back is ~1).
    const mean = layer(1, 'mean').detailFor(sad)!.shading;
    expect(cos(mean, emotionPatterns[1]!)).toBeGreaterThan(0.999);
    // Half the intensity, about half the detail.
    const halfSad = apexFrame([{ weights: { sad: 1 }, intensity: 0.5, start: 0, duration: null }]);
    const half = layer(1, 'mean').detailFor(halfSad)!.shading;
    const ratio = Math.sqrt(half.reduce((s, v) => s + v * v, 0) / mean.reduce((s, v) => s + v * v, 0));
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.6);

    // Drawn relative to what the photo already shows: a photo that smiles loses its own
    // detail at neutral and is not given it twice at happy.
    for (const kind of ['mean', 'gan'] as const) {
      const plainHappy = Float32Array.from(layer(1, kind).detailFor(happy)!.shading);
      const smiling = layer(1, kind);
      smiling.fromRest(happy.code);
      const atNeutral = smiling.detailFor(apexFrame([]))!.shading;
      for (let t = 0; t < T; t += 17) expect(atNeutral[t]!).toBeCloseTo(-plainHappy[t]!, 5);
      const again = smiling.detailFor(happy)!.shading;
      expect(Math.max(...Array.from(again, Math.abs))).toBeLessThan(1e-6);
    }
    // Of a photo that reads as sad, the layer takes out only its rest gain's share (0.5).
    const plainSad = Float32Array.from(layer(1, 'mean').detailFor(sad)!.shading);
    const sadPhoto = layer(1, 'mean');
    sadPhoto.fromRest(sad.code);
    const sadAtNeutral = sadPhoto.detailFor(apexFrame([]))!.shading;
    for (let t = 0; t < T; t += 17) expect(sadAtNeutral[t]!).toBeCloseTo(-0.5 * plainSad[t]!, 5);
    expect(Math.max(...Array.from(plainSad, Math.abs))).toBeGreaterThan(0.01);

    // Manifest checks: a changed weight, another version, a missing tensor.
    const bad = Uint8Array.from(weights); bad[10] = bad[10]! ^ 1;
    await expect(loadDetailModel(manifest, bad)).rejects.toThrow(/SHA-256/);
    await expect(loadDetailModel({ ...manifest, version: 99 }, weights)).rejects.toThrow(/version 99/);
    await expect(loadDetailModel({ ...manifest, tensors: manifest.tensors.filter((t) => t.name !== 'baseline') }, weights)).rejects.toThrow(ModelError);
    // Version 2 needs its rest gains; version 1 (before them) loads with gains of 1.
    await expect(loadDetailModel({ ...manifest, tensors: manifest.tensors.filter((t) => t.name !== 'rest.gain') }, weights)).rejects.toThrow(/rest\.gain/);
    const version1 = await loadDetailModel({ ...manifest, version: 1, tensors: manifest.tensors.filter((t) => t.name !== 'rest.gain') }, weights);
    expect(Array.from(version1.restGain)).toEqual(GAN_EMOTIONS.map(() => 1));
    expect(() => createDetailModel({ ...model, restGain: GAN_EMOTIONS.map(() => 1.5) })).toThrow(/0\.\.1/);
    expect(() => createDetailModel({ ...model, restGain: [1, 1] })).toThrow(/one per emotion/);
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) => (await trainConditionalGan(tf, data(), { ...config, steps: 20, seed }, { scale, output: 'linear' })).generator.expression.map((l) => Array.from(l.w));
    const a = await run(4), b = await run(4), c = await run(5);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe.runIf(existsSync(path.join(DEFAULT_DETAIL_MODEL_DIR, 'manifest.json')) && existsSync(path.join(DEFAULT_EXPRESSION_MODEL_DIR, 'manifest.json')))('the shipped detail model (models/expression-detail)', () => {
  it('was trained against the shipped expression model, whose codes its rest gains read', async () => {
    const detail = await readDetailModel(), expressions = await readExpressionModel();
    expect(detail.manifest.version).toBe(DETAIL_MODEL_VERSION);
    const used = (detail.manifest.training.data as { expressions?: { sha256?: string; heldUnits?: unknown } }).expressions;
    expect(used?.sha256, 'models/expression-gan changed after models/expression-detail was trained: train detail again (README)').toBe(expressions.manifest.weights.sha256);
    // The units the expression model holds at neutral change its reference codes, and so the rest gains.
    expect(used?.heldUnits, 'models/expression-gan holds other units than when models/expression-detail was trained: train detail again (README)').toEqual((expressions.manifest.architecture as { heldUnits?: unknown }).heldUnits ?? {});
    for (const g of detail.restGain) {
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThanOrEqual(1);
    }
  });
});
