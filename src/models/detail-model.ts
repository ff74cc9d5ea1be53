/**
 * The learned expression detail at run time (plain typed-array maths, the same numbers in the
 * page and the CLI): from how much of each emotion a frame's expression code shows to a shading
 * map in the canonical face's texture space (render/detail.ts), which the photo renderers lay
 * on the face as a luminance change.
 *
 * What the model holds (models/expression-detail/, trained by `emotebot train detail`):
 * - `basis`: K orthonormal texture directions (PCA of real faces' lighting-normalised shading
 *   relative to the mean neutral face, DETAIL_SIZE² texels, v down), and `mask` (where detail
 *   may show);
 * - `baseline`: per GAN_EMOTIONS slot, the emotion's mean real detail against the mean neutral
 *   shading (the hand-written baseline of issue 9: no learning beyond an average): the detail at
 *   intensity 1 of a line through neutral (`--baseline intensity-1`, the default), or the class
 *   mean (`--baseline class-mean`);
 * - a conditional GAN's generator over the K coefficients, with the expression codes' two
 *   branches (expression-gan.ts): a nuisance branch for what every face shows (identity,
 *   residual lighting) and an expression branch scaled by the intensity. Run time uses only
 *   the expression branch, t E(e, t, ze) x scale: the detail relative to the face's own neutral,
 *   exactly 0 at intensity 0, with the person's own skin left to the photo.
 *
 * Reading the frame: the amounts a_e ≥ 0 that best explain the frame's code as a mix of the
 * active expression model's per-emotion codes (non-negative least squares), so detail follows
 * the face through onsets, releases and blends, whatever animates it.
 */
import { type Emotion } from '../core/emotions.ts';
import { createAmountReader } from '../core/shape-residual.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import type { FrameState } from '../motion/animator.ts';
import type { DetailLayer } from '../render/detail.ts';
import { expressionBranch, GAN_EMOTIONS, type GeneratorWeights, readGenerator } from './expression-gan.ts';
import { decodeModel, type LoadedModel, ModelError } from './manifest.ts';

export const DETAIL_MODEL_NAME = 'expression-detail';
/** Version 2 adds `rest.gain`; version 1 models load with gains of 1 (their behaviour). */
export const DETAIL_MODEL_VERSION = 2;
export const DETAIL_MODEL_VERSIONS: readonly number[] = [1, DETAIL_MODEL_VERSION];

export interface DetailModel {
  readonly manifest: LoadedModel['manifest'];
  /** Texture side in texels (the map is size x size, v down). */
  readonly size: number;
  /** size² weights 0..1: where detail may show. */
  readonly mask: Float32Array;
  /** K x size² orthonormal texture directions. */
  readonly basis: Float32Array;
  readonly components: number;
  /** GAN_EMOTIONS.length x size²: mean shading of each emotion minus the mean neutral's (masked). */
  readonly baseline: Float32Array;
  readonly generator: GeneratorWeights;
  /** Per GAN_EMOTIONS slot: learned from data (false: no detail, too few faces). */
  readonly learned: readonly boolean[];
  /** Spread of the run-time expression noise (the truncation of BigGAN; 0: the conditional mode). */
  readonly noiseScale: number;
  /**
   * Which detail the model recommends by default: the generator, unless the mean baseline read
   * better on the training data's dev part (the texture classifier's balanced recall).
   */
  readonly recommended: 'gan' | 'mean';
  /**
   * Per GAN_EMOTIONS slot, 0..1: how much of the amount read from a photo's own expression code
   * (DetailLayer.fromRest) its texture shows, learned from the data's faces (`rest.gain`, see
   * fitRestGains in detail-data.ts). The code read from a neutral photo's shape often names an
   * emotion its skin does not show (a mouth that turns down at rest reads as sad); subtracting
   * that emotion's detail would paint its opposite on the face in every frame.
   */
  readonly restGain: Float32Array;
}

/**
 * The run-time expression noise: each entry a standard normal redrawn until it lies within ±1
 * (BigGAN's truncation trick), times the model's noise scale, so no seed lands in the tails
 * where the generator's variety is least like a real face's.
 */
export function detailNoise(model: DetailModel, rng: () => number): Float64Array {
  return Float64Array.from({ length: model.generator.noiseDim }, () => {
    let g = gaussian(rng);
    for (let k = 0; k < 100 && Math.abs(g) > 1; k++) g = gaussian(rng);
    return Math.max(-1, Math.min(1, g)) * model.noiseScale;
  });
}

/** K coefficients to a masked shading map (writes into out). */
export function decodeDetail(model: DetailModel, coefficients: ArrayLike<number>, out: Float32Array = new Float32Array(model.size * model.size)): Float32Array {
  const n = model.size * model.size;
  out.fill(0);
  for (let k = 0; k < model.components; k++) {
    const c = coefficients[k]!;
    if (c === 0) continue;
    const row = k * n;
    for (let i = 0; i < n; i++) out[i] = out[i]! + c * model.basis[row + i]!;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! * model.mask[i]!;
  return out;
}

/** The generator's coefficients for one emotion at an intensity, relative to neutral (0 at intensity 0). */
export function detailCoefficients(model: DetailModel, slot: number, intensity: number, ze: ArrayLike<number>, out?: Float64Array): Float64Array {
  const cond = new Float64Array(GAN_EMOTIONS.length);
  cond[slot] = 1;
  const result = expressionBranch(model.generator, cond, intensity, ze, out);
  if (!model.learned[slot]) result.fill(0);
  return result;
}

export function createDetailModel(parts: Omit<DetailModel, 'components' | 'noiseScale' | 'recommended' | 'restGain'> & { noiseScale?: number; recommended?: 'gan' | 'mean'; restGain?: ArrayLike<number> }): DetailModel {
  const n = parts.size * parts.size;
  const components = parts.basis.length / n;
  if (!Number.isInteger(components) || components < 1) throw new ModelError('the detail basis does not fit the texture size');
  if (parts.mask.length !== n) throw new ModelError('the detail mask does not fit the texture size');
  if (parts.baseline.length !== GAN_EMOTIONS.length * n) throw new ModelError('the detail baseline does not hold one map per emotion');
  if (parts.generator.scale.length !== components) throw new ModelError('the detail generator does not produce one number per basis direction');
  const restGain = Float32Array.from(parts.restGain ?? GAN_EMOTIONS.map(() => 1));
  if (restGain.length !== GAN_EMOTIONS.length) throw new ModelError(`the detail model's rest gains hold ${restGain.length} numbers, not one per emotion (${GAN_EMOTIONS.length})`);
  if (restGain.some((g) => !(g >= 0 && g <= 1))) throw new ModelError('the detail model\'s rest gains must lie in 0..1');
  return { ...parts, components, noiseScale: parts.noiseScale ?? 1, recommended: parts.recommended ?? 'gan', restGain };
}

export function detailModelFromLoaded(m: LoadedModel): DetailModel {
  const arch = m.manifest.architecture as { size?: unknown; conditions?: unknown; learned?: unknown; runtimeNoiseScale?: unknown; recommended?: unknown; noiseDim?: unknown; nuisanceDim?: unknown; expressionLayers?: unknown; nuisanceLayers?: unknown };
  if (typeof arch.size !== 'number' || !Number.isInteger(arch.size) || arch.size < 8) throw new ModelError('the detail model manifest does not give its texture size');
  if (JSON.stringify(arch.conditions) !== JSON.stringify(GAN_EMOTIONS)) throw new ModelError('the detail model was trained on other emotion conditions');
  if (!Array.isArray(arch.learned)) throw new ModelError('the detail model manifest does not say which emotions it learned');
  const learnedList: unknown[] = arch.learned;
  const noiseScale = typeof arch.runtimeNoiseScale === 'number' && arch.runtimeNoiseScale >= 0 ? arch.runtimeNoiseScale : 1;
  return createDetailModel({
    manifest: m.manifest,
    size: arch.size,
    mask: m.tensor('mask'),
    basis: m.tensor('basis'),
    baseline: m.tensor('baseline'),
    generator: readGenerator(m, 'detail model', arch, m.tensor('coefficients.scale')),
    learned: GAN_EMOTIONS.map((e) => learnedList.includes(e)),
    noiseScale,
    recommended: arch.recommended === 'mean' ? 'mean' : 'gan',
    // Version 1 subtracted all of what it read at rest.
    ...(m.manifest.version >= 2 ? { restGain: m.tensor('rest.gain') } : {}),
  });
}

/** Loads the detail model from a manifest (parsed JSON) and the weights' bytes: the page's way in. */
export async function loadDetailModel(manifestJson: unknown, weights: Uint8Array): Promise<DetailModel> {
  return detailModelFromLoaded(await decodeModel(manifestJson, weights, { name: DETAIL_MODEL_NAME, versions: DETAIL_MODEL_VERSIONS }));
}

// ---------------------------------------------------------------------------------------------
// Reading a frame

/** What a detail layer reads amounts up to, unless told otherwise (DetailLayerOptions.maxAmount). */
export const DETAIL_MAX_AMOUNT = 2;

/**
 * The amounts a detail layer reads from a code against the given per-emotion codes (null: that
 * slot is never read), clamped to maxAmount: the frame's, or a photo's own in fromRest.
 */
export function createDetailAmountReader(codes: readonly (ArrayLike<number> | null)[], maxAmount = DETAIL_MAX_AMOUNT): (code: ArrayLike<number>, out?: Float64Array) => Float64Array {
  const read = createAmountReader(codes);
  return (code, out) => {
    const a = read(code, out);
    for (let k = 0; k < a.length; k++) a[k] = Math.min(a[k]!, maxAmount);
    return a;
  };
}

export interface DetailLayerOptions {
  /** 'gan': the generator (default); 'mean': the per-emotion mean baseline. */
  kind?: 'gan' | 'mean';
  /** The active expression model's code per emotion at the intensity the detail was learned at (ExpressionModel.referenceCode: intensity 1 before the apex gain). */
  codeFor: (emotion: Emotion) => Float64Array;
  /** Seeds the expression noise ze (one face keeps its folds for the whole session). */
  seed: number;
  /** Amounts are read up to this (a strong code does not push detail beyond what data showed). Default 2 (intensity 1 reads as its apex gain, up to about 1.5, plus a sample's noise). */
  maxAmount?: number;
}

/**
 * A renderer's detail layer: the frame's emotion amounts, then the generator's (or the
 * baseline's) coefficients, decoded into one shading map. The map is recomputed only when the
 * amounts move by more than 1e-4, and returned as null on a neutral face.
 */
export function createDetailLayer(model: DetailModel, o: DetailLayerOptions): DetailLayer & { amounts(frame: FrameState): Float64Array; fromRest(code: ArrayLike<number>): void } {
  const kind = o.kind ?? 'gan';
  const maxAmount = o.maxAmount ?? DETAIL_MAX_AMOUNT;
  const slots = GAN_EMOTIONS.length;
  const read = createDetailAmountReader(GAN_EMOTIONS.map((e, k) => (model.learned[k] ? o.codeFor(e) : null)), maxAmount);
  const rng = createRng(subSeed(o.seed, 'detail-noise'));
  const ze = detailNoise(model, rng);
  const n = model.size * model.size;
  const map: { size: number; shading: Float32Array; version: number } = { size: model.size, shading: new Float32Array(n), version: 0 };
  const amounts = new Float64Array(slots), last = new Float64Array(slots).fill(-1);
  const coeffs = new Float64Array(model.components), one = new Float64Array(model.components);
  // What the photo already shows (fromRest): its amounts, and its detail's coefficients (gan).
  const rest = new Float64Array(slots), restCoeffs = new Float64Array(model.components);
  let hasRest = false;
  let lastEmpty = true;
  const amountsOf = (frame: FrameState): Float64Array => read(frame.code, amounts);
  /** The generator's coefficients for a set of amounts (the sum over emotions), into out. */
  const ganCoefficients = (a: Float64Array, out: Float64Array): Float64Array => {
    out.fill(0);
    for (let k = 0; k < slots; k++) {
      if (a[k]! <= 1e-3) continue;
      detailCoefficients(model, k, a[k]!, ze, one);
      for (let c = 0; c < model.components; c++) out[c] = out[c]! + one[c]!;
    }
    return out;
  };
  return {
    name: kind === 'gan' ? 'generated detail' : 'mean detail',
    amounts: (frame) => Float64Array.from(amountsOf(frame)),
    fromRest(code) {
      read(code, rest);
      for (let k = 0; k < slots; k++) rest[k] = rest[k]! * model.restGain[k]!;
      hasRest = rest.some((a) => a > 1e-3);
      if (kind === 'gan') ganCoefficients(rest, restCoeffs);
      last.fill(-1);
      lastEmpty = true;
    },
    detailFor(frame) {
      amountsOf(frame);
      let moved = 0, any = hasRest;
      for (let k = 0; k < slots; k++) {
        moved = Math.max(moved, Math.abs(amounts[k]! - last[k]!));
        if (amounts[k]! > 1e-3) any = true;
      }
      if (!any) { last.set(amounts); lastEmpty = true; return null; }
      if (moved <= 1e-4 && !lastEmpty) return map;
      last.set(amounts);
      lastEmpty = false;
      map.version++;
      if (kind === 'mean') {
        map.shading.fill(0);
        for (let k = 0; k < slots; k++) {
          const a = amounts[k]! - rest[k]!;
          if (Math.abs(a) <= 1e-3) continue;
          const row = k * n;
          for (let i = 0; i < n; i++) map.shading[i] = map.shading[i]! + a * model.baseline[row + i]!;
        }
        return map;
      }
      ganCoefficients(amounts, coeffs);
      if (hasRest) for (let c = 0; c < model.components; c++) coeffs[c] = coeffs[c]! - restCoeffs[c]!;
      decodeDetail(model, coeffs, map.shading);
      return map;
    },
  };
}
