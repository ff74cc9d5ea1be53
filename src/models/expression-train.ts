/**
 * Training the conditional GAN over expression codes with tfjs (wasm backend in Node).
 *
 * Generator: [emotion one-hot (GAN_EMOTIONS), intensity, noise] -> dense layers with leaky ReLU
 * -> softplus x per-unit scale = a code (action-unit activations, ≥ 0). Discriminator: [code /
 * scale, condition] -> dense layers with leaky ReLU -> logit. Neutral faces train the generator
 * too: they are "any emotion at intensity 0", which teaches it that intensity 0 is a neutral face.
 *
 * Stabilisers, each a switch so a run can measure what it does: class-balanced sampling
 * (natural, square-root or uniform class frequencies), one-sided label smoothing, an R1
 * gradient penalty on real codes (Mescheder et al. 2018), left-right mirroring of real codes.
 *
 * Deterministic for a seed: weights are initialised and batches drawn from the project's seeded
 * generator, and the wasm backend runs single-threaded.
 */
import type * as TF from '@tensorflow/tfjs';
import { ACTION_UNITS, AU_COUNT } from '../core/rig.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import { COND_DIM, GAN_EMOTIONS, type GeneratorWeights } from './expression-gan.ts';

export interface GanData {
  n: number;
  /** n x AU_COUNT raw codes. */
  codes: Float32Array;
  /** GAN_EMOTIONS slot per face, -1 for neutral. */
  slot: Int8Array;
  /** 0..1 per face (0 for neutral). */
  intensity: Float32Array;
}

export type Balance = 'natural' | 'sqrt' | 'uniform';

export interface GanConfig {
  seed: number;
  steps: number;
  batch: number;
  noiseDim: number;
  nuisanceDim: number;
  generatorHidden: number[];
  nuisanceHidden: number[];
  discriminatorHidden: number[];
  lrG: number;
  lrD: number;
  beta1: number;
  beta2: number;
  /** R1 penalty weight γ (the loss adds γ/2 E|∇D(real)|²); 0 turns it off. */
  r1: number;
  /** Target for real samples in the discriminator's loss (1: no smoothing). */
  realLabel: number;
  balance: Balance;
  /** Share of each batch drawn from neutral faces (intensity 0). */
  neutralShare: number;
  /** Real codes mirrored left-right at random. */
  mirror: boolean;
  /** Exponential moving average of the generator's weights (0: none); validation and the result use the average. */
  ema: number;
  /**
   * Weight of class-mean matching in the generator's loss (feature matching on the samples
   * themselves, Salimans et al. 2016): the squared distance, in scale units, between each
   * condition's mean generated and mean real sample in the batch; 0 turns it off.
   */
  meanMatch?: number;
  /** GAN_EMOTIONS slots to learn (the others fall back to the rig). */
  learned: boolean[];
}

export const DEFAULT_GAN_CONFIG: Omit<GanConfig, 'learned'> = {
  seed: 1, steps: 8000, batch: 128, noiseDim: 8, nuisanceDim: 8, generatorHidden: [64, 64], nuisanceHidden: [32], discriminatorHidden: [64, 64],
  // Chosen from the short runs `emotebot train expressions` makes on the dev part (see its report):
  // without R1 or weight averaging the dev Fréchet distance was much worse; uniform class
  // frequencies beat square-root and natural ones (most for the rare emotions); label smoothing
  // did not help.
  lrG: 1e-3, lrD: 1e-3, beta1: 0.5, beta2: 0.9, r1: 1, realLabel: 1, balance: 'uniform', neutralShare: 0.2, mirror: true, ema: 0.995,
};

export interface StepLog { step: number; dLoss: number; gLoss: number; r1: number; dReal: number; dFake: number }

export interface TrainHooks {
  /** Steps between validations (default steps / 20). */
  every?: number;
  /** Scores the generator so far; lower is better; the best is kept. */
  validate?(step: number, generator: GeneratorWeights): number;
  onProgress?(step: number, total: number): void;
  /** Checked between steps; stops training early (the best so far is returned). */
  signal?: AbortSignal;
}

export interface TrainResult {
  generator: GeneratorWeights;
  /** Every `logEvery` steps, means over the steps since the last entry. */
  history: StepLog[];
  validation: { step: number; score: number }[];
  bestStep: number;
  seconds: number;
  steps: number;
}

/** Per action unit: the code scale the networks work in (the 95th percentile of real codes, at least 0.02). */
export function codeScale(data: GanData): Float32Array {
  const scale = new Float32Array(AU_COUNT);
  const col = new Float64Array(data.n);
  for (let a = 0; a < AU_COUNT; a++) {
    for (let i = 0; i < data.n; i++) col[i] = data.codes[i * AU_COUNT + a]!;
    col.sort();
    scale[a] = Math.max(0.02, col[Math.floor(0.95 * (data.n - 1))] ?? 0);
  }
  return scale;
}

const MIRROR: number[] = ACTION_UNITS.map((au) => {
  const m = au.endsWith('L') ? au.slice(0, -1) + 'R' : au.endsWith('R') ? au.slice(0, -1) + 'L' : au;
  return ACTION_UNITS.indexOf(m as (typeof ACTION_UNITS)[number]);
});

/** A code seen in a mirror: left and right units swapped. */
export function mirrorCode(code: ArrayLike<number>, out = new Float64Array(AU_COUNT)): Float64Array {
  for (let a = 0; a < AU_COUNT; a++) out[a] = code[MIRROR[a]!]!;
  return out;
}

interface Dense { w: TF.Variable; b: TF.Variable; inDim: number; outDim: number }

export async function trainGan(tf: typeof TF, data: GanData, config: GanConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const scale = codeScale(data);
  return trainConditionalGan(tf, { n: data.n, dim: AU_COUNT, x: data.codes, slot: data.slot, intensity: data.intensity }, config, {
    scale, output: 'softplus', mirror: config.mirror ? (src, out) => mirrorCode(src, out) : undefined,
  }, hooks);
}

/** What a conditional GAN learns from: n samples of `dim` numbers with their condition. */
export interface ConditionalData {
  n: number;
  dim: number;
  /** n x dim samples. */
  x: Float32Array;
  /** GAN_EMOTIONS slot per sample, -1 for neutral. */
  slot: Int8Array;
  /** 0..1 per sample (0 for neutral). */
  intensity: Float32Array;
}

export interface OutputSpec {
  /** Per dimension: the scale the networks work in (the discriminator sees x / scale). */
  scale: Float32Array;
  /**
   * 'softplus': x = softplus(N + t E) x scale (non-negative, as action units);
   * 'linear': x = (N + t E) x scale (signed, as texture coefficients).
   */
  output: 'softplus' | 'linear';
  /** Mirrors a real sample left-right (applied at random to half the batch), when given. */
  mirror?: (src: Float32Array, out: Float64Array<ArrayBuffer>) => Float64Array;
}

/**
 * The conditional GAN of this module over any sample space (expression codes here, texture
 * coefficients in detail-train.ts): the nuisance and expression branches, the stabilisers and
 * the validation keeping described at the top.
 */
export async function trainConditionalGan(tf: typeof TF, data: ConditionalData, config: Omit<GanConfig, 'mirror'>, out: OutputSpec, hooks: TrainHooks = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const rng = createRng(subSeed(config.seed, 'gan'));
  const DIM = data.dim;
  const scale = out.scale;
  if (scale.length !== DIM) throw new Error(`the output scale has ${scale.length} values for ${DIM} dimensions`);
  const slots = GAN_EMOTIONS.length;
  const members: number[][] = Array.from({ length: slots }, () => []);
  const neutral: number[] = [];
  for (let i = 0; i < data.n; i++) {
    const s = data.slot[i]!;
    if (s < 0) neutral.push(i);
    else if (config.learned[s]) members[s]!.push(i);
  }
  const active = members.map((m, s) => (m.length > 0 ? s : -1)).filter((s) => s >= 0);
  if (active.length === 0) throw new Error('no emotion has faces to learn from');
  const power = config.balance === 'natural' ? 1 : config.balance === 'sqrt' ? 0.5 : 0;
  const classW = active.map((s) => members[s]!.length ** power);
  const classSum = classW.reduce((a, b) => a + b, 0);
  const neutralShare = neutral.length > 0 ? config.neutralShare : 0;

  // The nuisance branch starts at the neutral faces' mean code, the expression branch near 0.
  const meanNeutral = new Float64Array(DIM);
  const src = neutral.length > 0 ? neutral : Array.from({ length: data.n }, (_, i) => i);
  for (const i of src) for (let a = 0; a < DIM; a++) meanNeutral[a] = meanNeutral[a]! + data.x[i * DIM + a]! / src.length;

  const dense = (inDim: number, outDim: number, name: string, bias?: Float64Array, gain = 1): Dense => {
    const std = Math.sqrt(2 / inDim) * 0.8 * gain;
    const w = Float32Array.from({ length: inDim * outDim }, () => gaussian(rng) * std);
    return tf.tidy(() => ({
      w: tf.variable(tf.tensor2d(w, [inDim, outDim]), true, `${name}.w`),
      b: tf.variable(tf.tensor1d(bias ? Float32Array.from(bias) : new Float32Array(outDim)), true, `${name}.b`),
      inDim, outDim,
    }));
  };
  const chain = (sizes: number[], name: string, lastBias?: Float64Array, lastGain = 1) =>
    sizes.slice(1).map((o, i) => dense(sizes[i]!, o, `${name}${i}`, i === sizes.length - 2 ? lastBias : undefined, i === sizes.length - 2 ? lastGain : 1));
  // Output bias so that the nuisance branch starts at the neutral mean.
  const outBias = out.output === 'softplus'
    ? Float64Array.from(meanNeutral, (m, a) => { const y = Math.max(m / scale[a]!, 1e-3); return y > 20 ? y : Math.log(Math.expm1(y)); })
    : Float64Array.from(meanNeutral, (m, a) => m / scale[a]!);
  const eLayers = chain([COND_DIM + config.noiseDim, ...config.generatorHidden, DIM], 'ge', undefined, 1);
  const nLayers = chain([config.nuisanceDim, ...config.nuisanceHidden, DIM], 'gn', outBias, 0.3);
  const dLayers = chain([DIM + COND_DIM, ...config.discriminatorHidden, 1], 'd');
  const gVars = [...eLayers, ...nLayers].flatMap((l) => [l.w, l.b]);
  const dVars = dLayers.flatMap((l) => [l.w, l.b]);
  // The generator's moving average (what validation and the result read).
  const emaVars = config.ema > 0 ? tf.tidy(() => gVars.map((v) => tf.variable(v.clone(), false))) : null;
  const scaleT = tf.keep(tf.tensor1d(scale));
  const invScaleT = tf.keep(tf.tensor1d(Float32Array.from(scale, (s) => 1 / s)));
  const optG = tf.train.adam(config.lrG, config.beta1, config.beta2);
  const optD = tf.train.adam(config.lrD, config.beta1, config.beta2);

  // Leaky ReLU (slope 0.2) as 0.6 x + 0.4 |x|: its gradient has a gradient, which R1 needs.
  const act = (h: TF.Tensor) => tf.add(tf.mul(h, 0.6), tf.mul(tf.abs(h), 0.4));
  const mlp = (layers: Dense[], x: TF.Tensor): TF.Tensor => {
    let h: TF.Tensor = x;
    layers.forEach((l, i) => {
      h = tf.add(tf.matMul(h as TF.Tensor2D, l.w as TF.Tensor2D), l.b);
      if (i < layers.length - 1) h = act(h);
    });
    return h;
  };
  /** input: [cond (COND_DIM, intensity last), ze, zn]. */
  const G = (input: TF.Tensor2D) => {
    const cz = tf.slice(input, [0, 0], [-1, COND_DIM + config.noiseDim]);
    const zn = tf.slice(input, [0, COND_DIM + config.noiseDim], [-1, config.nuisanceDim]);
    const t = tf.slice(input, [0, slots], [-1, 1]);
    const pre = tf.add(mlp(nLayers, zn), tf.mul(t, mlp(eLayers, cz)));
    return tf.mul(out.output === 'softplus' ? tf.softplus(pre) : pre, scaleT);
  };
  const D = (codes: TF.Tensor, cond: TF.Tensor2D) => tf.reshape(mlp(dLayers, tf.concat([tf.mul(codes, invScaleT), cond], 1)), [-1]);

  const B = config.batch;
  const realBuf = new Float32Array(B * DIM);
  const condBuf = new Float32Array(B * COND_DIM);
  const zDim = config.noiseDim + config.nuisanceDim;
  const noiseBuf = new Float32Array(B * zDim);
  // Per sample, its group for mean matching: its emotion slot, or `slots` for neutral.
  const groupBuf = new Float32Array(B * (slots + 1));
  const meanMatch = config.meanMatch ?? 0;
  const tmp = new Float64Array(DIM);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)]!;
  const drawBatch = (): void => {
    condBuf.fill(0);
    for (let k = 0; k < B; k++) {
      let i: number, slot: number, t: number;
      if (rng() < neutralShare) {
        i = pick(neutral);
        slot = pick(active);
        t = 0;
      } else {
        let u = rng() * classSum, c = 0;
        while (c < active.length - 1 && u >= classW[c]!) { u -= classW[c]!; c++; }
        slot = active[c]!;
        i = pick(members[slot]!);
        t = data.intensity[i]!;
      }
      const src = data.x.subarray(i * DIM, (i + 1) * DIM);
      if (out.mirror && rng() < 0.5) { out.mirror(src, tmp); realBuf.set(tmp, k * DIM); } else realBuf.set(src, k * DIM);
      condBuf[k * COND_DIM + slot] = 1;
      condBuf[k * COND_DIM + slots] = t;
      if (meanMatch > 0) { groupBuf.fill(0, k * (slots + 1), (k + 1) * (slots + 1)); groupBuf[k * (slots + 1) + (t > 0 ? slot : slots)] = 1; }
      for (let j = 0; j < zDim; j++) noiseBuf[k * zDim + j] = gaussian(rng);
    }
  };

  const extract = (): GeneratorWeights => {
    const vars = emaVars ?? gVars;
    let k = 0;
    const read = (layers: Dense[]) => layers.map((l) => ({ w: Float32Array.from(vars[k++]!.dataSync()), b: Float32Array.from(vars[k++]!.dataSync()), inDim: l.inDim, outDim: l.outDim }));
    const expression = read(eLayers);
    const nuisance = read(nLayers);
    return { noiseDim: config.noiseDim, nuisanceDim: config.nuisanceDim, expression, nuisance, scale: Float32Array.from(scale) };
  };

  const history: StepLog[] = [];
  const validation: { step: number; score: number }[] = [];
  const every = Math.max(1, hooks.every ?? Math.floor(config.steps / 20));
  const logEvery = Math.max(1, Math.floor(config.steps / 200));
  let acc = { dLoss: 0, gLoss: 0, r1: 0, dReal: 0, dFake: 0, n: 0 };
  let best: GeneratorWeights | null = null, bestScore = Infinity, bestStep = 0;
  let step = 0;
  try {
    for (step = 1; step <= config.steps; step++) {
      if (hooks.signal?.aborted) break;
      drawBatch();
      const stats = tf.tidy(() => {
        const real = tf.tensor2d(realBuf, [B, DIM]);
        const cond = tf.tensor2d(condBuf, [B, COND_DIM]);
        const gIn = tf.concat([cond, tf.tensor2d(noiseBuf, [B, zDim])], 1) as TF.Tensor2D;
        // Read inside the closures: minimize disposes what they make.
        let r1v = 0, dReal = 0, dFake = 0;
        const fake = G(gIn); // made outside the tape: a constant for the discriminator's step
        const dCost = optD.minimize(() => {
          const lr = D(real, cond), lf = D(fake, cond);
          dReal = tf.mean(tf.sigmoid(lr)).dataSync()[0]!;
          dFake = tf.mean(tf.sigmoid(lf)).dataSync()[0]!;
          const lossReal = tf.add(tf.mul(tf.softplus(tf.neg(lr)), config.realLabel), tf.mul(tf.softplus(lr), 1 - config.realLabel));
          let loss = tf.add(tf.mean(lossReal), tf.mean(tf.softplus(lf)));
          if (config.r1 > 0) {
            const g = tf.grad((x: TF.Tensor) => tf.sum(D(x, cond)))(real);
            const r1 = tf.mean(tf.sum(tf.square(g), 1));
            r1v = r1.dataSync()[0]!;
            loss = tf.add(loss, tf.mul(r1, config.r1 / 2));
          }
          return loss as TF.Scalar;
        }, true, dVars);
        const groupT = meanMatch > 0 ? tf.transpose(tf.tensor2d(groupBuf, [B, slots + 1])) : null;
        const groupN = groupT ? tf.maximum(tf.sum(groupT, 1, true), 1) : null;
        const realMeans = groupT && groupN ? tf.div(tf.matMul(groupT, tf.mul(real, invScaleT)), groupN) : null;
        const gCost = optG.minimize(() => {
          const fakeNow = G(gIn);
          let loss = tf.mean(tf.softplus(tf.neg(D(fakeNow, cond))));
          if (groupT && groupN && realMeans) {
            const fakeMeans = tf.div(tf.matMul(groupT, tf.mul(fakeNow, invScaleT)), groupN);
            loss = tf.add(loss, tf.mul(tf.mean(tf.sum(tf.square(tf.sub(fakeMeans, realMeans)), 1)), meanMatch));
          }
          return loss as TF.Scalar;
        }, true, gVars);
        if (emaVars) emaVars.forEach((e, k) => e.assign(tf.add(tf.mul(e, config.ema), tf.mul(gVars[k]!, 1 - config.ema))));
        return [dCost!.dataSync()[0]!, gCost!.dataSync()[0]!, r1v, dReal, dFake];
      });
      acc = { dLoss: acc.dLoss + stats[0]!, gLoss: acc.gLoss + stats[1]!, r1: acc.r1 + stats[2]!, dReal: acc.dReal + stats[3]!, dFake: acc.dFake + stats[4]!, n: acc.n + 1 };
      if (step % logEvery === 0 || step === config.steps) {
        history.push({ step, dLoss: acc.dLoss / acc.n, gLoss: acc.gLoss / acc.n, r1: acc.r1 / acc.n, dReal: acc.dReal / acc.n, dFake: acc.dFake / acc.n });
        acc = { dLoss: 0, gLoss: 0, r1: 0, dReal: 0, dFake: 0, n: 0 };
      }
      if (hooks.validate && (step % every === 0 || step === config.steps)) {
        const g = extract();
        const score = hooks.validate(step, g);
        validation.push({ step, score });
        if (score < bestScore) { bestScore = score; best = g; bestStep = step; }
      }
      hooks.onProgress?.(step, config.steps);
      // Yield now and then so a Ctrl-C or a progress redraw gets through.
      if (step % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const last = extract();
    return { generator: best ?? last, history, validation, bestStep: best ? bestStep : Math.min(step, config.steps), seconds: (performance.now() - t0) / 1000, steps: Math.min(step, config.steps) };
  } finally {
    for (const v of [...gVars, ...dVars, ...(emaVars ?? [])]) v.dispose();
    scaleT.dispose();
    invScaleT.dispose();
    optG.dispose();
    optD.dispose();
  }
}
