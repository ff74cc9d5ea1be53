import { beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { createExpressionRig, AU_COUNT } from '../core/rig.ts';
import { faceSetFromSynthetic, PART_DEV, PART_FIT } from './expression-data.ts';
import { frechetScore } from './expression-eval.ts';
import { createExpressionModel, EXPRESSION_MODEL_NAME, expressionModelVersionFor, GAN_EMOTIONS, loadExpressionModel, modelTensors } from './expression-gan.ts';
import { apexGains, buildSpaceFromFaces, clearMeanCodes, codeEnvelope, DEFAULT_SPACE, ganDataOf, intensityLabels, learnedEmotions, readAllCodes, shapeResidualFields } from './expression-pipeline.ts';
import { syntheticFaces } from './expression-synthetic.ts';
import { useWasmBackend } from './expression-tf.ts';
import { DEFAULT_GAN_CONFIG, type GanConfig, mirrorCode, trainGan } from './expression-train.ts';
import { encodeModel } from './manifest.ts';
import { createRng, gaussian } from '../core/rng.ts';

// Synthetic faces only: the rig at per-emotion codes on random people, with noise.
const faces = faceSetFromSynthetic(syntheticFaces({ perEmotion: 150, seed: 11 }), 11);
// Synthetic identity overlaps the fields and dwarfs the class means: the plain PCA of neutral faces.
const { space } = buildSpaceFromFaces(faces, createExpressionRig().basis, null, { ...DEFAULT_SPACE, identityComponents: 6, classMeans: false, identityFrom: 'faces' }, 11);
const { codes } = readAllCodes(faces, space);
const { intensity } = intensityLabels(faces, codes, space);
const learned = learnedEmotions(faces);
const data = ganDataOf(faces, codes, intensity, [PART_FIT]);
const small: GanConfig = { ...DEFAULT_GAN_CONFIG, batch: 64, steps: 600, ema: 0.9, learned, seed: 3 };

let tf: typeof TF;
beforeAll(async () => { tf = await useWasmBackend(); });

describe('training the expression GAN (synthetic faces)', () => {
  it('reads codes close to the ones the faces were made with', () => {
    expect(learned).toEqual(GAN_EMOTIONS.map((e) => e !== 'contempt'));
    expect(data.n).toBeGreaterThan(700);
    expect(Math.max(...space.neutralCode)).toBeLessThan(0.05);
  });

  it('brings generated codes towards the real ones, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const scores: number[] = [];
    const r = await trainGan(tf, data, small, {
      every: 150,
      validate: (_s, g) => { const s = frechetScore(g, faces, codes, intensity, learned, PART_DEV, 1).score; scores.push(s); return s; },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.steps).toBe(600);
    expect(r.history.length).toBeGreaterThan(10);
    for (const h of r.history) expect(Number.isFinite(h.dLoss) && Number.isFinite(h.gLoss)).toBe(true);
    // The score (mean per-emotion Fréchet distance to held-out dev codes) falls well below the first one.
    expect(scores.length).toBe(4);
    expect(Math.min(...scores.slice(1))).toBeLessThan(0.6 * scores[0]!);
    // The kept generator is the best one seen.
    const kept = frechetScore(r.generator, faces, codes, intensity, learned, PART_DEV, 1).score;
    expect(kept).toBeCloseTo(Math.min(...scores), 8);

    // Packed, loaded back and run: intensity 0 is neutral, blends stay within the range of real codes.
    const envelope = codeEnvelope(faces, codes, space);
    // Synthetic faces are made by the rig's fields alone: the shape beyond them is small (noise).
    const shape = shapeResidualFields(faces, codes, intensity, space, learned);
    for (const [e, f] of Object.entries(shape.figures)) expect(f.rms, e).toBeLessThan(0.05);
    const apexGain = apexGains(faces, codes, intensity);
    for (const g of apexGain) expect(g >= 1 && g < 3).toBe(true);
    const { manifest, weights } = await encodeModel({
      name: EXPRESSION_MODEL_NAME, version: expressionModelVersionFor(space), created: 'test',
      architecture: { conditions: GAN_EMOTIONS, noiseDim: r.generator.noiseDim, nuisanceDim: r.generator.nuisanceDim, expressionLayers: r.generator.expression.length, nuisanceLayers: r.generator.nuisance.length, learned: GAN_EMOTIONS.filter((_, k) => learned[k]) },
      training: { command: 'test', seed: 3, seconds: 0, data: {} }, metrics: {},
    }, modelTensors(space, r.generator, envelope, shape.fields, { gain: apexGain, clearMean: clearMeanCodes(faces, codes, intensity).means }));
    const model = await loadExpressionModel(manifest, weights);
    expect(model.shape).not.toBeNull();
    const direct = createExpressionModel({ manifest, space, generator: r.generator, learned, envelope, apexGain });
    const rng = createRng(9);
    for (let k = 0; k < 200; k++) {
      const z = Array.from({ length: model.generator.noiseDim }, () => gaussian(rng));
      const w = { happy: rng(), surprised: rng(), sad: rng() < 0.3 ? rng() : 0 };
      const t = rng();
      const code = model.code(w, t, z);
      const same = direct.code(w, t, z);
      for (let a = 0; a < AU_COUNT; a++) {
        expect(code[a]!).toBeCloseTo(same[a]!, 5);
        expect(code[a]!).toBeGreaterThanOrEqual(envelope.lo[a]! - 0.05);
        expect(code[a]!).toBeLessThanOrEqual(envelope.hi[a]! + 0.05);
      }
      expect(Array.from(model.code(w, 0, z))).toEqual(new Array(AU_COUNT).fill(0));
    }
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) => (await trainGan(tf, data, { ...small, steps: 25, seed })).generator.expression.map((l) => Array.from(l.w));
    const a = await run(4), b = await run(4), c = await run(5);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('mirrors codes by swapping left and right units', () => {
    const code = Float64Array.from({ length: AU_COUNT }, (_, a) => a);
    const m = mirrorCode(code);
    expect(Array.from(mirrorCode(m))).toEqual(Array.from(code));
    expect(m[8]).toBe(9); // AU12L <-> AU12R
    expect(m[0]).toBe(0);
  });
});

describe('emotebot train expressions: --shape', () => {
  it('refuses an unknown shape before reading any data, naming the choices', async () => {
    const { runTrainExpressions } = await import('./expression-commands.ts');
    const io = { out: () => {}, err: () => {} };
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--shape', 'median', '--quiet'], io)).rejects.toThrow(/--shape must be "auto", "class-mean" or "intensity-1", got "median"/);
    // A known shape gets as far as the data (which is missing here).
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--shape', 'intensity-1', '--quiet'], io)).rejects.toThrow(/x\.ebds/);
  });
});

describe('emotebot train expressions: --brow-from-texture', () => {
  it('refuses an empty list or an unknown emotion before reading any data', async () => {
    const { runTrainExpressions } = await import('./expression-commands.ts');
    const io = { out: () => {}, err: () => {} };
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--brow-from-texture', 'sad,grumpy', '--quiet'], io)).rejects.toThrow(/--brow-from-texture: "grumpy" is not one of happy, sad/);
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--brow-from-texture', ' , ', '--quiet'], io)).rejects.toThrow(/--brow-from-texture needs emotions/);
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--brow-from-texture', 'neutral', '--quiet'], io)).rejects.toThrow(/"neutral" is not one of/);
    // Known lists (and "all") get as far as the data (which is missing here).
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--brow-from-texture', 'sad, angry', '--quiet'], io)).rejects.toThrow(/x\.ebds/);
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--brow-from-texture', 'all', '--quiet'], io)).rejects.toThrow(/x\.ebds/);
  });
});

describe('emotebot train expressions: --lids-from-texture', () => {
  it('refuses an empty list or an unknown emotion before reading any data, and takes known ones and "all"', async () => {
    const { runTrainExpressions } = await import('./expression-commands.ts');
    const { parseEmotionList } = await import('../cli/options.ts');
    const { GAN_EMOTIONS } = await import('./expression-gan.ts');
    const io = { out: () => {}, err: () => {} };
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--lids-from-texture', 'surprised,amazed', '--quiet'], io)).rejects.toThrow(/--lids-from-texture: "amazed" is not one of happy, sad/);
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--lids-from-texture', '', '--quiet'], io)).rejects.toThrow(/--lids-from-texture needs emotions/);
    await expect(runTrainExpressions(['--data', '/nonexistent/x.ebds', '--lids-from-texture', 'surprised', '--quiet'], io)).rejects.toThrow(/x\.ebds/);
    expect(parseEmotionList(' surprised , fearful', 'lids-from-texture', GAN_EMOTIONS)).toEqual({ list: ['surprised', 'fearful'], all: false });
    expect(parseEmotionList('all', 'lids-from-texture', GAN_EMOTIONS).all).toBe(true);
    expect(parseEmotionList(undefined, 'lids-from-texture', GAN_EMOTIONS)).toEqual({ list: [], all: false });
  });
});

describe('emotebot train expressions: --hold-units', () => {
  it('reads <emotions>:<units> into the manifest\'s map, repeatable, in the rig\'s unit order', async () => {
    const { parseHeldUnits } = await import('./expression-commands.ts');
    expect(parseHeldUnits([])).toEqual({});
    expect(parseHeldUnits(['angry, disgusted:AU12R,AU6', 'angry:AU14L'])).toEqual({ angry: ['AU6', 'AU12R', 'AU14L'], disgusted: ['AU6', 'AU12R'] });
  });

  it('refuses a malformed value, an unknown emotion or unit, before reading any data', async () => {
    const { runTrainExpressions } = await import('./expression-commands.ts');
    const io = { out: () => {}, err: () => {} };
    const run = (v: string) => runTrainExpressions(['--data', '/nonexistent/x.ebds', '--hold-units', v, '--quiet'], io);
    await expect(run('angry')).rejects.toThrow(/--hold-units needs <emotions>:<units>/);
    await expect(run('angry:')).rejects.toThrow(/--hold-units needs <emotions>:<units>/);
    await expect(run(':AU6')).rejects.toThrow(/--hold-units needs <emotions>:<units>/);
    await expect(run('angry:AU6:AU7')).rejects.toThrow(/--hold-units needs <emotions>:<units>/);
    await expect(run('neutral:AU6')).rejects.toThrow(/--hold-units: "neutral" is not one of happy/);
    await expect(run('angry:AU12')).rejects.toThrow(/--hold-units: "AU12" is not one of the action units/);
    // A good value gets as far as the data (which is missing here).
    await expect(run('angry,disgusted:AU6,AU12L')).rejects.toThrow(/x\.ebds/);
  });
});

describe('emotebot train expressions: --plain-for', () => {
  it('refuses an unknown emotion, or one another option already plays, before reading any data', async () => {
    const { runTrainExpressions } = await import('./expression-commands.ts');
    const io = { out: () => {}, err: () => {} };
    const run = (v: string, ...more: string[]) => runTrainExpressions(['--data', '/nonexistent/x.ebds', '--plain-for', v, ...more, '--quiet'], io);
    await expect(run('angry,scared')).rejects.toThrow(/--plain-for: "scared" is not one of happy/);
    await expect(run('angry', '--rig-for', 'sad,angry')).rejects.toThrow(/--plain-for angry: --rig-for also names it/);
    await expect(run('surprised', '--mean-for', 'surprised')).rejects.toThrow(/--plain-for surprised: --mean-for also names it/);
    await expect(run('fearful', '--code-for', 'fearful:AU1=1')).rejects.toThrow(/--plain-for fearful: --code-for also names it/);
    // A good list gets as far as the data (missing here).
    await expect(run('happy, angry')).rejects.toThrow(/x\.ebds/);
  });
});

describe('emotebot train expressions: --code-for', () => {
  it('reads <emotion>:<unit>=<value>,... into a full code in the rig\'s unit order, units not named 0', async () => {
    const { parseCodeFor } = await import('./expression-commands.ts');
    const { ACTION_UNITS } = await import('../core/rig.ts');
    expect(parseCodeFor([])).toEqual({});
    const c = parseCodeFor(['fearful: AU1=1, AU25=1.5,AU26=0.45', 'sad:AU15=-0.5']);
    expect(Object.keys(c)).toEqual(['fearful', 'sad']);
    expect(c.fearful).toHaveLength(ACTION_UNITS.length);
    expect(Array.from(c.fearful!).map((v, a) => (v ? `${ACTION_UNITS[a]}=${v}` : '')).filter(Boolean)).toEqual(['AU1=1', 'AU25=1.5', 'AU26=0.44999998807907104']);
    expect(c.sad![ACTION_UNITS.indexOf('AU15')]).toBe(-0.5);
  });

  it('refuses a malformed value, an unknown emotion or unit, a bad number, a repeat, or an emotion another option plays, before reading any data', async () => {
    const { runTrainExpressions } = await import('./expression-commands.ts');
    const io = { out: () => {}, err: () => {} };
    const run = (v: string, ...more: string[]) => runTrainExpressions(['--data', '/nonexistent/x.ebds', '--code-for', v, ...more, '--quiet'], io);
    await expect(run('fearful')).rejects.toThrow(/--code-for needs <emotion>:<unit>=<value>/);
    await expect(run('fearful:')).rejects.toThrow(/--code-for needs/);
    await expect(run('scared:AU1=1')).rejects.toThrow(/--code-for: "scared" is not one of happy/);
    await expect(run('fearful:AU99=1')).rejects.toThrow(/--code-for: "AU99" is not one of the action units/);
    await expect(run('fearful:AU1=x')).rejects.toThrow(/AU1 needs a number between -3 and 3, got "AU1=x"/);
    await expect(run('fearful:AU1=')).rejects.toThrow(/AU1 needs a number/);
    await expect(run('fearful:AU1=4')).rejects.toThrow(/AU1 needs a number/);
    await expect(run('fearful:AU1=1=2')).rejects.toThrow(/AU1 needs a number/);
    await expect(run('fearful:AU1=1', '--code-for', 'fearful:AU2=1')).rejects.toThrow(/--code-for names fearful twice/);
    await expect(run('fearful:AU1=1', '--rig-for', 'sad,fearful')).rejects.toThrow(/--code-for fearful: --rig-for also names it/);
    await expect(run('surprised:AU1=1', '--mean-for', 'surprised')).rejects.toThrow(/--code-for surprised: --mean-for also names it/);
    // A good value gets as far as the data (missing here).
    await expect(run('fearful:AU1=1,AU5=1')).rejects.toThrow(/x\.ebds/);
  });
});
