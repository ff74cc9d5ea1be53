/**
 * The dev classifier: a small image expression classifier EmoteBot trains on its own dev data
 * (`emotebot train dev-classifier`), so appearance choices can be measured on rendered images
 * without ever looking at the independent judge (src/eval/judge.ts). Pure: pixels and numbers in,
 * numbers out (no I/O, no tfjs, no DOM); src/eval/dev-judge.ts runs it on images, and
 * src/models/dev-classifier-commands.ts trains it.
 *
 * 1. Crop: a fixed window of the canonical face (centimetres, x towards the subject's left, y up;
 *    src/core/canonical-data.ts), sampled at `size` x `size` luminance pixels by mapping each
 *    output pixel's centre (x, y, z = window.z) through the face's similarity (canonical cm to
 *    source-image pixels, p' = s R c + t; src/data/align.ts) into the image, bilinear, clamped at
 *    the image's edges. Output column 0 is canonical x = xMin (the subject's right, image left on
 *    a frontal face), row 0 is y = yMax (the brows). Then the crop is normalised (mean 0, std 1).
 * 2. Features: HOG (cells, unsigned orientation bins centred at b * 180 / bins degrees, linear
 *    interpolation between the two nearest bins, overlapping 2x2-cell blocks, L2-Hys) and a coarse
 *    mean-pooled intensity patch.
 * 3. Multinomial logistic regression (softmax) on standardised features, L2, class-balanced loss,
 *    trained with seeded mini-batch Adam (deterministic).
 */
import { createRng } from '../core/rng.ts';
import { EmoteBotError } from '../core/errors.ts';
import { decodeModel, type LoadedModel, ModelError, type ModelManifest } from '../models/manifest.ts';

/** The classifier's labels, in its output order (EmoteBot's emotions without contempt). */
export const DEV_CLASSES = ['neutral', 'happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted'] as const;
export type DevClass = (typeof DEV_CLASSES)[number];

export const DEV_MODEL_NAME = 'dev-classifier';
export const DEV_MODEL_VERSION = 1;
export const DEV_MODEL_VERSIONS: readonly number[] = [DEV_MODEL_VERSION];

/** The crop window in canonical centimetres and the crop's size in pixels. */
export interface CropWindow {
  xMin: number; xMax: number;
  yMin: number; yMax: number;
  /** Depth of the sampled plane (canonical z, cm). */
  z: number;
  /** Output pixels per side (square crop). */
  size: number;
}

/**
 * Brows (y 5.1) to chin (y -9.4), cheek to cheek (|x| 7.7): a 16 x 16 cm square centred 1.5 cm
 * below the canonical origin, on the plane z = 0, at 48 x 48 pixels (1/3 cm per pixel).
 */
export const DEFAULT_WINDOW: Readonly<CropWindow> = Object.freeze({ xMin: -8, xMax: 8, yMin: -9.5, yMax: 6.5, z: 0, size: 48 });

export interface FeatureSpec {
  /** HOG cell side in crop pixels (the crop side must be a multiple). */
  cell: number;
  /** Unsigned orientation bins over 0-180 degrees. */
  bins: number;
  /** Block side in cells (stride one cell); L2-Hys normalised. */
  block: number;
  /** L2-Hys clipping value. */
  clip: number;
  /** Side of the coarse intensity patch (mean pooling of the normalised crop; 0: none). */
  coarse: number;
}

/**
 * 4 x 4 pixel cells (12 x 12 cells, 11 x 11 blocks: 4356 HOG values) and a 12 x 12 patch: on the
 * dev part, 6 x 6 cells gave a balanced recall of 51.3%, 4 x 4 cells 52.8%, and leaving out the
 * patch (6 x 6 cells) 48.4%.
 */
export const DEFAULT_FEATURES: Readonly<FeatureSpec> = Object.freeze({ cell: 4, bins: 9, block: 2, clip: 0.2, coarse: 12 });

/** The canonical-to-image similarity: p' = scale R c + translation (R row-major). */
export interface FaceSimilarity {
  scale: number;
  rotation: ArrayLike<number>;
  translation: ArrayLike<number>;
}

/** Pixels of an image: 1 (grey), 3 (RGB) or 4 (RGBA) channels, row-major. */
export interface PixelImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** Face i's similarity from a dataset's 13-float rows (scale, rotation, translation). */
export function similarityRow(rows: ArrayLike<number>, i: number): FaceSimilarity {
  const o = i * 13;
  const at = (k: number) => rows[o + k]!;
  return { scale: at(0), rotation: [at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8), at(9)], translation: [at(10), at(11), at(12)] };
}

/** Luminance (0..255) of an image: 0.299 R + 0.587 G + 0.114 B; grey images as they are. */
export function luminance(image: PixelImage): Float32Array {
  const { data, width, height, channels } = image;
  const n = width * height;
  if (!(width > 0 && height > 0) || data.length !== n * channels) throw new EmoteBotError('bad-argument', `luminance: ${data.length} values for a ${width}x${height}x${channels} image`);
  const out = new Float32Array(n);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[i] = data[i]!;
  } else {
    for (let i = 0; i < n; i++) out[i] = 0.299 * data[i * channels]! + 0.587 * data[i * channels + 1]! + 0.114 * data[i * channels + 2]!;
  }
  return out;
}

/**
 * The window's luminance crop (size x size, 0..255, row-major): output pixel (row r, column c)
 * samples canonical (xMin + (c + 0.5) w / size, yMax - (r + 0.5) h / size, z), mapped to image
 * pixels by the similarity (image pixel centres at integer + 0.5), bilinear, clamped at the edges.
 */
export function cropFace(lum: Float32Array, width: number, height: number, sim: FaceSimilarity, window: CropWindow = DEFAULT_WINDOW): Float32Array {
  if (lum.length !== width * height) throw new EmoteBotError('bad-argument', `cropFace: ${lum.length} values for a ${width}x${height} image`);
  const { size } = window;
  const out = new Float32Array(size * size);
  const R = sim.rotation, s = sim.scale, t = sim.translation;
  const dx = (window.xMax - window.xMin) / size, dy = (window.yMax - window.yMin) / size;
  for (let r = 0; r < size; r++) {
    const cy = window.yMax - (r + 0.5) * dy;
    for (let c = 0; c < size; c++) {
      const cx = window.xMin + (c + 0.5) * dx;
      // Image pixel coordinates (x right, y down); pixel centres sit at +0.5.
      const px = s * (R[0]! * cx + R[1]! * cy + R[2]! * window.z) + t[0]! - 0.5;
      const py = s * (R[3]! * cx + R[4]! * cy + R[5]! * window.z) + t[1]! - 0.5;
      out[r * size + c] = bilinear(lum, width, height, px, py);
    }
  }
  return out;
}

function bilinear(lum: Float32Array, width: number, height: number, x: number, y: number): number {
  const xc = Math.min(Math.max(x, 0), width - 1), yc = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(xc), y0 = Math.floor(yc);
  const x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
  const fx = xc - x0, fy = yc - y0;
  const a = lum[y0 * width + x0]!, b = lum[y0 * width + x1]!, c = lum[y1 * width + x0]!, d = lum[y1 * width + x1]!;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/** Subtracts the crop's mean and divides by its standard deviation (a flat crop becomes all 0). In place. */
export function normaliseCrop(crop: Float32Array): Float32Array {
  let mean = 0;
  for (let i = 0; i < crop.length; i++) mean += crop[i]!;
  mean /= crop.length;
  let v = 0;
  for (let i = 0; i < crop.length; i++) v += (crop[i]! - mean) ** 2;
  const std = Math.sqrt(v / crop.length);
  const k = std > 1e-6 ? 1 / std : 0;
  for (let i = 0; i < crop.length; i++) crop[i] = (crop[i]! - mean) * k;
  return crop;
}

/** The crop seen in a mirror (columns reversed): the window is symmetric about x = 0, so this is the mirrored face. */
export function mirrorCrop(crop: Float32Array, size: number): Float32Array {
  const out = new Float32Array(crop.length);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) out[r * size + c] = crop[r * size + size - 1 - c]!;
  return out;
}

/** Number of HOG values for a crop side. */
export function hogLength(size: number, spec: FeatureSpec = DEFAULT_FEATURES): number {
  const cells = size / spec.cell;
  const blocks = cells - spec.block + 1;
  return blocks * blocks * spec.block * spec.block * spec.bins;
}

/** Number of feature values (HOG then the coarse patch). */
export function featureLength(size: number, spec: FeatureSpec = DEFAULT_FEATURES): number {
  return hogLength(size, spec) + spec.coarse * spec.coarse;
}

function checkSpec(size: number, spec: FeatureSpec): void {
  if (!Number.isInteger(size / spec.cell) || size / spec.cell < spec.block) throw new EmoteBotError('bad-argument', `crop side ${size} is not a multiple of the cell (${spec.cell}) with at least ${spec.block} cells`);
  if (spec.coarse > 0 && !Number.isInteger(size / spec.coarse)) throw new EmoteBotError('bad-argument', `crop side ${size} is not a multiple of the coarse patch side ${spec.coarse}`);
}

/**
 * Histogram of oriented gradients of a size x size crop: central differences (neighbours
 * clamped at the border), unsigned angle in [0, 180) degrees, each pixel's magnitude split
 * linearly between the two nearest bin centres (bin b centred at b * 180 / bins), summed per
 * cell; blocks of block x block cells (stride one cell, row-major, cells row-major inside, bins
 * innermost) L2-normalised, clipped at `clip`, normalised again (L2-Hys).
 */
export function hog(crop: Float32Array, size: number, spec: FeatureSpec = DEFAULT_FEATURES, out = new Float32Array(hogLength(size, spec))): Float32Array {
  checkSpec(size, spec);
  const { cell, bins, block, clip } = spec;
  const cells = size / cell;
  const hist = new Float64Array(cells * cells * bins);
  const binWidth = Math.PI / bins;
  for (let y = 0; y < size; y++) {
    const up = Math.max(y - 1, 0), down = Math.min(y + 1, size - 1);
    for (let x = 0; x < size; x++) {
      const left = Math.max(x - 1, 0), right = Math.min(x + 1, size - 1);
      const gx = crop[y * size + right]! - crop[y * size + left]!;
      const gy = crop[down * size + x]! - crop[up * size + x]!;
      const mag = Math.sqrt(gx * gx + gy * gy);
      if (mag === 0) continue;
      let a = Math.atan2(gy, gx);
      if (a < 0) a += Math.PI;
      if (a >= Math.PI) a -= Math.PI;
      const f = a / binWidth;
      const b0 = Math.floor(f) % bins, b1 = (b0 + 1) % bins, w1 = f - Math.floor(f);
      const h = (Math.floor(y / cell) * cells + Math.floor(x / cell)) * bins;
      hist[h + b0] = hist[h + b0]! + mag * (1 - w1);
      hist[h + b1] = hist[h + b1]! + mag * w1;
    }
  }
  const blocks = cells - block + 1, len = block * block * bins;
  const v = new Float64Array(len);
  let o = 0;
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      let k = 0;
      for (let cy = 0; cy < block; cy++) for (let cx = 0; cx < block; cx++) {
        const h = ((by + cy) * cells + bx + cx) * bins;
        for (let b = 0; b < bins; b++) v[k++] = hist[h + b]!;
      }
      l2Normalise(v);
      for (let i = 0; i < len; i++) v[i] = Math.min(v[i]!, clip);
      l2Normalise(v);
      for (let i = 0; i < len; i++) out[o++] = v[i]!;
    }
  }
  return out;
}

function l2Normalise(v: Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const k = 1 / Math.sqrt(s + 1e-6);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * k;
}

/** Features of a normalised crop: HOG, then the coarse patch (mean pooling, row-major). */
export function cropFeatures(crop: Float32Array, size: number, spec: FeatureSpec = DEFAULT_FEATURES, out = new Float32Array(featureLength(size, spec))): Float32Array {
  checkSpec(size, spec);
  const nh = hogLength(size, spec);
  hog(crop, size, spec, out.subarray(0, nh));
  if (spec.coarse > 0) {
    const k = size / spec.coarse;
    for (let r = 0; r < spec.coarse; r++) for (let c = 0; c < spec.coarse; c++) {
      let s = 0;
      for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) s += crop[(r * k + y) * size + c * k + x]!;
      out[nh + r * spec.coarse + c] = s / (k * k);
    }
  }
  return out;
}

/** The normalised crop of one face (window.size x window.size, row-major): what the features are computed from. */
export function faceCrop(image: PixelImage, sim: FaceSimilarity, window: CropWindow = DEFAULT_WINDOW): Float32Array {
  return normaliseCrop(cropFace(luminance(image), image.width, image.height, sim, window));
}

/** Crop, normalise, features: what the classifier sees of one face. */
export function faceFeatures(image: PixelImage, sim: FaceSimilarity, window: CropWindow = DEFAULT_WINDOW, spec: FeatureSpec = DEFAULT_FEATURES): Float32Array {
  return cropFeatures(faceCrop(image, sim, window), window.size, spec);
}

// ---------------------------------------------------------------------------------------------
// Multinomial logistic regression.

export interface SoftmaxModel {
  classes: number;
  dims: number;
  /** Per feature: mean and standard deviation of the training features (standardisation). */
  mean: Float32Array;
  std: Float32Array;
  /** classes x dims, on standardised features. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  /** L2 strength on the weights (the loss is the weighted mean cross-entropy + l2/2 |W|^2). */
  l2: number;
  epochs: number;
  batch: number;
  /** Adam's step size, decayed linearly to 0 over the run. */
  learningRate: number;
  seed: number;
  /** Weight each class by n / (classes * n_class) (default true). */
  balanced?: boolean;
  /** Called after each epoch. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** On the dev part, 30 epochs were no better than 12, and a step of 0.01 no better than 0.002. */
export const DEFAULT_TRAIN: Readonly<Omit<TrainOptions, 'l2' | 'seed'>> = Object.freeze({ epochs: 8, batch: 256, learningRate: 0.002, balanced: true });

/** Per-feature mean and standard deviation over n rows of x (n x dims); a constant feature gets std 1. */
export function featureStats(x: Float32Array, n: number, dims: number): { mean: Float32Array; std: Float32Array } {
  const m = new Float64Array(dims), v = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) m[j] = m[j]! + x[i * dims + j]!;
  for (let j = 0; j < dims; j++) m[j] = m[j]! / Math.max(n, 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) { const d = x[i * dims + j]! - m[j]!; v[j] = v[j]! + d * d; }
  const std = new Float32Array(dims);
  for (let j = 0; j < dims; j++) { const s = Math.sqrt(v[j]! / Math.max(n, 1)); std[j] = s > 1e-6 ? s : 1; }
  return { mean: Float32Array.from(m), std };
}

/** Standardises rows in place: (x - mean) / std. */
export function standardise(x: Float32Array, n: number, mean: Float32Array, std: Float32Array): void {
  const d = mean.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (x[i * d + j]! - mean[j]!) / std[j]!;
}

/**
 * Trains softmax regression on rows already standardised with (mean, std), labels 0..classes-1.
 * Deterministic: the batches follow a seeded shuffle per epoch; all sums in Float64.
 */
export function trainSoftmax(x: Float32Array, labels: Uint8Array, classes: number, stats: { mean: Float32Array; std: Float32Array }, o: TrainOptions): SoftmaxModel {
  const n = labels.length, d = stats.mean.length;
  if (x.length !== n * d) throw new EmoteBotError('bad-argument', `trainSoftmax: ${x.length} values for ${n} rows of ${d}`);
  if (n === 0) throw new EmoteBotError('bad-argument', 'trainSoftmax: no training rows');
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    if (labels[i]! >= classes) throw new EmoteBotError('bad-argument', `trainSoftmax: label ${labels[i]} outside 0..${classes - 1}`);
    counts[labels[i]!]!++;
  }
  const cw = new Float64Array(classes);
  for (let c = 0; c < classes; c++) cw[c] = (o.balanced ?? true) ? (counts[c]! > 0 ? n / (classes * counts[c]!) : 0) : 1;
  const P = classes * d;
  const w = new Float64Array(P + classes); // weights then biases
  const g = new Float64Array(P + classes), m1 = new Float64Array(P + classes), m2 = new Float64Array(P + classes);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(o.seed);
  const logits = new Float64Array(classes);
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const steps = o.epochs * Math.ceil(n / o.batch);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); const t = order[i]!; order[i] = order[j]!; order[j] = t; }
    let lossSum = 0, weightSum = 0;
    for (let start = 0; start < n; start += o.batch) {
      const end = Math.min(start + o.batch, n);
      g.fill(0);
      let bw = 0;
      for (let k = start; k < end; k++) bw += cw[labels[order[k]!]!]!;
      if (bw === 0) continue;
      for (let k = start; k < end; k++) {
        const i = order[k]!, y = labels[i]!, sw = cw[y]! / bw;
        const row = i * d;
        let max = -Infinity;
        for (let c = 0; c < classes; c++) {
          let s = w[P + c]!;
          const wc = c * d;
          for (let j = 0; j < d; j++) s += w[wc + j]! * x[row + j]!;
          logits[c] = s;
          if (s > max) max = s;
        }
        let z = 0;
        for (let c = 0; c < classes; c++) { logits[c] = Math.exp(logits[c]! - max); z += logits[c]!; }
        lossSum += cw[y]! * -Math.log(Math.max(logits[y]! / z, 1e-300));
        weightSum += cw[y]!;
        for (let c = 0; c < classes; c++) {
          const e = (logits[c]! / z - (c === y ? 1 : 0)) * sw;
          if (e === 0) continue;
          const wc = c * d;
          for (let j = 0; j < d; j++) g[wc + j] = g[wc + j]! + e * x[row + j]!;
          g[P + c] = g[P + c]! + e;
        }
      }
      for (let j = 0; j < P; j++) g[j] = g[j]! + o.l2 * w[j]!;
      step++;
      const lr = o.learningRate * (1 - (step - 1) / steps);
      const c1 = 1 - beta1 ** step, c2 = 1 - beta2 ** step;
      for (let j = 0; j < P + classes; j++) {
        m1[j] = beta1 * m1[j]! + (1 - beta1) * g[j]!;
        m2[j] = beta2 * m2[j]! + (1 - beta2) * g[j]! * g[j]!;
        w[j] = w[j]! - (lr * (m1[j]! / c1)) / (Math.sqrt(m2[j]! / c2) + eps);
      }
    }
    o.onEpoch?.(epoch + 1, lossSum / Math.max(weightSum, 1e-300));
  }
  return { classes, dims: d, mean: stats.mean, std: stats.std, weights: Float32Array.from(w.subarray(0, P)), bias: Float32Array.from(w.subarray(P)) };
}

/** Class probabilities of one raw (not standardised) feature row. */
export function predictProba(model: SoftmaxModel, features: ArrayLike<number>, out = new Float64Array(model.classes)): Float64Array {
  const { classes, dims: d, mean, std, weights, bias } = model;
  if (features.length !== d) throw new EmoteBotError('bad-argument', `predictProba: ${features.length} features, the model takes ${d}`);
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    let s = bias[c]!;
    for (let j = 0; j < d; j++) s += weights[c * d + j]! * ((features[j]! - mean[j]!) / std[j]!);
    out[c] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let c = 0; c < classes; c++) { out[c] = Math.exp(out[c]! - max); z += out[c]!; }
  for (let c = 0; c < classes; c++) out[c] = out[c]! / z;
  return out;
}

/** The most probable class of already standardised rows (n x dims): fast evaluation during training. */
export function predictStandardised(model: SoftmaxModel, x: Float32Array, n: number): Uint8Array {
  const { classes, dims: d, weights, bias } = model;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0, bestS = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = bias[c]!;
      for (let j = 0; j < d; j++) s += weights[c * d + j]! * x[i * d + j]!;
      if (s > bestS) { bestS = s; best = c; }
    }
    out[i] = best;
  }
  return out;
}

export interface ClassFigures {
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** Per class: correct / count (null when the class has no examples). */
  recall: (number | null)[];
  /** Mean of the per-class recalls that exist. */
  balancedRecall: number;
  accuracy: number;
  n: number;
}

export function classFigures(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): ClassFigures {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]!++;
    if (truth[i] === predicted[i]) correct++;
  }
  const recall = confusion.map((row, c) => { const s = row.reduce((a, b) => a + b, 0); return s ? row[c]! / s : null; });
  const present = recall.filter((r): r is number => r !== null);
  return { confusion, recall, balancedRecall: present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0, accuracy: truth.length ? correct / truth.length : 0, n: truth.length };
}

// ---------------------------------------------------------------------------------------------
// The model as a versioned asset (models/dev-classifier/).

export interface DevClassifier {
  readonly manifest: ModelManifest;
  readonly window: CropWindow;
  readonly features: FeatureSpec;
  readonly classes: readonly DevClass[];
  readonly softmax: SoftmaxModel;
}

/** The tensors of a trained classifier, for encodeModel. */
export function devClassifierTensors(m: SoftmaxModel): { name: string; shape: number[]; data: Float32Array }[] {
  return [
    { name: 'mean', shape: [m.dims], data: m.mean },
    { name: 'std', shape: [m.dims], data: m.std },
    { name: 'weights', shape: [m.classes, m.dims], data: m.weights },
    { name: 'bias', shape: [m.classes], data: m.bias },
  ];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function devClassifierFromLoaded(m: LoadedModel): DevClassifier {
  const arch = m.manifest.architecture as { window?: Partial<CropWindow>; features?: Partial<FeatureSpec>; classes?: unknown };
  const w = arch.window, f = arch.features;
  if (!w || !finite(w.xMin) || !finite(w.xMax) || !finite(w.yMin) || !finite(w.yMax) || !finite(w.z) || !finite(w.size) || !(w.xMax > w.xMin) || !(w.yMax > w.yMin) || !Number.isInteger(w.size) || w.size < 4) {
    throw new ModelError('the dev-classifier manifest does not give its crop window (architecture.window)');
  }
  if (!f || !finite(f.cell) || !finite(f.bins) || !finite(f.block) || !finite(f.clip) || !finite(f.coarse)) throw new ModelError('the dev-classifier manifest does not give its features (architecture.features)');
  const classes = arch.classes;
  if (!Array.isArray(classes) || classes.length !== DEV_CLASSES.length || !classes.every((c, i) => c === DEV_CLASSES[i])) {
    throw new ModelError(`the dev-classifier manifest's classes are not ${DEV_CLASSES.join(', ')}`);
  }
  const window: CropWindow = { xMin: w.xMin, xMax: w.xMax, yMin: w.yMin, yMax: w.yMax, z: w.z, size: w.size };
  const features: FeatureSpec = { cell: f.cell, bins: f.bins, block: f.block, clip: f.clip, coarse: f.coarse };
  let dims: number;
  try {
    checkSpec(window.size, features);
    dims = featureLength(window.size, features);
  } catch (e) {
    throw new ModelError(`the dev-classifier's window and features do not fit: ${e instanceof Error ? e.message : String(e)}`);
  }
  const k = DEV_CLASSES.length;
  const shape = (name: string) => m.manifest.tensors.find((t) => t.name === name)?.shape.join('x');
  if (shape('mean') !== `${dims}` || shape('std') !== `${dims}` || shape('weights') !== `${k}x${dims}` || shape('bias') !== `${k}`) {
    throw new ModelError(`the dev-classifier tensors do not match ${k} classes x ${dims} features`);
  }
  const softmax: SoftmaxModel = { classes: k, dims, mean: Float32Array.from(m.tensor('mean')), std: Float32Array.from(m.tensor('std')), weights: Float32Array.from(m.tensor('weights')), bias: Float32Array.from(m.tensor('bias')) };
  if (!softmax.std.every((s) => Number.isFinite(s) && s > 0) || !softmax.weights.every(Number.isFinite)) throw new ModelError('the dev-classifier weights are not finite');
  return { manifest: m.manifest, window, features, classes: DEV_CLASSES, softmax };
}

/** Checks the manifest and weights (format, name, version, SHA-256) and returns the classifier. */
export async function loadDevClassifier(manifestJson: unknown, weights: Uint8Array): Promise<DevClassifier> {
  return devClassifierFromLoaded(await decodeModel(manifestJson, weights, { name: DEV_MODEL_NAME, versions: DEV_MODEL_VERSIONS }));
}

/** Probabilities per class of the face with this similarity in the image. */
export function classifyFace(model: DevClassifier, image: PixelImage, sim: FaceSimilarity): Record<DevClass, number> {
  return classifyFaceWithCrop(model, image, sim).probabilities;
}

/**
 * Probabilities per class of the face with this similarity in the image, and the normalised crop
 * they were computed from (model.window.size squared values, row-major).
 */
export function classifyFaceWithCrop(model: DevClassifier, image: PixelImage, sim: FaceSimilarity): { probabilities: Record<DevClass, number>; crop: Float32Array } {
  const crop = faceCrop(image, sim, model.window);
  const p = predictProba(model.softmax, cropFeatures(crop, model.window.size, model.features));
  return { probabilities: Object.fromEntries(model.classes.map((c, i) => [c, p[i]!])) as Record<DevClass, number>, crop };
}
