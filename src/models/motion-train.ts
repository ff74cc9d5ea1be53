/**
 * Training the motion GRU in @tensorflow/tfjs on the wasm backend (Node, no native TensorFlow).
 *
 * Examples are windows of real clips that start at a transition's trigger (or at rest): the
 * model starts from the real code and motion there, is given the transition's end state as
 * its target, and runs free (its own outputs fed back, the way the runtime runs it) for up to
 * `window` steps. The loss is the squared landmark distance (mm², through the rig basis) between
 * its trajectory and the real one, over the transition and a short hold after it (no further:
 * what the person does next is not in the target). Augmentation: time warping (clips resampled
 * 0.8-1.25 times as fast), mirroring (left and right units swap), amplitude scaling, and mixing
 * (two aligned transitions blended, their targets likewise). Clips are split before any of
 * this, so validation clips are never seen.
 *
 * The graph is the one learned-gru.ts steps at run time; motionNetFromVariables exports it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { AU_COUNT } from '../core/rig.ts';
import { createRng, gaussian, type Rng } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { inputSize, type MotionNet } from '../motion/learned-gru.ts';
import { MIRROR, type PreparedClip } from './motion-data.ts';

const require = createRequire(import.meta.url);
const D = AU_COUNT;

let ready: Promise<typeof tf> | null = null;
/** tfjs on the wasm backend, its .wasm files read from the package by file path. Idempotent. */
export function motionTf(): Promise<typeof tf> {
  ready ??= (async () => {
    if (tf.getBackend() !== 'wasm') {
      setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
      if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start');
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}

// ---------------------------------------------------------------------------------------------
// Examples

export interface Example {
  clip: PreparedClip;
  /** Step of the trigger. */
  start: number;
  /** Steps after the trigger that count in the loss. */
  len: number;
  /** Step whose code is the target. */
  goal: number;
}

export interface ExampleOptions {
  /** Steps per window. */
  window: number;
  /** Steps of hold kept after a transition's end (default 6, 0.2 s). */
  hold?: number;
  /** Rest windows per transition (default 0.25). */
  rest?: number;
}

/** Windows at every transition of a clip, plus some at rest. */
export function examplesOf(clip: PreparedClip, o: ExampleOptions): Example[] {
  const hold = o.hold ?? 6;
  const out: Example[] = [];
  const trs = clip.transitions;
  trs.forEach((tr, i) => {
    const run = clip.runs.find((r) => tr.start >= r.start && tr.start < r.end)!;
    const next = trs[i + 1];
    let limit = Math.min(run.end - 1, tr.end + hold);
    if (next && next.start < limit) limit = Math.max(next.start, tr.end);
    const len = Math.min(o.window, limit - tr.start);
    if (len >= 3) out.push({ clip, start: tr.start, len, goal: Math.min(tr.end, tr.start + o.window) });
  });
  // Rest: windows with no transition inside, target where the window ends.
  const wanted = Math.ceil(trs.length * (o.rest ?? 0.25));
  const busy = new Uint8Array(clip.speed.length);
  for (const tr of trs) for (let s = Math.max(0, tr.start - 3); s <= Math.min(busy.length - 1, tr.end + 3); s++) busy[s] = 1;
  const rests: Example[] = [];
  for (const run of clip.runs) {
    let s = run.start;
    while (s + 20 < run.end) {
      let e = s;
      while (e < run.end && !busy[e] && e - s < o.window) e++;
      if (e - s >= 20) { rests.push({ clip, start: s, len: e - s - 1, goal: e - 1 }); s = e; } else s = e + 1;
    }
  }
  const step = rests.length > wanted ? rests.length / wanted : 1;
  for (let k = 0; k < Math.min(wanted, rests.length); k++) out.push(rests[Math.floor(k * step)]!);
  return out;
}

export interface Batch {
  size: number;
  window: number;
  x0: Float32Array;
  v0: Float32Array;
  goal: Float32Array;
  /** window x size x D: the real code at steps 1..window. */
  real: Float32Array;
  /** window x size. */
  mask: Float32Array;
}

export interface Augment {
  mirror: boolean;
  /** Amplitude scale range (the whole code). */
  scale: [number, number];
  /** Per-unit amplitude scale range, drawn log-uniformly for each unit (so the model meets each unit at sizes the videos do not show, such as the prototypes'). */
  unitScale: [number, number];
  /** Probability of mixing with a second example. */
  mix: number;
}

export const NO_AUGMENT: Augment = { mirror: false, scale: [1, 1], unitScale: [1, 1], mix: 0 };

function fillExample(e: Example, window: number, perm: readonly number[] | null, scale: Float64Array,
  x0: Float32Array, v0: Float32Array, goal: Float32Array, real: Float32Array, mask: Float32Array, b: number, size: number, weight: number): void {
  const c = e.clip.codes;
  const prev = e.start > 0 && e.clip.runs.some((r) => e.start > r.start && e.start < r.end) ? e.start - 1 : e.start;
  for (let d = 0; d < D; d++) {
    const s = perm ? perm[d]! : d;
    x0[b * D + d] = x0[b * D + d]! + weight * scale[d]! * c[e.start * D + s]!;
    v0[b * D + d] = v0[b * D + d]! + weight * scale[d]! * (c[e.start * D + s]! - c[prev * D + s]!);
    goal[b * D + d] = goal[b * D + d]! + weight * scale[d]! * c[e.goal * D + s]!;
  }
  for (let k = 0; k < window; k++) {
    const st = Math.min(e.start + k + 1, e.start + e.len);
    for (let d = 0; d < D; d++) {
      const s = perm ? perm[d]! : d;
      real[(k * size + b) * D + d] = real[(k * size + b) * D + d]! + weight * scale[d]! * c[st * D + s]!;
    }
    mask[k * size + b] = k < e.len ? 1 : 0;
  }
}

/** A batch of examples (the ones given, in order, or drawn with augmentation). */
export function makeBatch(examples: readonly Example[], window: number, aug: Augment, rng: Rng | null): Batch {
  const size = examples.length;
  const x0 = new Float32Array(size * D), v0 = new Float32Array(size * D), goal = new Float32Array(size * D);
  const real = new Float32Array(window * size * D), mask = new Float32Array(window * size);
  examples.forEach((e, b) => {
    const mirror = aug.mirror && rng !== null && rng() < 0.5;
    const g = rng ? aug.scale[0] + (aug.scale[1] - aug.scale[0]) * rng() : 1;
    const lo = Math.log(aug.unitScale[0]), hi = Math.log(aug.unitScale[1]);
    const scale = Float64Array.from({ length: D }, () => g * (rng && hi > lo ? Math.exp(lo + (hi - lo) * rng()) : 1));
    const partner = rng && aug.mix > 0 && rng() < aug.mix ? examples[Math.floor(rng() * size)]! : null;
    if (partner && partner !== e) {
      const lambda = 0.3 + 0.4 * rng!();
      fillExample(e, window, mirror ? MIRROR : null, scale, x0, v0, goal, real, mask, b, size, lambda);
      fillExample(partner, window, mirror ? MIRROR : null, scale, x0, v0, goal, real, mask, b, size, 1 - lambda);
      const len = Math.min(e.len, partner.len);
      for (let k = 0; k < window; k++) mask[k * size + b] = k < len ? 1 : 0;
    } else {
      fillExample(e, window, mirror ? MIRROR : null, scale, x0, v0, goal, real, mask, b, size, 1);
    }
  });
  return { size, window, x0, v0, goal, real, mask };
}

// ---------------------------------------------------------------------------------------------
// The graph

export interface NetShape {
  hidden: number;
  dt: number;
  velocityScale: number;
  /** Per-unit input scale (AU_COUNT values); see learned-gru.ts. */
  inputScale: number[];
  /** Gain of the absolute code in the input; see learned-gru.ts. */
  absoluteGain: number;
  tauScales: number[];
  alphaMin: number;
}

export const DEFAULT_SHAPE: NetShape = { hidden: 32, dt: 1 / 30, velocityScale: 10, inputScale: new Array<number>(D).fill(1), absoluteGain: 0, tauScales: [0.1, 0.3, 1], alphaMin: 0.005 };

/** One over each unit's 98th percentile in the clips (at least 0.25), so units reach the net at similar sizes. */
export function inputScaleOf(clips: readonly PreparedClip[]): number[] {
  return Array.from({ length: D }, (_, d) => {
    const v: number[] = [];
    for (const c of clips) for (let k = 0; k < c.codes.length / D; k++) v.push(c.codes[k * D + d]!);
    v.sort((a, b) => a - b);
    const q = v.length ? v[Math.min(v.length - 1, Math.floor(v.length * 0.98))]! : 1;
    return 1 / Math.max(q, 0.25);
  });
}

export interface NetVariables {
  shape: NetShape;
  wx: tf.Variable; wh: tf.Variable; bx: tf.Variable; bh: tf.Variable; wo: tf.Variable; bo: tf.Variable;
}

/** Seeded initial weights: Glorot-uniform input and output weights, scaled-normal recurrent weights, rate bias near 0.12 a step. */
export function initVariables(shape: NetShape, seed: number): NetVariables {
  const rng = createRng(seed);
  const I = inputSize({ dims: D, tauScales: shape.tauScales }), H = shape.hidden;
  const glorot = (fanIn: number, fanOut: number) => Float32Array.from({ length: fanIn * fanOut }, () => (rng() * 2 - 1) * Math.sqrt(6 / (fanIn + fanOut)));
  const normal = (n: number, sd: number) => Float32Array.from({ length: n }, () => gaussian(rng) * sd);
  const bo = new Float32Array(D).fill(Math.log(0.12 / 0.88));
  const bx = new Float32Array(3 * H);
  // Update gate biased towards keeping the state (Keras-style forget bias).
  for (let j = 0; j < H; j++) bx[j] = 1;
  // Each initial value is released once its variable holds a copy.
  const v = <R extends tf.Rank>(t: tf.Tensor<R>): tf.Variable<R> => { const x = tf.variable(t); t.dispose(); return x; };
  return {
    shape,
    wx: v(tf.tensor2d(glorot(I, 3 * H), [I, 3 * H])), wh: v(tf.tensor2d(normal(H * 3 * H, 1 / Math.sqrt(H)), [H, 3 * H])),
    bx: v(tf.tensor1d(bx)), bh: v(tf.zeros([3 * H])),
    wo: v(tf.tensor2d(glorot(H, D), [H, D])), bo: v(tf.tensor1d(bo)),
  };
}

export function disposeVariables(v: NetVariables): void {
  for (const t of [v.wx, v.wh, v.bx, v.bh, v.wo, v.bo]) t.dispose();
}

/** Free-running rollout in tfjs: returns `steps` tensors [B, D] (steps 1..steps). Call inside tidy. */
export function rolloutTf(v: NetVariables, x0: tf.Tensor2D, v0: tf.Tensor2D, goal: tf.Tensor2D, steps: number): tf.Tensor2D[] {
  const s = v.shape, H = s.hidden, B = x0.shape[0];
  let x = x0, vel = v0;
  let h: tf.Tensor2D = tf.zeros([B, H]);
  const out: tf.Tensor2D[] = [];
  const one = tf.scalar(1), am = tf.scalar(s.alphaMin);
  const c = tf.tensor2d([s.inputScale], [1, D]), cv = c.mul(s.velocityScale), ca = c.mul(s.absoluteGain);
  for (let k = 0; k < steps; k++) {
    const tau = k * s.dt;
    const feats = tf.tile(tf.tensor2d([s.tauScales.map((sc) => Math.exp(-tau / sc))]), [B, 1]);
    const u = tf.concat([x.mul(ca), goal.sub(x).mul(c), vel.mul(cv), feats], 1);
    const gx = u.matMul(v.wx).add(v.bx);
    const gh = h.matMul(v.wh).add(v.bh);
    const [xz, xr, xn] = tf.split(gx, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const [hz, hr, hn] = tf.split(gh, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const z = tf.sigmoid(xz.add(hz));
    const r = tf.sigmoid(xr.add(hr));
    const n = tf.tanh(xn.add(r.mul(hn)));
    h = z.mul(h).add(one.sub(z).mul(n));
    const a = am.add(one.sub(am).mul(tf.sigmoid(h.matMul(v.wo).add(v.bo))));
    const next = x.add(a.mul(goal.sub(x))) as tf.Tensor2D;
    vel = next.sub(x);
    x = next;
    out.push(next);
  }
  return out;
}

/**
 * Masked mean squared landmark error (mm²) of a batch's free-running rollout, plus (with
 * `unitWeight`) the mean squared per-unit error in input-scale units, so that small units (brows,
 * lids) have their timing learned too, not only the mouth that dominates landmark distances.
 */
function batchLoss(v: NetVariables, b: Batch, G: tf.Tensor2D, unitWeight = 0, landmarkOut?: (t: tf.Scalar) => void, velocityWeight = 0): tf.Scalar {
  const x0 = tf.tensor2d(b.x0, [b.size, D]), v0 = tf.tensor2d(b.v0, [b.size, D]), goal = tf.tensor2d(b.goal, [b.size, D]);
  const real = tf.tensor3d(b.real, [b.window, b.size, D]);
  const mask = tf.tensor2d(b.mask, [b.window, b.size]);
  const xs = tf.stack(rolloutTf(v, x0, v0, goal, b.window)) as tf.Tensor3D;
  const e = xs.sub(real).reshape([b.window * b.size, D]) as tf.Tensor2D;
  const m = mask.reshape([b.window * b.size]);
  const count = mask.sum().maximum(1);
  const landmark = e.matMul(G).mul(e).sum(1).mul(100 / LANDMARK_COUNT).mul(m).sum().div(count) as tf.Scalar;
  landmarkOut?.(landmark);
  let total: tf.Scalar = landmark;
  if (unitWeight > 0) {
    const unit = e.mul(tf.tensor2d([v.shape.inputScale], [1, D])).square().mean(1).mul(m).sum().div(count);
    total = total.add(unit.mul(unitWeight));
  }
  if (velocityWeight > 0) {
    // Per-step motion against the real per-step motion (landmark mm² per step): the shape of the
    // velocity profile, not only where the face is.
    const prevX = tf.concat([x0.expandDims(0), xs.slice([0, 0, 0], [b.window - 1, b.size, D])], 0);
    const prevR = tf.concat([x0.expandDims(0), real.slice([0, 0, 0], [b.window - 1, b.size, D])], 0);
    const ev = xs.sub(prevX).sub(real.sub(prevR)).reshape([b.window * b.size, D]) as tf.Tensor2D;
    const vel = ev.matMul(G).mul(ev).sum(1).mul(100 / LANDMARK_COUNT).mul(m).sum().div(count);
    total = total.add(vel.mul(velocityWeight));
  }
  return total;
}

export function motionNetFromVariables(v: NetVariables): MotionNet {
  const s = v.shape;
  return {
    dims: D, hidden: s.hidden, dt: s.dt, velocityScale: s.velocityScale, inputScale: Float32Array.from(s.inputScale), absoluteGain: s.absoluteGain, tauScales: [...s.tauScales], alphaMin: s.alphaMin,
    wx: Float32Array.from(v.wx.dataSync()), wh: Float32Array.from(v.wh.dataSync()), bx: Float32Array.from(v.bx.dataSync()),
    bh: Float32Array.from(v.bh.dataSync()), wo: Float32Array.from(v.wo.dataSync()), bo: Float32Array.from(v.bo.dataSync()),
  };
}

// ---------------------------------------------------------------------------------------------
// Training

export interface TrainOptions {
  seed: number;
  shape?: Partial<NetShape>;
  /** Steps per window (default 40, 1.33 s). */
  window?: number;
  batch?: number;
  /** Optimiser steps. */
  iterations: number;
  /** Adam learning rate at the start; it falls to a tenth along a cosine. */
  lr?: number;
  /** Weight of the per-unit error term (default 1). */
  unitWeight?: number;
  /** L2 penalty on the weight matrices (default 0). */
  weightDecay?: number;
  /** Weight of the per-step motion error (default 30). */
  velocityWeight?: number;
  augment?: Augment;
  /** Validate every this many steps (and at the end). */
  evalEvery?: number;
  /** Stop (and say so) when training has taken this long, seconds. */
  maxSeconds?: number;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainProgress { iteration: number; iterations: number; train: number; val: number | null; seconds: number }

export interface TrainResult {
  net: MotionNet;
  /** RMS landmark error (mm) of the free-running rollouts, training (augmented, running mean) and validation. */
  history: { iteration: number; train: number; val: number | null; seconds: number }[];
  iterations: number;
  seconds: number;
  stoppedEarly: boolean;
  examples: { train: number; val: number };
  /** RMS landmark error (mm) on a fixed sample of training examples (no augmentation), before and after training. */
  fit: { before: number; after: number };
}

export const DEFAULT_AUGMENT: Augment = { mirror: true, scale: [0.75, 1.25], unitScale: [0.4, 2.5], mix: 0.25 };

/** RMS landmark error (mm) over a fixed set of examples, no augmentation. */
export function validationLoss(v: NetVariables, examples: readonly Example[], window: number, G: tf.Tensor2D): number {
  if (examples.length === 0) return NaN;
  let sum = 0, weight = 0;
  for (let i = 0; i < examples.length; i += 128) {
    const part = examples.slice(i, i + 128);
    const b = makeBatch(part, window, NO_AUGMENT, null);
    const m = b.mask.reduce((a, x) => a + x, 0);
    const l = tf.tidy(() => batchLoss(v, b, G));
    sum += l.dataSync()[0]! * m;
    weight += m;
    l.dispose();
  }
  return Math.sqrt(sum / Math.max(weight, 1));
}

/**
 * Trains on the training clips (each given at every time-warp rate) and reports the validation
 * clips' error as it goes; the validation figures choose nothing (the last weights are kept).
 */
export async function trainMotion(train: readonly PreparedClip[], val: readonly PreparedClip[], G: Float64Array, o: TrainOptions): Promise<TrainResult> {
  await motionTf();
  const shape = { ...DEFAULT_SHAPE, inputScale: inputScaleOf(train), ...o.shape };
  const unitWeight = o.unitWeight ?? 1, decay = o.weightDecay ?? 0;
  const window = o.window ?? 40, batch = o.batch ?? 32, lr0 = o.lr ?? 3e-3;
  const aug = o.augment ?? DEFAULT_AUGMENT;
  const trainEx = train.flatMap((c) => examplesOf(c, { window }));
  const valEx = val.flatMap((c) => examplesOf(c, { window }));
  if (trainEx.length === 0) throw new Error('no training examples: the training clips show no transitions');
  const rng = createRng(o.seed ^ 0x7f4a7c15);
  const vars = initVariables(shape, o.seed);
  const Gt = tf.tensor2d(Float32Array.from(G), [D, D]);
  const optimizer = tf.train.adam(lr0);
  const list = [vars.wx, vars.wh, vars.bx, vars.bh, vars.wo, vars.bo];
  const history: TrainResult['history'] = [];
  const fitSample = Array.from({ length: Math.min(256, trainEx.length) }, (_, k) => trainEx[Math.floor((k * trainEx.length) / Math.min(256, trainEx.length))]!);
  const before = validationLoss(vars, fitSample, window, Gt);
  const t0 = performance.now();
  let running = NaN, stoppedEarly = false, it = 0;
  const evalEvery = o.evalEvery ?? 100;
  try {
    for (it = 0; it < o.iterations; it++) {
      const seconds = (performance.now() - t0) / 1000;
      if (o.maxSeconds !== undefined && seconds > o.maxSeconds) { stoppedEarly = true; break; }
      // Cosine decay to a tenth of the starting rate. (tfjs's Adam reads this field on every step.)
      Object.assign(optimizer, { learningRate: lr0 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * it / o.iterations))) });
      const picks = Array.from({ length: batch }, () => trainEx[Math.floor(rng() * trainEx.length)]!);
      const b = makeBatch(picks, window, aug, rng);
      let landmark: tf.Scalar | null = null;
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const l = batchLoss(vars, b, Gt, unitWeight, (t) => { landmark = tf.keep(t); }, o.velocityWeight ?? 30);
          if (!(decay > 0)) return l;
          return l.add(tf.addN([vars.wx, vars.wh, vars.wo].map((w) => w.square().sum())).mul(decay)) as tf.Scalar;
        }, list);
        // Clip by global norm 1.
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum())));
        const k = tf.minimum(tf.scalar(1), tf.scalar(1).div(norm.add(1e-6)));
        optimizer.applyGradients(Object.entries(grads).map(([name, g]) => ({ name, tensor: g.mul(k) })));
        return value;
      });
      loss.dispose();
      const kept = landmark as tf.Scalar | null;
      const lv = kept ? Math.sqrt(kept.dataSync()[0]!) : NaN;
      kept?.dispose();
      running = Number.isNaN(running) ? lv : 0.95 * running + 0.05 * lv;
      const last = it + 1 === o.iterations;
      if ((it + 1) % evalEvery === 0 || last) {
        const valLoss = valEx.length ? validationLoss(vars, valEx, window, Gt) : null;
        const entry = { iteration: it + 1, train: running, val: valLoss, seconds: (performance.now() - t0) / 1000 };
        history.push(entry);
        o.onProgress?.({ ...entry, iterations: o.iterations });
      }
    }
    if (stoppedEarly && history[history.length - 1]?.iteration !== it) {
      const valLoss = valEx.length ? validationLoss(vars, valEx, window, Gt) : null;
      history.push({ iteration: it, train: running, val: valLoss, seconds: (performance.now() - t0) / 1000 });
    }
    const net = motionNetFromVariables(vars);
    const after = validationLoss(vars, fitSample, window, Gt);
    return { net, history, iterations: it, seconds: (performance.now() - t0) / 1000, stoppedEarly, examples: { train: trainEx.length, val: valEx.length }, fit: { before, after } };
  } finally {
    optimizer.dispose();
    Gt.dispose();
    disposeVariables(vars);
  }
}
