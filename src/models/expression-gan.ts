/**
 * The learned expressions at run time (plain typed-array maths: no tfjs, so the page and the
 * CLI run the same numbers): the conditional GAN's generator, from emotion, intensity and noise
 * to an expression code, and the expression space it lives in (mean neutral face, identity
 * basis, the code real neutral faces show). Loads from bytes (decodeModel); the Node loader
 * reading `models/expression-gan/` is in expression-files.ts.
 *
 * The generator has two branches: a nuisance branch N(zn) for what every face shows whatever its
 * emotion (measurement noise of the meshes, identity the basis does not remove, the slight
 * expression of "neutral" photos: what neutral faces vary by), and an expression branch
 * E(e, t, ze) scaled by the intensity:
 *
 *   G(e, t, ze, zn) = softplus(N(zn) + t E(e, t, ze)) x scale,
 *
 * a code in the data's space (the rig's action-unit activations real faces show, read against
 * the population's mean neutral face). At t = 0 it is the neutral faces' distribution whatever
 * the emotion. What the animator gets is the expression relative to the face's own neutral,
 * at the typical nuisance (zn = 0):
 *
 *   code(e, t, ze) = G(e, t, ze, 0) - G(e, 0, ze, 0)
 *
 * exactly 0 at intensity 0. A blend mixes the per-emotion codes with the same noise (weights
 * normalised as codeFromEmotions does), so it stays inside the hull of what real faces do, and
 * every unit is kept within the range real codes showed (the manifest's envelope).
 * Emotions the data had too few faces of (contempt) use the rig's prototype, said so in the
 * manifest.
 *
 * Version 2 adds the learned shape beyond the rig's fields (`shape`, core/shape-residual.ts):
 * per emotion, the mean of what real faces of it do that the fields at their own codes leave
 * out, added by the rig in proportion to the emotion amounts the code shows.
 *
 * Version 3 adds how far intensity 1 goes (`code.apexGain`, expression-pipeline.ts apexGains):
 * per emotion, code(e, t, ze) above is multiplied by g_e, which puts intensity 1 at a percentile
 * of real faces of e (92.5th as shipped) where the generator's intensity 1 is the mean of the
 * clearest tenth. What was learned at the generator's intensity 1 (the detail layer, the mouth,
 * the learned shape) reads its amounts against `referenceCode`, the code before the gain, so
 * it follows the gain. It also holds each emotion's mean code over its clearest real faces
 * (`code.clearMean`); the emotions the manifest's `meanFor` names play that mean at run time
 * (times the intensity and the gain, no noise), as `--rig-for` emotions play the rig's prototype.
 *
 * A manifest may also name, per emotion, action units its code holds at the face's neutral
 * (`architecture.heldUnits`, `train expressions --hold-units`): they are left out of that
 * emotion's share of every code (generator, mean or prototype alike, noise kept) and of its
 * reference code, so what reads amounts against it (learned shape, detail, mouth) follows.
 * The weights are unchanged by it.
 *
 * And it may name learned emotions the generator plays without their seeded variety
 * (`architecture.plainFor`, `train expressions --plain-for`): their share of a code takes ze = 0
 * whatever noise the call passes, code(e, t, 0), the reference code's path through the
 * intensities; the seeded codes' variety reads partly as other emotions to the amounts. The
 * weights are unchanged by it too.
 */
import { type Emotion, type EmotionWeights } from '../core/emotions.ts';
import { createCodeReader, type ExpressionSpace, neutraliseFace, removalFloorOf } from '../core/expression-space.ts';
import { ACTION_UNITS, AU_COUNT, codeFromEmotions, createExpressionRig, type ExpressionRig } from '../core/rig.ts';
import { createScaledAmountReader, createShapeResidual, type ShapeResidual } from '../core/shape-residual.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { PLAIN_INTENSITY } from '../language/modifiers.ts';
import type { ApexNeutraliser } from '../render/pose.ts';
import { decodeModel, ModelError, type LoadedModel } from './manifest.ts';

export const EXPRESSION_MODEL_NAME = 'expression-gan';
/**
 * 4: with the neutraliser's learned floor (`space.removalFloor`; train expressions --removal-floor learned);
 * 3: with the apex gains (`code.apexGain`); 2 (shape residual, no gains) and 1 (neither) still load, with gains of 1.
 * Versions before 4 take photos' codes out above the mean neutral code.
 */
export const EXPRESSION_MODEL_VERSION = 4;
export const EXPRESSION_MODEL_VERSIONS: readonly number[] = [1, 2, 3, EXPRESSION_MODEL_VERSION];

/** The version a model of this space is written as: 4 with a learned removal floor, else 3 (whose tensors it then has, byte for byte). */
export function expressionModelVersionFor(space: ExpressionSpace): number {
  return space.removalFloor ? EXPRESSION_MODEL_VERSION : 3;
}

/** The generator's condition slots: every emotion but neutral (neutral is intensity 0). */
export const GAN_EMOTIONS = ['happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted', 'contempt'] as const satisfies readonly Emotion[];
export type GanEmotion = (typeof GAN_EMOTIONS)[number];
export const COND_DIM = GAN_EMOTIONS.length + 1;

const MESH_DIM = LANDMARK_COUNT * 3;

/** A dense layer: w is inDim x outDim, row-major. */
export interface DenseLayer { w: Float32Array; b: Float32Array; inDim: number; outDim: number }

export interface GeneratorWeights {
  /** Expression noise (ze) size: the variety of an emotion. */
  noiseDim: number;
  /** Nuisance noise (zn) size. */
  nuisanceDim: number;
  /** [GAN_EMOTIONS weights, intensity, ze] -> AU_COUNT. */
  expression: DenseLayer[];
  /** zn -> AU_COUNT. */
  nuisance: DenseLayer[];
  /** Per action unit: the code is softplus(N + t E) * scale. */
  scale: Float32Array;
}

/** Leaky ReLU with slope 0.2, written as training writes it (0.6 x + 0.4 |x|). */
export const LEAK = 0.2;
const leaky = (x: number) => (x > 0 ? x : LEAK * x);
export const softplus = (x: number) => (x > 20 ? x : Math.log1p(Math.exp(x)));

function mlp(layers: readonly DenseLayer[], input: Float64Array): Float64Array {
  let x = input;
  layers.forEach((layer, li) => {
    const y = new Float64Array(layer.outDim);
    for (let o = 0; o < layer.outDim; o++) y[o] = layer.b[o]!;
    for (let i = 0; i < layer.inDim; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * layer.outDim;
      for (let o = 0; o < layer.outDim; o++) y[o] = y[o]! + xi * layer.w[row + o]!;
    }
    if (li < layers.length - 1) for (let o = 0; o < layer.outDim; o++) y[o] = leaky(y[o]!);
    x = y;
  });
  return x;
}

/**
 * One generator pass: condition (GAN_EMOTIONS weights), intensity and latent in, raw sample out
 * (an expression code; texture coefficients for the detail model, whose output is `linear`).
 * The latent is [ze (noiseDim), zn (nuisanceDim)]; missing entries are 0 (the typical face).
 */
export function generatorForward(g: GeneratorWeights, cond: ArrayLike<number>, intensity: number, z: ArrayLike<number>, out = new Float64Array(g.scale.length), linear = false): Float64Array {
  const x = new Float64Array(COND_DIM + g.noiseDim);
  for (let k = 0; k < GAN_EMOTIONS.length; k++) x[k] = cond[k] ?? 0;
  x[GAN_EMOTIONS.length] = intensity;
  for (let k = 0; k < g.noiseDim; k++) x[COND_DIM + k] = z[k] ?? 0;
  const zn = Float64Array.from({ length: g.nuisanceDim }, (_, k) => z[g.noiseDim + k] ?? 0);
  const e = intensity === 0 ? null : mlp(g.expression, x);
  const n = mlp(g.nuisance, zn);
  for (let a = 0; a < g.scale.length; a++) {
    const pre = n[a]! + (e ? intensity * e[a]! : 0);
    out[a] = (linear ? pre : softplus(pre)) * g.scale[a]!;
  }
  return out;
}

/** The expression branch alone, t E(e, t, ze) x scale: a linear generator's sample relative to its neutral (zn cancels). */
export function expressionBranch(g: GeneratorWeights, cond: ArrayLike<number>, intensity: number, ze: ArrayLike<number>, out: Float64Array = new Float64Array(g.scale.length)): Float64Array {
  out.fill(0);
  if (intensity === 0) return out;
  const x = new Float64Array(COND_DIM + g.noiseDim);
  for (let k = 0; k < GAN_EMOTIONS.length; k++) x[k] = cond[k] ?? 0;
  x[GAN_EMOTIONS.length] = intensity;
  for (let k = 0; k < g.noiseDim; k++) x[COND_DIM + k] = ze[k] ?? 0;
  const e = mlp(g.expression, x);
  for (let a = 0; a < g.scale.length; a++) out[a] = intensity * e[a]! * g.scale[a]!;
  return out;
}

export interface ExpressionModel {
  readonly manifest: LoadedModel['manifest'];
  readonly space: ExpressionSpace;
  readonly generator: GeneratorWeights;
  /** Per GAN_EMOTIONS slot: learned from data (true) or the rig's prototype (false). */
  readonly learned: readonly boolean[];
  /**
   * Per GAN_EMOTIONS slot: a learned emotion the generator plays without its seeded variety (its
   * expression noise held at 0, whatever noise a call passes), so every call gives its reference
   * code's path through the intensities (`architecture.plainFor`, `train expressions --plain-for`).
   */
  readonly plain: readonly boolean[];
  /** Per action unit: the range of real codes relative to neutral (0.5th and 99.5th percentiles). */
  readonly envelope: { lo: Float64Array; hi: Float64Array };
  /**
   * Run-time spread of the expression noise (the truncation of BigGAN): ze ~ N(0, noiseScale²).
   * 1 reproduces the data's full variety, measurement noise included; less keeps the variety of
   * a smile without the noise of 48-pixel photos.
   */
  readonly noiseScale: number;
  /**
   * Per GAN_EMOTIONS slot, how much stronger intensity 1 is than the generator's intensity 1 (the
   * clearest tenth's mean): every code `code` gives is scaled by it, emotion by emotion. 1s for
   * models before version 3.
   */
  readonly apexGain: Float64Array;
  /**
   * Per GAN_EMOTIONS slot, the data's mean code of the emotion's clearest faces when the slot
   * plays it at run time (`meanFor`), else null.
   */
  readonly meanCodes: readonly (Float64Array | null)[];
  /**
   * The learned shape beyond the rig's fields (core/shape-residual.ts): per GAN_EMOTIONS slot,
   * what real faces of the emotion do that the fields cannot, read off the code at run time. Null
   * for models without it (version 1). Renderers get it through `expressionRigFor(model)`.
   */
  readonly shape: ShapeResidual | null;
  /** GAN_EMOTIONS.length x MESH_DIM: the fields behind `shape` (null without it). */
  readonly shapeFields: Float32Array | null;
  /** Raw code (data space) of one emotion at an intensity for a latent [ze, zn]. */
  raw(emotion: GanEmotion, intensity: number, z: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** The code relative to the face's neutral for a blend at an intensity and expression noise ze (0 at intensity 0; zn = 0), with the apex gains. */
  code(weights: EmotionWeights, intensity: number, z: ArrayLike<number>, out?: Float64Array): Float64Array;
  /**
   * One emotion's typical code (no noise) at the generator's intensity 1, before the apex gain:
   * the code what was learned from the clearest tenth of real faces (detail, mouth, learned
   * shape) stands for, so amounts read against it are g_e at intensity 1.
   */
  referenceCode(emotion: Emotion): Float64Array;
}

const rigPrototypes = new Map<GanEmotion, Float64Array>(GAN_EMOTIONS.map((e) => [e, codeFromEmotions({ [e]: 1 }, 1)]));

/** Builds the runtime model from weights already in memory (training and tests use this too). */
export function createExpressionModel(parts: {
  manifest: LoadedModel['manifest'];
  space: ExpressionSpace;
  generator: GeneratorWeights;
  learned: readonly boolean[];
  envelope: { lo: Float64Array; hi: Float64Array };
  noiseScale?: number;
  /** GAN_EMOTIONS.length x MESH_DIM learned shape residual fields (absent: none). */
  shapeFields?: Float32Array | null;
  /** Per GAN_EMOTIONS slot, the apex gain (absent: 1s). */
  apexGain?: ArrayLike<number> | null;
  /** Per GAN_EMOTIONS slot, the code it plays in place of the generator or the prototype (absent or null: none). */
  meanCodes?: readonly (ArrayLike<number> | null)[] | null;
  /** Per GAN_EMOTIONS slot, the action units (indices into ACTION_UNITS) its share of a code holds at neutral (absent: none). */
  heldUnits?: readonly (readonly number[])[] | null;
  /** Per GAN_EMOTIONS slot, whether the generator plays it with its expression noise at 0 (absent: none). */
  plain?: readonly boolean[] | null;
}): ExpressionModel {
  const { generator } = parts;
  const plain = GAN_EMOTIONS.map((_, k) => parts.plain?.[k] === true);
  plain.forEach((p, k) => {
    if (p && !parts.learned[k]) throw new ModelError(`the expression model plays ${GAN_EMOTIONS[k]} from the generator without noise (plainFor), but the generator does not play it`);
  });
  const apexGain = Float64Array.from(parts.apexGain ?? GAN_EMOTIONS.map(() => 1));
  if (apexGain.length !== GAN_EMOTIONS.length || !apexGain.every((g) => Number.isFinite(g) && g > 0)) throw new ModelError(`the expression model's apex gains need ${GAN_EMOTIONS.length} positive numbers`);
  const unit = new Float64Array(GAN_EMOTIONS.length).fill(1);
  const meanCodes = GAN_EMOTIONS.map((_, k) => {
    const c = parts.meanCodes?.[k];
    if (!c) return null;
    if (c.length !== AU_COUNT || !Array.from(c).every(Number.isFinite)) throw new ModelError(`the expression model's mean code for ${GAN_EMOTIONS[k]} needs ${AU_COUNT} finite numbers`);
    if (parts.learned[k]) throw new ModelError(`the expression model plays ${GAN_EMOTIONS[k]} both from the generator and from the data's mean`);
    return Float64Array.from(c);
  });
  // keep[slot * AU_COUNT + a]: 0 where the slot holds unit a at neutral.
  const keep = new Float64Array(GAN_EMOTIONS.length * AU_COUNT).fill(1);
  parts.heldUnits?.forEach((units, slot) => {
    for (const a of units) {
      if (!Number.isInteger(a) || a < 0 || a >= AU_COUNT) throw new ModelError(`the expression model holds an action unit it does not have (${a}) for ${GAN_EMOTIONS[slot]}`);
      keep[slot * AU_COUNT + a] = 0;
    }
  });
  const shapeFields = parts.shapeFields ?? null;
  if (shapeFields && shapeFields.length !== GAN_EMOTIONS.length * MESH_DIM) throw new ModelError(`the expression model's shape residual needs ${GAN_EMOTIONS.length} x ${MESH_DIM} numbers`);
  const oneHot = GAN_EMOTIONS.map((_, k) => Float64Array.from(GAN_EMOTIONS, (__, j) => (j === k ? 1 : 0)));
  const hi = new Float64Array(AU_COUNT), lo = new Float64Array(AU_COUNT);
  const raw = (emotion: GanEmotion, intensity: number, z: ArrayLike<number>, out = new Float64Array(AU_COUNT)) =>
    generatorForward(generator, oneHot[GAN_EMOTIONS.indexOf(emotion)]!, intensity, z, out);
  /** The blend's code with the given per-emotion gains, kept inside the envelope. */
  const codeWith = (gain: Float64Array, weights: EmotionWeights, intensity: number, z: ArrayLike<number>, out: Float64Array): Float64Array => {
    out.fill(0);
    const k = Number.isFinite(intensity) ? Math.min(Math.max(intensity, 0), 1) : 0;
    let sum = 0;
    for (const e of GAN_EMOTIONS) sum += Math.max(0, weights[e] ?? 0) || 0;
    if (sum === 0 || k === 0) return out;
    // As codeFromEmotions: weights summing under 1 weaken the expression, over 1 are normalised.
    const t = k * Math.min(sum, 1);
    const ze = Array.from({ length: generator.noiseDim }, (_, j) => z[j] ?? 0);
    GAN_EMOTIONS.forEach((e, slot) => {
      const w = gain[slot]! * (Math.max(0, weights[e] ?? 0) || 0) / sum;
      if (w === 0) return;
      if (!parts.learned[slot]) {
        const p = meanCodes[slot] ?? rigPrototypes.get(e)!;
        for (let a = 0; a < AU_COUNT; a++) out[a] = out[a]! + w * t * p[a]! * keep[slot * AU_COUNT + a]!;
        return;
      }
      // z holds ze only (zn defaults to 0: the typical face); a plain slot holds ze at 0.
      const zs = plain[slot] ? typical : ze;
      raw(e, t, zs, hi);
      raw(e, 0, zs, lo);
      for (let a = 0; a < AU_COUNT; a++) out[a] = out[a]! + w * (hi[a]! - lo[a]!) * keep[slot * AU_COUNT + a]!;
    });
    // Never beyond what real faces showed (about 2% of random blends touch the range by a few hundredths).
    const env = parts.envelope;
    for (let a = 0; a < AU_COUNT; a++) out[a] = Math.min(Math.max(out[a]!, Math.min(env.lo[a]!, 0)), Math.max(env.hi[a]!, 0));
    return out;
  };
  const typical = new Float64Array(generator.noiseDim);
  const model: ExpressionModel = {
    ...parts,
    plain,
    noiseScale: parts.noiseScale ?? 1,
    apexGain,
    meanCodes,
    shape: null,
    shapeFields,
    raw,
    code: (weights, intensity, z, out = new Float64Array(AU_COUNT)) => codeWith(apexGain, weights, intensity, z, out),
    referenceCode: (emotion) => codeWith(unit, { [emotion]: 1 }, 1, typical, new Float64Array(AU_COUNT)),
  };
  if (!shapeFields) return model;
  // The residual is read against the reference codes: each emotion at the generator's intensity 1, no noise.
  const shape = createShapeResidual({ fields: shapeFields, apexCodes: GAN_EMOTIONS.map((e) => model.referenceCode(e)) });
  return { ...model, shape };
}

/** The rig a renderer animating this model's codes uses: the fields plus the model's learned shape. */
export function expressionRigFor(model: ExpressionModel | null | undefined): ExpressionRig {
  return createExpressionRig({ residual: model?.shape ?? null });
}

/**
 * The animator's `codeFor` from the learned model: each call draws fresh noise from a stream
 * seeded by `seed`, so the same seed and the same order of triggers give the same codes, and two
 * seeds give two slightly different smiles.
 */
export function createGanExpressions(model: ExpressionModel, seed: number): (weights: EmotionWeights, intensity: number) => Float64Array {
  const rng = createRng(subSeed(seed, 'expressions'));
  const z = new Float64Array(model.generator.noiseDim);
  return (weights, intensity) => {
    for (let k = 0; k < z.length; k++) z[k] = gaussian(rng) * model.noiseScale;
    return model.code(weights, intensity, z);
  };
}

/**
 * Units a photo keeps when its expression is taken out: how far the lips are apart (a closed
 * mouth stays closed; the data reads lip thickness and aperture into these units for everyone).
 */
export const KEEP_WHEN_NEUTRALISING: readonly number[] = (['AU23', 'AU25', 'AU26'] as const).map((u) => ACTION_UNITS.indexOf(u));

/**
 * For photos: takes the face's own expression out of its canonical-frame mesh (fitFace(mesh).canonical)
 * before it is animated, so code 0 is this person at rest (FacePoser / PhotoRendererOptions.neutralise):
 * the code above the space's removal floor (removalFloorOf: the learned floor of a version 4 model,
 * under which a neutral photo keeps its own shape; else the mean neutral code).
 */
export function createNeutraliser(model: ExpressionModel): (canonical: Float64Array) => Float64Array {
  return neutraliserAbove(model, removalFloorOf(model.space));
}

function neutraliserAbove(model: ExpressionModel, floor: ArrayLike<number>): (canonical: Float64Array) => Float64Array {
  const reader = createCodeReader(model.space);
  return (canonical) => {
    const n = neutraliseFace(canonical, model.space, reader, KEEP_WHEN_NEUTRALISING, floor);
    // The learned shape of the expression taken out goes too, as the rig would have added it.
    model.shape?.addTo(n.neutral, n.removed, -1);
    return n.neutral;
  };
}

/**
 * The face an expression is drawn on, for a model with a learned removal floor (version 4): at rest
 * a photo loses only its code above that floor (createNeutraliser), so a neutral photo stays itself;
 * as a frame shows an expression, the face moves towards the photo neutralised against the mean
 * neutral code (`neutralise`), the face every expression was learned, chosen and measured on.
 * `strength` is how far (0..1): the sum of the amounts of every emotion's reference code that the
 * frame's code shows (non-negative least squares), over a plain emotion's intensity
 * (PLAIN_INTENSITY, "happy" without a modifier), so 0 at code 0 and 1 from a plain emotion on,
 * the apex and its sampled variety included. Null for a model without a learned floor, whose
 * rest and apex faces are the same.
 */
export function createApexNeutral(model: ExpressionModel): ApexNeutraliser | null {
  if (!model.space.removalFloor) return null;
  const read = createScaledAmountReader(GAN_EMOTIONS.map((e) => model.referenceCode(e)));
  const amounts = new Float64Array(GAN_EMOTIONS.length);
  return {
    neutralise: neutraliserAbove(model, model.space.neutralCode),
    strength(code) {
      read(code, amounts);
      let s = 0;
      for (let k = 0; k < amounts.length; k++) s += amounts[k]!;
      return Number.isFinite(s) ? Math.min(1, Math.max(0, s / PLAIN_INTENSITY)) : 0;
    },
  };
}

/** How a photo renderer takes a photo's own expression out (PhotoRendererOptions' `neutralise` and `apexNeutral`). */
export interface PhotoNeutralisation {
  neutralise: (canonical: Float64Array) => Float64Array;
  apexNeutral?: ApexNeutraliser;
}

/** The model's neutralisation of photos: the face at rest (createNeutraliser) and, with a learned floor, the expressions' face (createApexNeutral). */
export function photoNeutralisation(model: ExpressionModel): PhotoNeutralisation {
  const apexNeutral = createApexNeutral(model);
  return { neutralise: createNeutraliser(model), ...(apexNeutral ? { apexNeutral } : {}) };
}

/**
 * The code a photo's face shows, for the detail layer's rest (PhotoRendererOptions.photoExpression):
 * its code above the mean neutral code, what the detail's rest gains were fitted against
 * (train detail), whichever floor the geometry's neutraliser uses.
 */
export function createPhotoExpression(model: ExpressionModel): (canonical: Float64Array) => Float64Array {
  const reader = createCodeReader(model.space);
  return (canonical) => neutraliseFace(canonical, model.space, reader, KEEP_WHEN_NEUTRALISING, model.space.neutralCode).removed;
}

// ---------------------------------------------------------------------------------------------
// Packing and loading

export interface ModelTensor { name: string; shape: number[]; data: ArrayLike<number> }

/** The tensors of a model (what encodeModel writes). */
export function modelTensors(space: ExpressionSpace, generator: GeneratorWeights, envelope: { lo: ArrayLike<number>; hi: ArrayLike<number> }, shapeFields?: ArrayLike<number> | null, apex?: { gain: ArrayLike<number>; clearMean: ArrayLike<number> } | null): ModelTensor[] {
  const t: ModelTensor[] = [
    { name: 'space.mean', shape: [MESH_DIM], data: space.mean },
    { name: 'space.identity', shape: [space.identityCount, MESH_DIM], data: space.identity },
    { name: 'space.identityVariance', shape: [space.identityCount], data: space.identityVariance },
    { name: 'space.neutralCode', shape: [AU_COUNT], data: space.neutralCode },
    { name: 'code.scale', shape: [AU_COUNT], data: generator.scale },
    { name: 'code.envelopeLo', shape: [AU_COUNT], data: envelope.lo },
    { name: 'code.envelopeHi', shape: [AU_COUNT], data: envelope.hi },
  ];
  // Version 4: the neutraliser's learned floor, when the space has one (without it the mean neutral code is the floor).
  if (space.removalFloor) t.push({ name: 'space.removalFloor', shape: [AU_COUNT], data: space.removalFloor });
  if (shapeFields) t.push({ name: 'shape.residual', shape: [GAN_EMOTIONS.length, MESH_DIM], data: shapeFields });
  if (apex) {
    t.push({ name: 'code.apexGain', shape: [GAN_EMOTIONS.length], data: apex.gain });
    t.push({ name: 'code.clearMean', shape: [GAN_EMOTIONS.length, AU_COUNT], data: apex.clearMean });
  }
  return [...t, ...generatorTensors(generator)];
}

/** A generator's layers as tensors (`generator.expression0.w`, ...); the scale is the caller's. */
export function generatorTensors(generator: GeneratorWeights): ModelTensor[] {
  const t: ModelTensor[] = [];
  for (const branch of ['expression', 'nuisance'] as const) {
    generator[branch].forEach((l, i) => {
      t.push({ name: `generator.${branch}${i}.w`, shape: [l.inDim, l.outDim], data: l.w });
      t.push({ name: `generator.${branch}${i}.b`, shape: [l.outDim], data: l.b });
    });
  }
  return t;
}

/**
 * Reads a generator's layers back (as generatorTensors wrote them) and checks that they chain
 * from the condition and noise to `outDim` outputs; `what` names the model in messages.
 */
export function readGenerator(m: LoadedModel, what: string, arch: { noiseDim?: unknown; nuisanceDim?: unknown; expressionLayers?: unknown; nuisanceLayers?: unknown }, scale: Float32Array): GeneratorWeights {
  const { noiseDim, nuisanceDim, expressionLayers, nuisanceLayers } = arch;
  if (typeof noiseDim !== 'number' || typeof nuisanceDim !== 'number' || typeof expressionLayers !== 'number' || typeof nuisanceLayers !== 'number') {
    throw new ModelError(`the ${what} manifest does not describe its generator (noiseDim, nuisanceDim, expressionLayers, nuisanceLayers)`);
  }
  const outDim = scale.length;
  const branch = (name: string, count: number, inDim: number): DenseLayer[] => {
    const layers: DenseLayer[] = [];
    for (let i = 0; i < count; i++) {
      const spec = m.manifest.tensors.find((t) => t.name === `generator.${name}${i}.w`);
      if (!spec || spec.shape.length !== 2) throw new ModelError(`the ${what} lacks generator layer ${name}${i}`);
      layers.push({ w: m.tensor(`generator.${name}${i}.w`), b: m.tensor(`generator.${name}${i}.b`), inDim: spec.shape[0]!, outDim: spec.shape[1]! });
    }
    if (layers[0]?.inDim !== inDim || layers[layers.length - 1]?.outDim !== outDim) throw new ModelError(`the ${what}'s generator ${name} layers do not fit its inputs and outputs`);
    for (let i = 1; i < layers.length; i++) if (layers[i]!.inDim !== layers[i - 1]!.outDim) throw new ModelError(`the ${what}'s generator ${name} layers do not chain`);
    for (const l of layers) if (l.b.length !== l.outDim) throw new ModelError(`the ${what}'s generator ${name} layers do not chain`);
    return layers;
  };
  return { noiseDim, nuisanceDim, expression: branch('expression', expressionLayers, COND_DIM + noiseDim), nuisance: branch('nuisance', nuisanceLayers, nuisanceDim), scale };
}

let sharedBasis: Float64Array | null = null;
function rigBasis(): Float64Array {
  sharedBasis ??= createExpressionRig().basis;
  return sharedBasis;
}

/** Builds the runtime model from a decoded model (checks the architecture it declares). */
export function expressionModelFromLoaded(m: LoadedModel): ExpressionModel {
  const arch = m.manifest.architecture as { noiseDim?: unknown; nuisanceDim?: unknown; expressionLayers?: unknown; nuisanceLayers?: unknown; learned?: unknown; conditions?: unknown; runtimeNoiseScale?: unknown; meanFor?: unknown; heldUnits?: unknown; plainFor?: unknown };
  const noiseScale = typeof arch.runtimeNoiseScale === 'number' && arch.runtimeNoiseScale >= 0 ? arch.runtimeNoiseScale : 1;
  const learnedList = arch.learned;
  if (!Array.isArray(learnedList)) throw new ModelError('the expression model manifest does not say which emotions it learned (learned)');
  if (JSON.stringify(arch.conditions) !== JSON.stringify(GAN_EMOTIONS)) throw new ModelError('the expression model was trained on other emotion conditions');
  const f64 = (name: string) => Float64Array.from(m.tensor(name));
  const identityVariance = f64('space.identityVariance');
  const identityCount = identityVariance.length;
  const identity = f64('space.identity');
  const mean = f64('space.mean');
  if (mean.length !== MESH_DIM || identity.length !== identityCount * MESH_DIM) throw new ModelError('the expression model\'s space does not fit the 468-point mesh');
  const scale = m.tensor('code.scale');
  if (scale.length !== AU_COUNT) throw new ModelError('the expression model\'s code scale does not fit the rig');
  const generator = readGenerator(m, 'expression model', arch, scale);
  const learned = GAN_EMOTIONS.map((e) => learnedList.includes(e));
  // Version 2 carries the learned shape residual; version 1 has none.
  const hasShape = m.manifest.tensors.some((t) => t.name === 'shape.residual');
  if (m.manifest.version >= 2 && !hasShape) throw new ModelError('the expression model (version 2) lacks its shape residual (shape.residual)');
  const shapeFields = hasShape ? m.tensor('shape.residual') : null;
  if (shapeFields && shapeFields.length !== GAN_EMOTIONS.length * MESH_DIM) throw new ModelError('the expression model\'s shape residual does not hold one 468-point field per emotion');
  // Version 3 carries the apex gains and the data's clear means; before it, intensity 1 is the generator's own (gains of 1).
  const has = (name: string) => m.manifest.tensors.some((t) => t.name === name);
  if (m.manifest.version >= 3 && !(has('code.apexGain') && has('code.clearMean'))) throw new ModelError('the expression model (version 3) lacks its apex gains or clear means (code.apexGain, code.clearMean)');
  const apexGain = has('code.apexGain') ? m.tensor('code.apexGain') : null;
  if (apexGain && (apexGain.length !== GAN_EMOTIONS.length || !apexGain.every((g) => Number.isFinite(g) && g >= 1 && g <= 3))) throw new ModelError(`the expression model's apex gains must be ${GAN_EMOTIONS.length} numbers from 1 to 3`);
  const clearMean = has('code.clearMean') ? m.tensor('code.clearMean') : null;
  if (clearMean && clearMean.length !== GAN_EMOTIONS.length * AU_COUNT) throw new ModelError(`the expression model's clear means must be ${GAN_EMOTIONS.length} x ${AU_COUNT} numbers`);
  // Version 4 carries the neutraliser's learned floor; before it, photos lose their code above the mean neutral code.
  if (m.manifest.version >= 4 && !has('space.removalFloor')) throw new ModelError('the expression model (version 4) lacks its removal floor (space.removalFloor)');
  const removalFloor = has('space.removalFloor') ? f64('space.removalFloor') : null;
  if (removalFloor && (removalFloor.length !== AU_COUNT || !removalFloor.every(Number.isFinite))) throw new ModelError(`the expression model's removal floor must be ${AU_COUNT} finite numbers`);
  const meanFor = arch.meanFor ?? [];
  if (!Array.isArray(meanFor) || !meanFor.every((e) => GAN_EMOTIONS.includes(e as GanEmotion))) throw new ModelError('the expression model\'s meanFor must list emotions of its conditions');
  if (meanFor.length && !clearMean) throw new ModelError('the expression model plays emotions from the data\'s means (meanFor) but holds none (code.clearMean)');
  const heldUnits = heldUnitsOf(arch.heldUnits);
  const plainFor = arch.plainFor ?? [];
  if (!Array.isArray(plainFor) || !plainFor.every((e) => GAN_EMOTIONS.includes(e as GanEmotion))) throw new ModelError('the expression model\'s plainFor must list emotions of its conditions');
  return createExpressionModel({
    manifest: m.manifest,
    space: { mean, identity, identityCount, identityVariance, neutralCode: f64('space.neutralCode'), ...(removalFloor ? { removalFloor } : {}), basis: rigBasis() },
    generator,
    learned,
    envelope: { lo: f64('code.envelopeLo'), hi: f64('code.envelopeHi') },
    noiseScale,
    shapeFields,
    apexGain,
    meanCodes: GAN_EMOTIONS.map((e, k) => (meanFor.includes(e) && clearMean ? clearMean.subarray(k * AU_COUNT, (k + 1) * AU_COUNT) : null)),
    heldUnits,
    plain: GAN_EMOTIONS.map((e) => plainFor.includes(e)),
  });
}

/**
 * The manifest's `architecture.heldUnits` ({ emotion: [unit names] }, absent: none) as unit
 * indices per GAN_EMOTIONS slot; an emotion or unit the model does not have is refused.
 */
export function heldUnitsOf(held: unknown): number[][] {
  const slots = GAN_EMOTIONS.map((): number[] => []);
  if (held === undefined) return slots;
  if (typeof held !== 'object' || held === null || Array.isArray(held)) throw new ModelError('the expression model\'s heldUnits must map emotions to lists of action units');
  for (const [e, units] of Object.entries(held)) {
    const slot = GAN_EMOTIONS.indexOf(e as GanEmotion);
    if (slot < 0) throw new ModelError(`the expression model holds units for "${e}", not one of its emotions (${GAN_EMOTIONS.join(', ')})`);
    if (!Array.isArray(units)) throw new ModelError(`the expression model's held units for ${e} must be a list of action units`);
    for (const u of units) {
      const a = (ACTION_UNITS as readonly unknown[]).indexOf(u);
      if (a < 0) throw new ModelError(`the expression model holds "${String(u)}" for ${e}, not one of its action units (${ACTION_UNITS.join(', ')})`);
      if (!slots[slot]!.includes(a)) slots[slot]!.push(a);
    }
  }
  return slots;
}

/** Loads the learned expressions from a manifest (parsed JSON) and the weights' bytes: the page's way in. */
export async function loadExpressionModel(manifestJson: unknown, weights: Uint8Array): Promise<ExpressionModel> {
  return expressionModelFromLoaded(await decodeModel(manifestJson, weights, { name: EXPRESSION_MODEL_NAME, versions: EXPRESSION_MODEL_VERSIONS }));
}
