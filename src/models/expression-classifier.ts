/**
 * A small emotion classifier (trained with tfjs, run as plain maths): standardised features ->
 * one hidden layer (leaky ReLU) -> softmax, trained on class-balanced batches. It measures how
 * much emotion a representation holds (aligned landmarks, expression codes) and how recognisable
 * generated faces are. It is trained on real faces only and never feeds back into the model.
 */
import type * as TF from '@tensorflow/tfjs';
import { createRng, gaussian, subSeed } from '../core/rng.ts';

export interface Classifier {
  dim: number;
  classes: number;
  /** Class probabilities of one row. */
  predict(row: ArrayLike<number>): Float64Array;
}

export interface ClassifierOptions {
  hidden: number;
  steps: number;
  batch: number;
  lr: number;
  l2: number;
  seed: number;
}

export const DEFAULT_CLASSIFIER: ClassifierOptions = { hidden: 64, steps: 1200, batch: 128, lr: 2e-3, l2: 1e-4, seed: 1 };

export async function trainClassifier(tf: typeof TF, X: Float32Array, dim: number, y: ArrayLike<number>, classes: number, o: ClassifierOptions = DEFAULT_CLASSIFIER): Promise<Classifier> {
  const n = y.length;
  const mean = new Float32Array(dim), inv = new Float32Array(dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) mean[t] = mean[t]! + X[i * dim + t]! / n;
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) inv[t] = inv[t]! + (X[i * dim + t]! - mean[t]!) ** 2 / n;
  for (let t = 0; t < dim; t++) inv[t] = 1 / Math.sqrt(inv[t]! + 1e-8);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]!]!.push(i);
  const present = byClass.map((m, c) => (m.length > 0 ? c : -1)).filter((c) => c >= 0);
  const rng = createRng(subSeed(o.seed, 'classifier'));
  const init = (a: number, b: number) => Float32Array.from({ length: a * b }, () => gaussian(rng) * Math.sqrt(2 / a) * 0.8);
  const [w1, b1, w2, b2] = tf.tidy(() => [
    tf.variable(tf.tensor2d(init(dim, o.hidden), [dim, o.hidden])),
    tf.variable(tf.zeros([o.hidden])),
    tf.variable(tf.tensor2d(init(o.hidden, classes), [o.hidden, classes])),
    tf.variable(tf.zeros([classes])),
  ] as const);
  const opt = tf.train.adam(o.lr);
  const xb = new Float32Array(o.batch * dim);
  const yb = new Int32Array(o.batch);
  try {
    for (let s = 0; s < o.steps; s++) {
      for (let k = 0; k < o.batch; k++) {
        const c = present[Math.floor(rng() * present.length)]!;
        const m = byClass[c]!;
        const i = m[Math.floor(rng() * m.length)]!;
        for (let t = 0; t < dim; t++) xb[k * dim + t] = (X[i * dim + t]! - mean[t]!) * inv[t]!;
        yb[k] = c;
      }
      tf.tidy(() => {
        const x = tf.tensor2d(xb, [o.batch, dim]);
        const labels = tf.oneHot(tf.tensor1d(yb, 'int32'), classes);
        opt.minimize(() => {
          const h = tf.leakyRelu(tf.add(tf.matMul(x, w1), b1), 0.2);
          const logits = tf.add(tf.matMul(h, w2), b2);
          const ce = tf.losses.softmaxCrossEntropy(labels, logits);
          return tf.add(ce, tf.mul(tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))), o.l2)) as TF.Scalar;
        }, false, [w1, b1, w2, b2]);
      });
      if (s % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    const W1 = w1.dataSync().slice(), B1 = b1.dataSync().slice(), W2 = w2.dataSync().slice(), B2 = b2.dataSync().slice();
    const H = o.hidden;
    return {
      dim, classes,
      predict(row) {
        const h = new Float64Array(H);
        for (let j = 0; j < H; j++) h[j] = B1[j]!;
        for (let t = 0; t < dim; t++) {
          const v = (row[t]! - mean[t]!) * inv[t]!;
          if (v === 0) continue;
          for (let j = 0; j < H; j++) h[j] = h[j]! + v * W1[t * H + j]!;
        }
        const p = new Float64Array(classes);
        for (let c = 0; c < classes; c++) p[c] = B2[c]!;
        for (let j = 0; j < H; j++) {
          const a = h[j]! > 0 ? h[j]! : 0.2 * h[j]!;
          for (let c = 0; c < classes; c++) p[c] = p[c]! + a * W2[j * classes + c]!;
        }
        const mx = Math.max(...p);
        let s = 0;
        for (let c = 0; c < classes; c++) { p[c] = Math.exp(p[c]! - mx); s += p[c]!; }
        for (let c = 0; c < classes; c++) p[c] = p[c]! / s;
        return p;
      },
    };
  } finally {
    for (const v of [w1, b1, w2, b2]) v.dispose();
    opt.dispose();
  }
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

/** Per-class recall and their mean (balanced accuracy) of predictions against truth. */
export function recallByClass(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): { recall: (number | null)[]; balanced: number; accuracy: number; counts: number[] } {
  const hit = new Array<number>(classes).fill(0), cnt = new Array<number>(classes).fill(0);
  let ok = 0;
  for (let i = 0; i < truth.length; i++) {
    cnt[truth[i]!]!++;
    if (truth[i] === predicted[i]) { hit[truth[i]!]!++; ok++; }
  }
  const recall = cnt.map((c, k) => (c > 0 ? hit[k]! / c : null));
  const r = recall.filter((v): v is number => v !== null);
  return { recall, balanced: r.reduce((a, b) => a + b, 0) / Math.max(1, r.length), accuracy: ok / Math.max(1, truth.length), counts: cnt };
}
