/**
 * The dev classifier's pure parts on synthetic data: the aligned crop, HOG, the softmax
 * regression, the figures, and the model as a versioned asset (round trip, hash refusal).
 */
import { describe, expect, it } from 'vitest';
import { createRng, gaussian } from '../core/rng.ts';
import { encodeModel, ModelError } from '../models/manifest.ts';
import {
  classFigures, classifyFace, classifyFaceWithCrop, cropFace, cropFeatures, type CropWindow, DEFAULT_FEATURES, DEFAULT_WINDOW, DEV_CLASSES, DEV_MODEL_NAME, DEV_MODEL_VERSION,
  devClassifierTensors, faceCrop, type FeatureSpec, featureLength, featureStats, hog, hogLength, loadDevClassifier, luminance, mirrorCrop, normaliseCrop,
  predictProba, predictStandardised, similarityRow, type SoftmaxModel, standardise, trainSoftmax,
} from './dev-classifier.ts';

/** Canonical (y up) to image (y down): scale 2, half a turn about x, origin at (50, 40). */
const SIM = { scale: 2, rotation: [1, 0, 0, 0, -1, 0, 0, 0, -1], translation: [50, 40, 0] };

function ramp(width: number, height: number, f: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = f(x, y);
  return out;
}

describe('the aligned crop', () => {
  it('samples each output pixel centre through the similarity (bilinear)', () => {
    const w = DEFAULT_WINDOW, n = w.size;
    const dx = (w.xMax - w.xMin) / n, dy = (w.yMax - w.yMin) / n;
    // Image value = its pixel coordinate (pixel centres at +0.5), so bilinear sampling is exact.
    const byX = cropFace(ramp(100, 100, (x) => x + 0.5), 100, 100, SIM);
    const byY = cropFace(ramp(100, 100, (_x, y) => y + 0.5), 100, 100, SIM);
    for (const [r, c] of [[0, 0], [0, n - 1], [n - 1, 0], [17, 30]] as const) {
      const cx = w.xMin + (c + 0.5) * dx, cy = w.yMax - (r + 0.5) * dy;
      expect(byX[r * n + c]).toBeCloseTo(2 * cx + 50, 4);
      expect(byY[r * n + c]).toBeCloseTo(-2 * cy + 40, 4);
    }
    // Row 0 is the top of the window (the brows): image y grows down the crop.
    expect(byY[(n - 1) * n]!).toBeGreaterThan(byY[0]!);
  });

  it('clamps at the image edges and reads grey, RGB and RGBA alike', () => {
    const far = { ...SIM, translation: [-1000, -1000, 0] };
    const img = ramp(10, 10, (x, y) => x + 10 * y);
    expect(cropFace(img, 10, 10, far).every((v) => v === img[0])).toBe(true);
    const rgb = { data: new Uint8Array([10, 20, 30, 200, 100, 0]), width: 2, height: 1, channels: 3 as const };
    const rgba = { data: new Uint8Array([10, 20, 30, 255, 200, 100, 0, 255]), width: 2, height: 1, channels: 4 as const };
    const want = [0.299 * 10 + 0.587 * 20 + 0.114 * 30, 0.299 * 200 + 0.587 * 100];
    expect(Array.from(luminance(rgb))).toEqual(want.map((v) => Math.fround(v)));
    expect(Array.from(luminance(rgba))).toEqual(want.map((v) => Math.fround(v)));
    expect(() => luminance({ ...rgb, width: 3 })).toThrow(/values for a 3x1x3 image/);
  });

  it('reads the 13-float similarity rows of a dataset', () => {
    const rows = new Float32Array(26);
    rows.set([2, 1, 0, 0, 0, -1, 0, 0, 0, -1, 50, 40, 0], 13);
    const s = similarityRow(rows, 1);
    expect(s.scale).toBe(2);
    expect(Array.from(s.rotation)).toEqual(SIM.rotation);
    expect(Array.from(s.translation)).toEqual([50, 40, 0]);
  });

  it('normalises to mean 0, std 1, and mirrors by reversing columns', () => {
    const crop = normaliseCrop(ramp(48, 48, (x, y) => 3 * x + y * y));
    const mean = crop.reduce((a, b) => a + b, 0) / crop.length;
    const std = Math.sqrt(crop.reduce((a, b) => a + (b - mean) ** 2, 0) / crop.length);
    expect(mean).toBeCloseTo(0, 5);
    expect(std).toBeCloseTo(1, 5);
    expect(normaliseCrop(new Float32Array(16).fill(7)).every((v) => v === 0)).toBe(true);
    const m = mirrorCrop(crop, 48);
    expect(m[5]).toBe(crop[42]);
    expect(Array.from(mirrorCrop(m, 48))).toEqual(Array.from(crop));
  });
});

/** Sum of the HOG values per orientation bin over every block. */
function binTotals(h: Float32Array, bins: number): number[] {
  const t = new Array<number>(bins).fill(0);
  for (let i = 0; i < h.length; i++) t[i % bins]! += h[i]!;
  return t;
}

describe('HOG features', () => {
  it('puts a vertical edge in the 0-degree bin and a horizontal one between 80 and 100 degrees', () => {
    const vertical = ramp(48, 48, (x) => (x < 24 ? 0 : 1));
    const horizontal = ramp(48, 48, (_x, y) => (y < 24 ? 0 : 1));
    const v = binTotals(hog(vertical, 48), 9), h = binTotals(hog(horizontal, 48), 9);
    expect(v.indexOf(Math.max(...v))).toBe(0);
    expect(v.slice(1).every((x) => x < 1e-6)).toBe(true);
    expect(h[4]).toBeCloseTo(h[5]!, 6); // 90 degrees: halfway between the bins centred at 80 and 100
    expect(h[4]! + h[5]!).toBeCloseTo(h.reduce((a, b) => a + b, 0), 6);
  });

  it('has the documented length, L2-Hys blocks, and is deterministic', () => {
    expect(hogLength(48)).toBe(11 * 11 * 4 * 9);
    expect(featureLength(48)).toBe(11 * 11 * 4 * 9 + 144);
    const rng = createRng(3);
    const crop = normaliseCrop(ramp(48, 48, () => rng()));
    const a = cropFeatures(crop, 48), b = cropFeatures(crop, 48);
    expect(a).toHaveLength(featureLength(48));
    expect(Array.from(a)).toEqual(Array.from(b));
    const block = a.subarray(0, 36);
    expect(Math.sqrt(block.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 3);
    // The coarse patch is the mean of each 4x4 block of the crop.
    let s = 0;
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) s += crop[y * 48 + x]!;
    expect(a[hogLength(48)]).toBeCloseTo(s / 16, 5);
  });

  it('refuses a crop that does not fit the cells', () => {
    expect(() => hog(new Float32Array(50 * 50), 50)).toThrow(/not a multiple/);
  });
});

/** n points per class around well separated centres in d dimensions. */
function blobs(classes: number, n: number, d: number, seed: number): { x: Float32Array; y: Uint8Array } {
  const rng = createRng(seed);
  const x = new Float32Array(classes * n * d), y = new Uint8Array(classes * n);
  for (let c = 0; c < classes; c++) for (let i = 0; i < n; i++) {
    const k = c * n + i;
    y[k] = c;
    for (let j = 0; j < d; j++) x[k * d + j] = (j === c ? 4 : 0) + 0.5 * gaussian(rng);
  }
  return { x, y };
}

describe('softmax regression', () => {
  it('learns a separable problem, deterministically, with class weights for a rare class', () => {
    const d = 5;
    const { x, y } = blobs(3, 60, d, 7);
    // Make class 2 rare: keep 6 of its 60 rows.
    const keep = Array.from(y.keys()).filter((i) => y[i] !== 2 || i % 10 === 0);
    const xs = new Float32Array(keep.length * d), ys = Uint8Array.from(keep.map((i) => y[i]!));
    keep.forEach((i, k) => xs.set(x.subarray(i * d, (i + 1) * d), k * d));
    const stats = featureStats(xs, keep.length, d);
    const raw = xs.slice();
    standardise(xs, keep.length, stats.mean, stats.std);
    const train = () => trainSoftmax(xs, ys, 3, stats, { l2: 1e-3, epochs: 40, batch: 16, learningRate: 0.05, seed: 1 });
    const m = train();
    const f = classFigures(ys, predictStandardised(m, xs, keep.length), 3);
    expect(f.balancedRecall).toBe(1);
    expect(Array.from(train().weights)).toEqual(Array.from(m.weights));
    // predictProba takes raw features and standardises them itself.
    const p = predictProba(m, raw.subarray(0, d));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(p.indexOf(Math.max(...p))).toBe(ys[0]);
  });

  it('refuses bad input', () => {
    const stats = { mean: new Float32Array(2), std: new Float32Array(2).fill(1) };
    expect(() => trainSoftmax(new Float32Array(3), new Uint8Array(2), 2, stats, { l2: 0, epochs: 1, batch: 1, learningRate: 0.1, seed: 1 })).toThrow(/values for 2 rows/);
    expect(() => trainSoftmax(new Float32Array(4), Uint8Array.from([0, 5]), 2, stats, { l2: 0, epochs: 1, batch: 1, learningRate: 0.1, seed: 1 })).toThrow(/label 5/);
  });

  it('counts recall per class and its mean over the classes present', () => {
    const f = classFigures([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 0, 2], 4);
    expect(f.confusion[0]).toEqual([1, 1, 0, 0]);
    expect(f.recall).toEqual([0.5, 2 / 3, 1, null]);
    expect(f.balancedRecall).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 12);
    expect(f.accuracy).toBeCloseTo(4 / 6, 12);
  });
});

describe('the dev classifier as a versioned model', () => {
  const window: CropWindow = { ...DEFAULT_WINDOW, size: 12 };
  const features: FeatureSpec = { ...DEFAULT_FEATURES, coarse: 3 };
  const dims = featureLength(12, features);
  const rng = createRng(5);
  const softmax: SoftmaxModel = {
    classes: DEV_CLASSES.length, dims, mean: new Float32Array(dims), std: new Float32Array(dims).fill(1),
    weights: Float32Array.from({ length: DEV_CLASSES.length * dims }, () => rng() - 0.5), bias: new Float32Array(DEV_CLASSES.length),
  };
  const encode = () => encodeModel({
    name: DEV_MODEL_NAME, version: DEV_MODEL_VERSION, created: '2026-01-01T00:00:00Z',
    architecture: { window, features, classes: [...DEV_CLASSES] },
    training: { command: 'test', seed: 1, seconds: 0, data: {} }, metrics: {},
  }, devClassifierTensors(softmax));

  it('round-trips through the manifest and classifies a face', async () => {
    const { manifest, weights } = await encode();
    const m = await loadDevClassifier(JSON.parse(JSON.stringify(manifest)), weights);
    expect(m.window).toEqual(window);
    expect(m.features).toEqual(features);
    expect(Array.from(m.softmax.weights)).toEqual(Array.from(softmax.weights));
    const image = { data: Uint8Array.from({ length: 100 * 100 * 3 }, (_, i) => (i * 7) % 256), width: 100, height: 100, channels: 3 as const };
    const p = classifyFace(m, image, SIM);
    expect(Object.keys(p)).toEqual([...DEV_CLASSES]);
    expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(classifyFace(m, image, SIM)).toEqual(p);
    // The crop it classified comes back with the same probabilities, and is the face's normalised crop.
    const both = classifyFaceWithCrop(m, image, SIM);
    expect(both.probabilities).toEqual(p);
    expect(Array.from(both.crop)).toEqual(Array.from(faceCrop(image, SIM, window)));
    expect(Array.from(both.crop)).toEqual(Array.from(normaliseCrop(cropFace(luminance(image), 100, 100, SIM, window))));
  });

  it('refuses changed weights, another model, and a manifest whose shapes do not fit', async () => {
    const { manifest, weights } = await encode();
    const bad = weights.slice();
    bad[10] = bad[10]! ^ 1;
    await expect(loadDevClassifier(manifest, bad)).rejects.toThrow(/SHA-256/);
    await expect(loadDevClassifier({ ...manifest, name: 'mouth-interior' }, weights)).rejects.toThrow(ModelError);
    await expect(loadDevClassifier({ ...manifest, architecture: { ...manifest.architecture, features: { ...features, coarse: 4 } } }, weights)).rejects.toThrow(/do not fit|do not match/);
    await expect(loadDevClassifier({ ...manifest, architecture: { ...manifest.architecture, classes: ['happy'] } }, weights)).rejects.toThrow(/classes/);
  });
});
