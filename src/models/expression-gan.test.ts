import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { type ExpressionSpace } from '../core/expression-space.ts';
import { ACTION_UNITS, AU_COUNT, codeFromEmotions, createExpressionRig } from '../core/rig.ts';
import { createRng, gaussian } from '../core/rng.ts';
import { canonicalFace, LANDMARK_COUNT } from '../core/topology.ts';
import { DEFAULT_EXPRESSION_MODEL_DIR, readExpressionModel } from './expression-files.ts';
import {
  COND_DIM, createExpressionModel, createGanExpressions, EXPRESSION_MODEL_NAME, EXPRESSION_MODEL_VERSION, type ExpressionModel, GAN_EMOTIONS,
  expressionRigFor, type GeneratorWeights, heldUnitsOf, loadExpressionModel, modelTensors,
} from './expression-gan.ts';
import { encodeModel } from './manifest.ts';

const N3 = LANDMARK_COUNT * 3;

function randomGenerator(seed: number, noiseDim = 4): GeneratorWeights {
  const rng = createRng(seed);
  const layers = (sizes: number[]) => sizes.slice(1).map((o, i) => ({
    inDim: sizes[i]!, outDim: o,
    w: Float32Array.from({ length: sizes[i]! * o }, () => gaussian(rng) * 0.5),
    b: Float32Array.from({ length: o }, () => gaussian(rng) * 0.1),
  }));
  return { noiseDim, nuisanceDim: 3, expression: layers([COND_DIM + noiseDim, 16, 16, AU_COUNT]), nuisance: layers([3, 8, AU_COUNT]), scale: new Float32Array(AU_COUNT).fill(0.3) };
}

const space: ExpressionSpace = {
  mean: canonicalFace(), identity: new Float64Array(0), identityCount: 0, identityVariance: new Float64Array(0),
  neutralCode: new Float64Array(AU_COUNT).fill(0.02), removalFloor: new Float64Array(AU_COUNT).fill(0.02), basis: createExpressionRig().basis,
};
const envelope = { lo: new Float64Array(AU_COUNT).fill(-10), hi: new Float64Array(AU_COUNT).fill(10) };

/** A learned shape for the toy model: per emotion slot a distinct smooth field (contempt: none), in cm. */
const toyShape = (() => {
  const f = new Float32Array(GAN_EMOTIONS.length * N3);
  const mean = canonicalFace();
  GAN_EMOTIONS.forEach((e, k) => {
    if (e === 'contempt') return;
    for (let i = 0; i < LANDMARK_COUNT; i++) f[k * N3 + i * 3 + (k % 3)] = 0.05 * Math.sin((k + 1) * mean[i * 3]! + i * 1e-3);
  });
  return f;
})();

/** Apex gains for the toy model (conditions order; contempt, a rig prototype here, keeps 1). */
const toyGains = Float32Array.from([1.25, 1, 1.5, 1.1, 1.05, 1.3, 1]);
/** Clear-face mean codes for the toy model: a distinct small code per emotion. */
const toyClearMean = Float32Array.from({ length: GAN_EMOTIONS.length * AU_COUNT }, (_, i) => 0.05 * ((i * 7) % 11));

async function packed(generator: GeneratorWeights, version = EXPRESSION_MODEL_VERSION, learned = GAN_EMOTIONS.filter((e) => e !== 'contempt'), env = envelope, shape: Float32Array | null = version >= 2 ? toyShape : null, gains: ArrayLike<number> | null = version >= 3 ? toyGains : null, meanFor: string[] = []) {
  return encodeModel({
    name: EXPRESSION_MODEL_NAME, version, created: '2026-11-21',
    architecture: { conditions: GAN_EMOTIONS, noiseDim: generator.noiseDim, nuisanceDim: generator.nuisanceDim, expressionLayers: generator.expression.length, nuisanceLayers: generator.nuisance.length, learned, ...(meanFor.length ? { meanFor } : {}) },
    training: { command: 'test', seed: 1, seconds: 0, data: {} }, metrics: {},
  }, modelTensors(space, generator, env, shape, gains ? { gain: gains, clearMean: toyClearMean } : null));
}

async function toyModel(seed = 5): Promise<ExpressionModel> {
  const { manifest, weights } = await packed(randomGenerator(seed));
  return loadExpressionModel(manifest, weights);
}

describe('learned expressions at run time', () => {
  it('gives the same codes for the same seed and trigger order, other codes for another seed', async () => {
    const model = await toyModel();
    const a = createGanExpressions(model, 7), b = createGanExpressions(model, 7), c = createGanExpressions(model, 8);
    const seqA = [a({ happy: 1 }, 1), a({ sad: 1 }, 0.5)], seqB = [b({ happy: 1 }, 1), b({ sad: 1 }, 0.5)];
    expect(seqA.map((x) => Array.from(x))).toEqual(seqB.map((x) => Array.from(x)));
    const other = c({ happy: 1 }, 1);
    expect(Array.from(other)).not.toEqual(Array.from(seqA[0]!));
    // Later triggers draw fresh noise: two smiles from one stream differ.
    expect(Array.from(a({ happy: 1 }, 1))).not.toEqual(Array.from(seqA[0]!));
  });

  it('is exactly neutral at intensity 0 and for no emotion, and grows with intensity', async () => {
    const model = await toyModel();
    const z = [0.3, -1, 0.5, 2];
    for (const e of EMOTIONS) {
      expect(Array.from(model.code({ [e]: 1 }, 0, z))).toEqual(new Array(AU_COUNT).fill(0));
    }
    expect(Array.from(model.code({}, 1, z))).toEqual(new Array(AU_COUNT).fill(0));
    expect(Array.from(model.code({ neutral: 1 }, 1, z))).toEqual(new Array(AU_COUNT).fill(0));
    const small = model.code({ happy: 1 }, 0.01, z);
    expect(Math.max(...small.map(Math.abs))).toBeLessThan(0.05);
    expect(Math.max(...model.code({ happy: 1 }, 1, z).map(Math.abs))).toBeGreaterThan(0);
  });

  it('uses the rig prototype for emotions it has not learned, and blends linearly with shared noise', async () => {
    const model = await toyModel();
    expect(model.learned[GAN_EMOTIONS.indexOf('contempt')]).toBe(false);
    const z = [1, 0, -1, 0.5];
    const contempt = model.code({ contempt: 1 }, 0.6, z);
    const proto = codeFromEmotions({ contempt: 1 }, 0.6);
    for (let a = 0; a < AU_COUNT; a++) expect(contempt[a]!).toBeCloseTo(proto[a]!, 12);
    // happy 0.6 + surprised 0.4 (sum 1): the weighted mix of the two codes at full intensity.
    const blend = model.code({ happy: 0.6, surprised: 0.4 }, 1, z);
    const h = model.code({ happy: 1 }, 1, z), s = model.code({ surprised: 1 }, 1, z);
    for (let a = 0; a < AU_COUNT; a++) expect(blend[a]!).toBeCloseTo(0.6 * h[a]! + 0.4 * s[a]!, 12);
  });

  it('never leaves the range of real codes', async () => {
    const narrow = { lo: new Float64Array(AU_COUNT).fill(-0.01), hi: new Float64Array(AU_COUNT).fill(0.02) };
    const { manifest, weights } = await packed(randomGenerator(5), EXPRESSION_MODEL_VERSION, undefined, narrow);
    const model = await loadExpressionModel(manifest, weights);
    const code = model.code({ happy: 0.5, sad: 0.5, contempt: 0.3 }, 1, [2, -2, 1, 0]);
    expect(Math.max(...code)).toBeLessThanOrEqual(0.02);
    expect(Math.min(...code)).toBeGreaterThanOrEqual(-0.01);
    expect(Math.max(...code.map(Math.abs))).toBeGreaterThan(0);
  });

  it('refuses a model of another version, name or with damaged weights', async () => {
    const { manifest, weights } = await packed(randomGenerator(1));
    await expect(loadExpressionModel({ ...manifest, version: 99 }, weights)).rejects.toThrow(/version 99 is not supported/);
    await expect(loadExpressionModel({ ...manifest, name: 'motion-gru' }, weights)).rejects.toThrow(/expected a "expression-gan" model/);
    const bad = weights.slice();
    bad[100] = bad[100]! ^ 0xff;
    await expect(loadExpressionModel(manifest, bad)).rejects.toThrow(/SHA-256/);
    await expect(loadExpressionModel(manifest, weights.subarray(0, weights.byteLength - 4))).rejects.toThrow(/bytes/);
    // A manifest whose architecture does not match its tensors.
    await expect(loadExpressionModel({ ...manifest, architecture: { ...manifest.architecture, noiseDim: 9 } }, weights)).rejects.toThrow(/do not fit/);
  });
});

describe('the learned shape beyond the rig (version 2)', () => {
  const rms = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a, (v, t) => (v - b[t]!) ** 2).reduce((x, y) => x + y, 0) / LANDMARK_COUNT);

  it('adds nothing at neutral, the emotion\'s field at its apex, and follows the intensity', async () => {
    const model = await toyModel();
    expect(model.shape).not.toBeNull();
    const rigWith = expressionRigFor(model), plain = createExpressionRig();
    const face = canonicalFace();
    const zero = new Float64Array(AU_COUNT);
    expect(Array.from(rigWith.apply(face, zero, 0, 0))).toEqual(Array.from(plain.apply(face, zero, 0, 0)));
    const apex = new Float64Array(model.generator.noiseDim);
    const slot = GAN_EMOTIONS.indexOf('surprised');
    const field = toyShape.subarray(slot * N3, (slot + 1) * N3);
    // At the reference apex the amounts are this emotion's alone, 1, and the shape is its field.
    const top = model.referenceCode('surprised');
    const gained = model.code({ surprised: 1 }, 1, apex);
    for (let a = 0; a < AU_COUNT; a++) expect(gained[a]!).toBeCloseTo(toyGains[slot]! * top[a]!, 12);
    const amounts = model.shape!.amounts(top);
    expect(amounts[slot]!).toBeCloseTo(1, 2);
    amounts.forEach((a, k) => { if (k !== slot) expect(a).toBeLessThan(0.01); });
    const extra = model.shape!.addTo(new Float64Array(N3), top);
    expect(rms(extra, field)).toBeLessThan(0.02 * rms(field, new Float64Array(N3)));
    // On the way there it is mostly this emotion's, and smaller.
    const half = model.shape!.amounts(model.code({ surprised: 1 }, 0.5, apex));
    expect(half[slot]!).toBeGreaterThan(0.05);
    expect(half[slot]!).toBeLessThan(1);
    expect(half.indexOf(Math.max(...half))).toBe(slot);
    // The rig adds the shape on top of its fields (before the contact passes, which a smooth 0.5 mm field does not reach).
    const code = model.code({ surprised: 1 }, 1, apex);
    const diff = Float64Array.from(rigWith.apply(face, code, 0, 0), (v, t) => v - plain.apply(face, code, 0, 0)[t]!);
    expect(rms(diff, new Float64Array(N3))).toBeGreaterThan(0.5 * rms(field, new Float64Array(N3)));
  });

  it('takes a photo\'s own learned shape out with its expression, and loads version 1 without it', async () => {
    const model = await toyModel();
    const { createNeutraliser } = await import('./expression-gan.ts');
    const neutral = canonicalFace();
    const code = model.code({ happy: 1 }, 1, new Float64Array(model.generator.noiseDim));
    const smiling = expressionRigFor(model).apply(neutral, code, 0, 0);
    const back = createNeutraliser(model)(smiling);
    const plainBack = createNeutraliser(await (async () => { const p = await packed(randomGenerator(5), 1); return loadExpressionModel(p.manifest, p.weights); })())(smiling);
    // With the shape taken out too, the neutralised face is nearer the true neutral one.
    expect(rms(back, neutral)).toBeLessThan(rms(plainBack, neutral));
    const v1 = await packed(randomGenerator(5), 1);
    expect((await loadExpressionModel(v1.manifest, v1.weights)).shape).toBeNull();
  });

  it('refuses a version 2 model without its shape, and a shape of the wrong size', async () => {
    const none = await packed(randomGenerator(5), 2, undefined, envelope, null);
    await expect(loadExpressionModel(none.manifest, none.weights)).rejects.toThrow(/lacks its shape residual/);
    const model = await toyModel();
    expect(() => createExpressionModel({ ...model, shapeFields: toyShape.subarray(0, N3 * 3) })).toThrow(/shape residual needs 7 x 1404/);
  });
});

describe('how far intensity 1 goes (version 3)', () => {
  it('scales each emotion\'s code by its gain, learned or prototype, and its reference code not', async () => {
    const model = await toyModel();
    expect(Array.from(model.apexGain)).toEqual(Array.from(toyGains));
    const z = [0.4, -0.2, 1, 0];
    const plain = createExpressionModel({ ...model, apexGain: null });
    for (const e of GAN_EMOTIONS) {
      const k = GAN_EMOTIONS.indexOf(e);
      for (const t of [0.3, 1]) {
        const a = model.code({ [e]: 1 }, t, z), b = plain.code({ [e]: 1 }, t, z);
        for (let u = 0; u < AU_COUNT; u++) expect(a[u]!).toBeCloseTo(toyGains[k]! * b[u]!, 12);
      }
      expect(Array.from(model.referenceCode(e))).toEqual(Array.from(plain.code({ [e]: 1 }, 1, new Float64Array(model.generator.noiseDim))));
    }
    // A blend mixes the gained codes; a rig prototype takes its gain too.
    const blend = model.code({ happy: 0.5, surprised: 0.5 }, 1, z), h = model.code({ happy: 1 }, 1, z), s = model.code({ surprised: 1 }, 1, z);
    for (let u = 0; u < AU_COUNT; u++) expect(blend[u]!).toBeCloseTo(0.5 * h[u]! + 0.5 * s[u]!, 12);
    const strongContempt = createExpressionModel({ ...model, apexGain: [1, 1, 1, 1, 1, 1, 1.4] });
    const proto = codeFromEmotions({ contempt: 1 }, 0.5), c = strongContempt.code({ contempt: 1 }, 0.5, z);
    for (let u = 0; u < AU_COUNT; u++) expect(c[u]!).toBeCloseTo(1.4 * proto[u]!, 12);
  });

  it('moves what was learned at the generator\'s intensity 1 by the gain: the learned shape reads it as its amount', async () => {
    const model = await toyModel();
    const slot = GAN_EMOTIONS.indexOf('surprised');
    const amounts = model.shape!.amounts(model.code({ surprised: 1 }, 1, new Float64Array(model.generator.noiseDim)));
    expect(amounts[slot]!).toBeCloseTo(toyGains[slot]!, 2);
  });

  it('loads version 2 with gains of 1, refuses version 3 without its gains or with gains out of range', async () => {
    const v2 = await packed(randomGenerator(5), 2);
    expect(Array.from((await loadExpressionModel(v2.manifest, v2.weights)).apexGain)).toEqual(new Array(GAN_EMOTIONS.length).fill(1));
    const none = await packed(randomGenerator(5), 3, undefined, envelope, toyShape, null);
    await expect(loadExpressionModel(none.manifest, none.weights)).rejects.toThrow(/lacks its apex gains/);
    const weak = await packed(randomGenerator(5), 3, undefined, envelope, toyShape, [1, 1, 0.5, 1, 1, 1, 1]);
    await expect(loadExpressionModel(weak.manifest, weak.weights)).rejects.toThrow(/apex gains must be 7 numbers from 1 to 3/);
    const g = randomGenerator(5);
    const tensors = modelTensors(space, g, envelope, toyShape, { gain: toyGains, clearMean: toyClearMean }).map((t) => (t.name === 'code.apexGain' ? { ...t, shape: [2], data: [1, 1] } : t));
    const { name, version, created, architecture, training, metrics } = none.manifest;
    const wrong = await encodeModel({ name, version, created, architecture, training, metrics }, tensors);
    await expect(loadExpressionModel(wrong.manifest, wrong.weights)).rejects.toThrow(/apex gains must be 7 numbers/);
    const model = await toyModel();
    expect(() => createExpressionModel({ ...model, apexGain: [1, 1, 1, Number.NaN, 1, 1, 1] })).toThrow(/apex gains need 7 positive numbers/);
  });
});

describe('the neutraliser\'s removal floor (version 4)', () => {
  /** The toy model packed at `version` over a space with the given floor; `drop` leaves the floor tensor out. */
  async function withFloor(floor: Float64Array | null, version = EXPRESSION_MODEL_VERSION, drop = false) {
    const g = randomGenerator(5);
    const s: ExpressionSpace = floor ? { ...space, removalFloor: floor } : space;
    const tensors = modelTensors(s, g, envelope, toyShape, { gain: toyGains, clearMean: toyClearMean }).filter((t) => !(drop && t.name === 'space.removalFloor'));
    const base = await packed(g, version);
    const { name, created, architecture, training, metrics } = base.manifest;
    return encodeModel({ name, version, created, architecture, training, metrics }, tensors);
  }
  const rms = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a, (v, t) => (v - b[t]!) ** 2).reduce((x, y) => x + y, 0) / LANDMARK_COUNT);

  it('takes out only the code above the floor at rest: a resting shape under it stays, an expression over it goes', async () => {
    const { createApexNeutral, createNeutraliser, createPhotoExpression } = await import('./expression-gan.ts');
    const floor = new Float64Array(AU_COUNT).fill(0.02);
    const u12 = [ACTION_UNITS.indexOf('AU12L'), ACTION_UNITS.indexOf('AU12R')];
    for (const a of u12) floor[a] = 0.5;
    const p = await withFloor(floor);
    const model = await loadExpressionModel(p.manifest, p.weights);
    expect(Array.from(model.space.removalFloor!)).toEqual(Array.from(floor, Math.fround));
    const rig = createExpressionRig();
    const code = (v: number) => { const c = new Float64Array(AU_COUNT); for (const a of u12) c[a] = v; return c; };
    const face = (v: number) => rig.apply(canonicalFace(), code(v), 0, 0);
    const rest = createNeutraliser(model), apex = createApexNeutral(model)!;
    // Corners pulled by 0.3 (under the floor): the face at rest is the photo's own.
    expect(rms(rest(face(0.3)), face(0.3))).toBeLessThan(1e-9);
    // The face expressions are drawn on loses the code above the mean neutral code (0.02): nearer the plain face.
    expect(rms(apex.neutralise(face(0.3)), face(0))).toBeLessThan(0.25 * rms(face(0.3), face(0)));
    // A smile of 1.2: at rest what is above the floor goes (0.7 of it), so the face sits between.
    const smile = rest(face(1.2));
    expect(rms(smile, face(0.5))).toBeLessThan(0.1 * rms(face(1.2), face(0.5)));
    // The detail's rest reads the photo's code against the mean neutral code, with a floor or without.
    const mild = createPhotoExpression(model)(face(0.3));
    const drop = await withFloor(null, 3, true);
    const plainModel = await loadExpressionModel(drop.manifest, drop.weights);
    const plain = createPhotoExpression(plainModel)(face(0.3));
    for (const a of u12) {
      expect(mild[a]!).toBeGreaterThan(0.2);
      expect(mild[a]!).toBeCloseTo(plain[a]!, 6);
    }
    // Without a learned floor, rest and apex are one face.
    expect(createApexNeutral(plainModel)).toBeNull();
  });

  it('moves a face from rest to the expressions\' face by how much expression a code shows', async () => {
    const { createApexNeutral } = await import('./expression-gan.ts');
    const { PLAIN_INTENSITY } = await import('../language/modifiers.ts');
    const p = await withFloor(new Float64Array(AU_COUNT).fill(0.3));
    const model = await loadExpressionModel(p.manifest, p.weights);
    const { strength } = createApexNeutral(model)!;
    expect(strength(new Float64Array(AU_COUNT))).toBe(0);
    for (const e of GAN_EMOTIONS) {
      const ref = model.referenceCode(e);
      const scaled = (t: number) => Float64Array.from(ref, (v) => v * t);
      // A plain emotion and anything stronger reach the expressions' face; less goes part of the way, in proportion.
      expect(strength(scaled(PLAIN_INTENSITY))).toBeCloseTo(1, 2);
      expect(strength(scaled(2))).toBe(1);
      expect(strength(scaled(PLAIN_INTENSITY / 2))).toBeCloseTo(0.5, 2);
      const walk = [0.1, 0.2, 0.4, 0.6].map((t) => strength(scaled(t)));
      for (let k = 1; k < walk.length; k++) expect(walk[k]!).toBeGreaterThan(walk[k - 1]!);
    }
    expect(strength(Float64Array.from({ length: AU_COUNT }, () => Number.NaN))).toBe(0);
  });

  it('loads version 3 without a floor (the mean neutral code takes out), refuses version 4 without it or of the wrong size', async () => {
    // A space without a learned floor packs no floor tensor (what train expressions --removal-floor mean ships: version 3's tensors).
    const { removalFloor: _unused, ...plainSpace } = space;
    expect(modelTensors(plainSpace, randomGenerator(5), envelope, toyShape, { gain: toyGains, clearMean: toyClearMean }).some((t) => t.name === 'space.removalFloor')).toBe(false);
    const v3 = await withFloor(null, 3, true);
    const m3 = await loadExpressionModel(v3.manifest, v3.weights);
    expect(m3.space.removalFloor).toBeUndefined();
    const none = await withFloor(null, 4, true);
    await expect(loadExpressionModel(none.manifest, none.weights)).rejects.toThrow(/lacks its removal floor/);
    const tensors = modelTensors(space, randomGenerator(5), envelope, toyShape, { gain: toyGains, clearMean: toyClearMean }).map((t) => (t.name === 'space.removalFloor' ? { ...t, shape: [3], data: [0, 0, 0] } : t));
    const { name, version, created, architecture, training, metrics } = none.manifest;
    const short = await encodeModel({ name, version, created, architecture, training, metrics }, tensors);
    await expect(loadExpressionModel(short.manifest, short.weights)).rejects.toThrow(/removal floor must be 19 finite numbers/);
  });
});

describe('emotions played from the data\'s mean (meanFor)', () => {
  it('plays the clear-face mean times the intensity and the gain, without noise, and reads amounts against the mean', async () => {
    const learned = GAN_EMOTIONS.filter((e) => e !== 'contempt' && e !== 'surprised');
    const p = await packed(randomGenerator(5), 3, learned, envelope, toyShape, toyGains, ['surprised']);
    const model = await loadExpressionModel(p.manifest, p.weights);
    const k = GAN_EMOTIONS.indexOf('surprised');
    const mean = toyClearMean.subarray(k * AU_COUNT, (k + 1) * AU_COUNT);
    for (const z of [[0, 0, 0, 0], [2, -1, 0.5, 1]]) {
      const c = model.code({ surprised: 1 }, 0.6, z);
      for (let a = 0; a < AU_COUNT; a++) expect(c[a]!).toBeCloseTo(0.6 * toyGains[k]! * mean[a]!, 6);
    }
    const ref = model.referenceCode('surprised');
    for (let a = 0; a < AU_COUNT; a++) expect(ref[a]!).toBeCloseTo(mean[a]!, 6);
    // The other emotions still come from the generator (noise moves them).
    expect(Array.from(model.code({ happy: 1 }, 1, [2, -1, 0.5, 1]))).not.toEqual(Array.from(model.code({ happy: 1 }, 1, [0, 0, 0, 0])));
  });

  it('refuses an unknown emotion in meanFor, one the generator also plays, and meanFor without the means', async () => {
    const unknown = await packed(randomGenerator(5), 3, undefined, envelope, toyShape, toyGains, ['joy']);
    await expect(loadExpressionModel(unknown.manifest, unknown.weights)).rejects.toThrow(/meanFor must list emotions/);
    const both = await packed(randomGenerator(5), 3, undefined, envelope, toyShape, toyGains, ['happy']);
    await expect(loadExpressionModel(both.manifest, both.weights)).rejects.toThrow(/both from the generator and from the data's mean/);
    const v2 = await packed(randomGenerator(5), 2, GAN_EMOTIONS.filter((e) => e === 'happy'), envelope, toyShape, null, ['surprised']);
    await expect(loadExpressionModel(v2.manifest, v2.weights)).rejects.toThrow(/holds none/);
  });
});

describe('learned emotions played without their seeded variety (plainFor)', () => {
  const withPlain = async (plainFor: unknown, learned: string[] = GAN_EMOTIONS.filter((e) => e !== 'contempt')) => {
    const p = await packed(randomGenerator(5), 3, learned as never, envelope, toyShape, toyGains);
    return loadExpressionModel({ ...p.manifest, architecture: { ...p.manifest.architecture, plainFor } }, p.weights);
  };

  it('holds that emotion\'s expression noise at 0 at every intensity and in blends, and leaves the others\' noise', async () => {
    const p = await packed(randomGenerator(5), 3, undefined, envelope, toyShape, toyGains);
    const noisy = await loadExpressionModel(p.manifest, p.weights);
    const plain = await withPlain(['angry']);
    expect(plain.plain).toEqual(GAN_EMOTIONS.map((e) => e === 'angry'));
    expect(noisy.plain.every((x) => !x)).toBe(true);
    const zero = [0, 0, 0, 0], z = [1.5, -0.5, 0.2, 1];
    for (const t of [0.25, 0.8, 1]) {
      // The generator's own code at noise 0, whatever noise is passed; the noisy model differs there (so the check can fail).
      expect(Array.from(plain.code({ angry: 1 }, t, z))).toEqual(Array.from(noisy.code({ angry: 1 }, t, zero)));
      expect(Array.from(noisy.code({ angry: 1 }, t, z))).not.toEqual(Array.from(noisy.code({ angry: 1 }, t, zero)));
      // Happy keeps its noise, bit for bit as before.
      expect(Array.from(plain.code({ happy: 1 }, t, z))).toEqual(Array.from(noisy.code({ happy: 1 }, t, z)));
    }
    // In a blend, angry's share is plain and happy's noisy: the blend is the mix of the two shares.
    const blend = plain.code({ happy: 0.5, angry: 0.5 }, 1, z);
    const happyShare = noisy.code({ happy: 1 }, 1, z), angryShare = noisy.code({ angry: 1 }, 1, zero);
    for (let u = 0; u < AU_COUNT; u++) expect(blend[u]!).toBeCloseTo(0.5 * happyShare[u]! + 0.5 * angryShare[u]!, 9);
    // The reference code (noise 0 already) is unchanged, so what reads amounts against it is too.
    expect(Array.from(plain.referenceCode('angry'))).toEqual(Array.from(noisy.referenceCode('angry')));
  });

  it('refuses an unknown emotion in plainFor, one the generator does not play, and a plain slot without the generator', async () => {
    await expect(withPlain(['grumpy'])).rejects.toThrow(/plainFor must list emotions/);
    await expect(withPlain('angry')).rejects.toThrow(/plainFor must list emotions/);
    await expect(withPlain(['contempt'])).rejects.toThrow(/plays contempt from the generator without noise \(plainFor\), but the generator does not play it/);
    const model = await toyModel();
    expect(() => createExpressionModel({ ...model, learned: GAN_EMOTIONS.map((e) => e === 'happy'), plain: GAN_EMOTIONS.map((e) => e === 'angry') })).toThrow(/plays angry from the generator without noise \(plainFor\), but the generator does not play it/);
  });
});

describe('action units an emotion holds at neutral (heldUnits)', () => {
  const smile = ['AU6', 'AU12L', 'AU12R', 'AU14L', 'AU14R'];
  const withHeld = async (heldUnits: unknown, meanFor: string[] = []) => {
    const learned = GAN_EMOTIONS.filter((e): e is Exclude<(typeof GAN_EMOTIONS)[number], 'contempt'> => e !== 'contempt' && !meanFor.includes(e));
    const p = await packed(randomGenerator(5), 3, learned, envelope, toyShape, toyGains, meanFor);
    return loadExpressionModel({ ...p.manifest, architecture: { ...p.manifest.architecture, heldUnits } }, p.weights);
  };

  it('leaves the held units out of that emotion\'s share only, noise kept, and out of its reference code', async () => {
    const p = await packed(randomGenerator(5), 3, undefined, envelope, toyShape, toyGains);
    const plain = await loadExpressionModel(p.manifest, p.weights);
    const held = await withHeld({ angry: smile });
    const gone = smile.map((u) => ACTION_UNITS.indexOf(u as (typeof ACTION_UNITS)[number]));
    for (const z of [[0, 0, 0, 0], [1.5, -0.5, 0.2, 1]]) {
      const a = held.code({ angry: 1 }, 0.8, z), b = plain.code({ angry: 1 }, 0.8, z);
      for (let u = 0; u < AU_COUNT; u++) expect(a[u]!, ACTION_UNITS[u]).toBe(gone.includes(u) ? 0 : b[u]!);
      // Another emotion is untouched, bit for bit.
      expect(Array.from(held.code({ happy: 1 }, 0.8, z))).toEqual(Array.from(plain.code({ happy: 1 }, 0.8, z)));
      // In a blend, happy's share of the smile stays and angry's goes: the held code is the blend minus angry's share of those units.
      const blend = held.code({ happy: 0.5, angry: 0.5 }, 1, z), plainBlend = plain.code({ happy: 0.5, angry: 0.5 }, 1, z);
      const angryShare = plain.code({ angry: 1 }, 1, z), happyShare = plain.code({ happy: 1 }, 1, z);
      for (const u of gone) expect(blend[u]!).toBeCloseTo(0.5 * happyShare[u]!, 9);
      for (const u of gone) expect(plainBlend[u]!).toBeCloseTo(0.5 * happyShare[u]! + 0.5 * angryShare[u]!, 9);
    }
    const ref = held.referenceCode('angry'), plainRef = plain.referenceCode('angry');
    for (let u = 0; u < AU_COUNT; u++) expect(ref[u]!).toBe(gone.includes(u) ? 0 : plainRef[u]!);
    // The learned shape reads its amounts against the held reference: angry's own code still reads as angry at its gain.
    const amounts = held.shape!.amounts(held.code({ angry: 1 }, 1, [0, 0, 0, 0]));
    expect(amounts[GAN_EMOTIONS.indexOf('angry')]!).toBeCloseTo(toyGains[GAN_EMOTIONS.indexOf('angry')]!, 2);
  });

  it('holds units of an emotion played from the data\'s mean or the rig\'s prototype as well', async () => {
    const held = await withHeld({ surprised: ['AU26'], contempt: ['AU12L'] }, ['surprised']);
    expect(held.code({ surprised: 1 }, 1, [0, 0, 0, 0])[ACTION_UNITS.indexOf('AU26')]).toBe(0);
    expect(held.code({ contempt: 1 }, 1, [0, 0, 0, 0])[ACTION_UNITS.indexOf('AU12L')]).toBe(0);
    expect(held.code({ contempt: 1 }, 1, [0, 0, 0, 0])[ACTION_UNITS.indexOf('AU14L')]).toBeGreaterThan(0);
  });

  it('reads the manifest\'s map and refuses what the model does not have', async () => {
    expect(heldUnitsOf(undefined).every((s) => s.length === 0)).toBe(true);
    const slots = heldUnitsOf({ angry: ['AU12R', 'AU6', 'AU6'] });
    expect(slots[GAN_EMOTIONS.indexOf('angry')]).toEqual([ACTION_UNITS.indexOf('AU12R'), ACTION_UNITS.indexOf('AU6')]);
    await expect(withHeld({ grumpy: ['AU6'] })).rejects.toThrow(/holds units for "grumpy"/);
    await expect(withHeld({ angry: ['AU99'] })).rejects.toThrow(/holds "AU99" for angry/);
    await expect(withHeld({ angry: 'AU6' })).rejects.toThrow(/must be a list of action units/);
    await expect(withHeld(['angry'])).rejects.toThrow(/must map emotions to lists/);
  });
});

describe.runIf(existsSync(path.join(DEFAULT_EXPRESSION_MODEL_DIR, 'manifest.json')))('the shipped model (models/expression-gan)', () => {
  it('loads, smiles for happy, varies a little between seeds, and keeps blends within the range of real codes', async () => {
    const model = await readExpressionModel();
    expect(model.space.mean.length).toBe(N3);
    const z = Array.from({ length: model.generator.noiseDim }, () => 0);
    const happy = model.code({ happy: 1 }, 1, z);
    const au12 = (ACTION_UNITS.indexOf('AU12L'));
    expect(happy[au12]!).toBeGreaterThan(0.1);
    const a = createGanExpressions(model, 1)({ happy: 1 }, 1), b = createGanExpressions(model, 2)({ happy: 1 }, 1);
    const d = Math.hypot(...Array.from(a, (v, k) => v - b[k]!));
    expect(d).toBeGreaterThan(1e-4);
    expect(d).toBeLessThan(Math.hypot(...a));
    const rng = createRng(3);
    const learned = GAN_EMOTIONS.filter((_, k) => model.learned[k]);
    const slack = 1e-12;
    for (let k = 0; k < 300; k++) {
      const w: Record<string, number> = {};
      for (const e of learned) if (rng() < 0.5) w[e] = rng();
      const code = model.code(w, rng(), Array.from({ length: model.generator.noiseDim }, () => gaussian(rng) * model.noiseScale));
      for (let u = 0; u < AU_COUNT; u++) {
        expect(code[u]!).toBeGreaterThanOrEqual(model.envelope.lo[u]! - slack);
        expect(code[u]!).toBeLessThanOrEqual(model.envelope.hi[u]! + slack);
      }
    }
  });

  it('plays the hand-set codes its manifest records for fearful and disgusted (architecture.codeFor), times the gain, inside the envelope, without noise', async () => {
    const model = await readExpressionModel();
    const arch = model.manifest.architecture as { codeFor?: Record<string, Record<string, number>>; meanFor?: string[]; apex?: { gains?: Record<string, number> } };
    expect(Object.keys(arch.codeFor ?? {}).sort()).toEqual(['disgusted', 'fearful']);
    for (const e of ['fearful', 'disgusted'] as const) {
      expect(arch.meanFor).toContain(e);
      const given = arch.codeFor![e]!, gain = arch.apex!.gains![e]!;
      const ref = model.referenceCode(e);
      const code = model.code({ [e]: 1 }, 1, Array.from({ length: model.generator.noiseDim }, () => 0));
      const other = model.code({ [e]: 1 }, 1, Array.from({ length: model.generator.noiseDim }, (_, j) => j - 1));
      ACTION_UNITS.forEach((u, a) => {
        const inEnvelope = (v: number) => Math.min(Math.max(v, Math.min(model.envelope.lo[a]!, 0)), Math.max(model.envelope.hi[a]!, 0));
        expect(ref[a]!).toBeCloseTo(inEnvelope(given[u] ?? 0), 6); // the code before the gain
        expect(code[a]!).toBeCloseTo(inEnvelope(gain * (given[u] ?? 0)), 5);
        expect(other[a]!).toBe(code[a]!); // no noise
      });
    }
  });

  it('plays angry from the generator without its seeded variety (architecture.plainFor), happy with it', async () => {
    const model = await readExpressionModel();
    const arch = model.manifest.architecture as { plainFor?: string[]; learned?: string[] };
    expect(arch.plainFor).toEqual(['angry']);
    expect(arch.learned).toEqual(['happy', 'angry']);
    expect(model.plain).toEqual(GAN_EMOTIONS.map((e) => e === 'angry'));
    const rng = createRng(5);
    const zero = Array.from({ length: model.generator.noiseDim }, () => 0);
    const noise = Array.from({ length: model.generator.noiseDim }, () => gaussian(rng));
    const gain = model.apexGain[GAN_EMOTIONS.indexOf('angry')]!;
    const ref = model.referenceCode('angry');
    for (const t of [0.3, 0.8, 1]) {
      const a = model.code({ angry: 1 }, t, noise), b = model.code({ angry: 1 }, t, zero);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    // At intensity 1: the reference code times the gain (inside the envelope).
    const apex = model.code({ angry: 1 }, 1, noise);
    ACTION_UNITS.forEach((u, a) => {
      const inEnvelope = (v: number) => Math.min(Math.max(v, Math.min(model.envelope.lo[a]!, 0)), Math.max(model.envelope.hi[a]!, 0));
      expect(apex[a]!, u).toBeCloseTo(inEnvelope(gain * ref[a]!), 9);
    });
    // Happy still varies with the noise.
    const h0 = model.code({ happy: 1 }, 1, zero), h1 = model.code({ happy: 1 }, 1, noise);
    expect(Math.hypot(...Array.from(h1, (v, a) => v - h0[a]!))).toBeGreaterThan(0.05);
    // Angry's held units stay held.
    for (const u of ['AU6', 'AU12L', 'AU12R', 'AU14L', 'AU14R'] as const) expect(apex[ACTION_UNITS.indexOf(u)]!).toBe(0);
  });
});
