/**
 * From faces to the data the GAN learns: the expression space (mean neutral face, identity
 * basis with the expression directions kept out of it), every face's code, and an intensity per
 * face. Pure maths over typed arrays (no I/O, no tfjs).
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import { buildExpressionSpace, createCodeReader, type ExpressionSpace, MESH_DIM, principalComponents, projectOut, withNeutralCode } from '../core/expression-space.ts';
import { learnRemovalFloor, type RemovalFloor, removalLoss, removalTargets, type RemovalSamples } from '../core/removal-floor.ts';
import { AU_COUNT } from '../core/rig.ts';
import { createRng, subSeed } from '../core/rng.ts';
import { type FaceSet, indicesOf, meshRow, PART_DEV, PART_FIT, type VideoClips } from './expression-data.ts';
import { GAN_EMOTIONS, type GanEmotion } from './expression-gan.ts';
import type { GanData } from './expression-train.ts';

export interface SpaceChoice {
  /** Identity directions (principal components of neutral faces). */
  identityComponents: number;
  /** Keep each emotion's class-mean difference from neutral out of the identity basis. */
  classMeans: boolean;
  /** Principal directions of within-clip variation (video) kept out of the identity basis. */
  videoComponents: number;
  /** The plain PCA: do not keep the rig's fields out of the identity basis. */
  keepFieldsInIdentity: boolean;
  /** At most this many neutral faces go into the analysis (a seeded sample). */
  maxNeutral: number;
  /**
   * What the identity directions are the principal components of: every neutral face ('faces'),
   * or the mean neutral face of each named person with at least two neutral photos ('people'):
   * averaging one person's photos keeps their shape and averages away pose, noise and the
   * passing expression of a "neutral" photo.
   */
  identityFrom: 'faces' | 'people';
}

export const DEFAULT_SPACE: SpaceChoice = { identityComponents: 10, classMeans: true, videoComponents: 6, keepFieldsInIdentity: true, maxNeutral: 5000, identityFrom: 'people' };

/** Fewer faces of an emotion than this in the fit part: the rig's prototype stands in for it. */
export const MIN_LEARNED_FACES = 60;

function sample<T>(items: readonly T[], max: number, seed: number): T[] {
  if (items.length <= max) return [...items];
  const rng = createRng(seed);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, max);
}

export interface Directions { vectors: Float64Array; count: number; kinds: string[] }

/** Expression directions from data: class-mean differences (fit part) and within-clip variation (videos). */
export function expressionDirections(faces: FaceSet, clips: VideoClips | null, choice: SpaceChoice, seed: number): Directions {
  const rows: Float64Array[] = [];
  const kinds: string[] = [];
  if (choice.classMeans) {
    const mean = (idx: number[]) => {
      const m = new Float64Array(MESH_DIM);
      for (const i of idx) { const r = meshRow(faces, i); for (let t = 0; t < MESH_DIM; t++) m[t] = m[t]! + r[t]! / idx.length; }
      return m;
    };
    const neutral = indicesOf(faces, PART_FIT, 'neutral');
    if (neutral.length > 0) {
      const mn = mean(neutral);
      for (const e of GAN_EMOTIONS) {
        const idx = indicesOf(faces, PART_FIT, e);
        if (idx.length < MIN_LEARNED_FACES) continue;
        const me = mean(idx);
        rows.push(Float64Array.from(me, (v, t) => v - mn[t]!));
        kinds.push(`class mean ${e} - neutral`);
      }
    }
  }
  if (clips && choice.videoComponents > 0) {
    // Each clip centred on its own mean: what is left is one person's expression (and noise).
    const centred: Float64Array[] = [];
    for (const c of clips.clips) {
      const m = new Float64Array(MESH_DIM);
      for (let f = 0; f < c.frames; f++) for (let t = 0; t < MESH_DIM; t++) m[t] = m[t]! + c.mesh[f * MESH_DIM + t]! / c.frames;
      const step = Math.max(1, Math.floor(c.frames / 200));
      for (let f = 0; f < c.frames; f += step) centred.push(Float64Array.from({ length: MESH_DIM }, (_, t) => c.mesh[f * MESH_DIM + t]! - m[t]!));
    }
    if (centred.length > choice.videoComponents + 1) {
      const pca = principalComponents((i) => centred[i]!, centred.length, MESH_DIM, { components: choice.videoComponents, seed: subSeed(seed, 'video'), iterations: 25 });
      for (let k = 0; k < pca.count; k++) { rows.push(pca.vectors.slice(k * MESH_DIM, (k + 1) * MESH_DIM)); kinds.push(`video within-clip PC${k + 1}`); }
    }
  }
  const vectors = new Float64Array(rows.length * MESH_DIM);
  rows.forEach((r, k) => vectors.set(r, k * MESH_DIM));
  return { vectors, count: rows.length, kinds };
}

/** The expression space from the fit part's neutral faces, with its code floor. */
export function buildSpaceFromFaces(faces: FaceSet, basis: ArrayLike<number>, clips: VideoClips | null, choice: SpaceChoice, seed: number): { space: ExpressionSpace; directions: Directions; neutralUsed: number; identitySource: string } {
  const directions = expressionDirections(faces, clips, choice, seed);
  const neutral = sample(indicesOf(faces, PART_FIT, 'neutral'), choice.maxNeutral, subSeed(seed, 'neutral'));
  if (neutral.length < 2) throw new Error('the data has fewer than two neutral faces in its train split');
  let row = (k: number): ArrayLike<number> => meshRow(faces, neutral[k]!);
  let rows = neutral.length;
  let identitySource = `${neutral.length} neutral faces`;
  if (choice.identityFrom === 'people') {
    const byPerson = new Map<number, number[]>();
    for (const i of indicesOf(faces, PART_FIT, 'neutral')) if (faces.person[i]! >= 0) { const l = byPerson.get(faces.person[i]!) ?? []; l.push(i); byPerson.set(faces.person[i]!, l); }
    const means = [...byPerson.values()].filter((l) => l.length >= 2).map((l) => {
      const m = new Float64Array(MESH_DIM);
      for (const i of l) { const r = meshRow(faces, i); for (let t = 0; t < MESH_DIM; t++) m[t] = m[t]! + r[t]! / l.length; }
      return m;
    });
    // Data that names too few people: every neutral face instead (said in identitySource).
    if (means.length >= Math.max(20, 2 * choice.identityComponents)) {
      row = (k: number) => means[k]!;
      rows = means.length;
      identitySource = `mean neutral face of each of ${means.length} named people with two or more neutral photos`;
    }
  }
  const space0 = buildExpressionSpace(row, rows, basis, {
    identityComponents: choice.identityComponents, keepFieldsInIdentity: choice.keepFieldsInIdentity,
    expressionDirections: directions.count > 0 ? directions : undefined, seed: subSeed(seed, 'identity'),
  });
  // The mean neutral face and the code floor come from every neutral face.
  const all = (k: number) => meshRow(faces, neutral[k]!);
  const mean = new Float64Array(MESH_DIM);
  for (let k = 0; k < neutral.length; k++) { const r = all(k); for (let t = 0; t < MESH_DIM; t++) mean[t] = mean[t]! + r[t]! / neutral.length; }
  const space = { ...space0, mean };
  return { space: withNeutralCode(space, all, neutral.length), directions, neutralUsed: neutral.length, identitySource };
}

/** Every face's code (n x AU_COUNT) and the RMS residual of its fit (cm per point). */
export function readAllCodes(faces: { n: number; mesh: Float32Array }, space: ExpressionSpace): { codes: Float32Array; rms: Float32Array } {
  const reader = createCodeReader(space);
  const codes = new Float32Array(faces.n * AU_COUNT), rms = new Float32Array(faces.n);
  const code = new Float64Array(AU_COUNT);
  for (let i = 0; i < faces.n; i++) {
    const r = reader.fit(faces.mesh.subarray(i * MESH_DIM, (i + 1) * MESH_DIM), undefined, code);
    codes.set(code, i * AU_COUNT);
    rms[i] = r.rms;
  }
  return { codes, rms };
}

export interface IntensityModel {
  /** How intensity was read from the codes. */
  method: string;
  /** Code standardisation of the linear model (per action unit). */
  mean: number[];
  std: number[];
  /** Per GAN emotion: the e-versus-neutral direction (on standardised codes), its offset, and the score that counts as intensity 1. */
  perEmotion: Partial<Record<Emotion, { direction: number[]; offset: number; apex: number; faces: number }>>;
}

/**
 * A linear softmax model of emotion from codes (plain gradient descent, classes weighted
 * equally), trained on the fit part. Its log-odds of an emotion against neutral is a
 * discriminative direction in code space: what separates that emotion from a neutral face,
 * rather than what changes most (opening the mouth changes most in every emotion).
 */
export function codeSoftmax(codes: Float32Array, labels: ArrayLike<number>, idx: readonly number[], classes: number, o: { iterations?: number; lr?: number; l2?: number } = {}): { mean: Float64Array; std: Float64Array; W: Float64Array; b: Float64Array } {
  const D = AU_COUNT, n = idx.length;
  const mean = new Float64Array(D), std = new Float64Array(D);
  for (const i of idx) for (let a = 0; a < D; a++) mean[a] = mean[a]! + codes[i * D + a]! / n;
  for (const i of idx) for (let a = 0; a < D; a++) std[a] = std[a]! + (codes[i * D + a]! - mean[a]!) ** 2 / n;
  for (let a = 0; a < D; a++) std[a] = Math.sqrt(std[a]!) || 1;
  const count = new Float64Array(classes);
  for (const i of idx) count[labels[i]!]!++;
  const present = Array.from(count).filter((c) => c > 0).length;
  const W = new Float64Array(classes * D), b = new Float64Array(classes);
  const gW = new Float64Array(classes * D), gb = new Float64Array(classes);
  const x = new Float64Array(D), p = new Float64Array(classes);
  const iterations = o.iterations ?? 300, lr = o.lr ?? 0.5, l2 = o.l2 ?? 1e-4;
  for (let it = 0; it < iterations; it++) {
    gW.fill(0); gb.fill(0);
    for (const i of idx) {
      for (let a = 0; a < D; a++) x[a] = (codes[i * D + a]! - mean[a]!) / std[a]!;
      let mx = -Infinity;
      for (let c = 0; c < classes; c++) { let z = b[c]!; for (let a = 0; a < D; a++) z += W[c * D + a]! * x[a]!; p[c] = z; mx = Math.max(mx, z); }
      let sum = 0;
      for (let c = 0; c < classes; c++) { p[c] = Math.exp(p[c]! - mx); sum += p[c]!; }
      const y = labels[i]!;
      const w = 1 / (present * count[y]!);
      for (let c = 0; c < classes; c++) {
        const g = w * (p[c]! / sum - (c === y ? 1 : 0));
        gb[c] = gb[c]! + g;
        for (let a = 0; a < D; a++) gW[c * D + a] = gW[c * D + a]! + g * x[a]!;
      }
    }
    for (let c = 0; c < classes; c++) {
      b[c] = b[c]! - lr * gb[c]!;
      for (let a = 0; a < D; a++) W[c * D + a] = W[c * D + a]! - lr * (gW[c * D + a]! + l2 * W[c * D + a]!);
    }
  }
  return { mean, std, W, b };
}

/**
 * An intensity per face, from the data: for a face labelled with emotion e, the linear softmax's
 * log-odds of e against neutral on its code (codeSoftmax, fit part), divided by the 90th
 * percentile of that score among the fit part's faces of e, clamped to 0..1. So intensity 1 is
 * as far from neutral, towards what distinguishes e, as the clearest tenth of real faces of e;
 * faces that look neutral get 0. Neutral faces are 0.
 */
export function intensityLabels(faces: FaceSet, codes: Float32Array, _space: ExpressionSpace): { intensity: Float32Array; model: IntensityModel } {
  const intensity = new Float32Array(faces.n);
  const classes = ['neutral', ...GAN_EMOTIONS] as const;
  const labels = Int32Array.from(faces.emotion, (e) => classes.indexOf(EMOTIONS[e]! as (typeof classes)[number]));
  const fit = indicesOf(faces, PART_FIT).filter((i) => labels[i]! >= 0);
  const sm = codeSoftmax(codes, labels, fit, classes.length);
  const model: IntensityModel = {
    method: 'log-odds of the emotion against neutral under a linear softmax on standardised codes (fit part), / its 90th percentile among the fit faces of that emotion, clamped to 0..1',
    mean: Array.from(sm.mean), std: Array.from(sm.std), perEmotion: {},
  };
  const D = AU_COUNT;
  GAN_EMOTIONS.forEach((e, k) => {
    const c = k + 1;
    const own = fit.filter((i) => labels[i] === c);
    if (own.length === 0) return;
    const dir = Array.from({ length: D }, (_, a) => sm.W[c * D + a]! - sm.W[a]!);
    const offset = sm.b[c]! - sm.b[0]!;
    const score = (i: number) => { let s = offset; for (let a = 0; a < D; a++) s += dir[a]! * (codes[i * D + a]! - sm.mean[a]!) / sm.std[a]!; return s; };
    const sorted = own.map(score).sort((x, y) => x - y);
    const apex = Math.max(sorted[Math.floor(0.9 * (sorted.length - 1))]!, 1e-6);
    model.perEmotion[e] = { direction: dir, offset, apex, faces: own.length };
    for (let i = 0; i < faces.n; i++) if (labels[i] === c) intensity[i] = Math.min(1, Math.max(0, score(i) / apex));
  });
  return { intensity, model };
}

/** Which GAN emotions have enough fit faces to learn. */
export function learnedEmotions(faces: FaceSet): boolean[] {
  return GAN_EMOTIONS.map((e) => indicesOf(faces, PART_FIT, e).length >= MIN_LEARNED_FACES);
}

/** The GAN's training rows from some parts of the faces. */
export function ganDataOf(faces: FaceSet, codes: Float32Array, intensity: Float32Array, parts: readonly number[]): GanData {
  const idx: number[] = [];
  for (let i = 0; i < faces.n; i++) if (parts.includes(faces.part[i]!) && (EMOTIONS[faces.emotion[i]!] === 'neutral' || GAN_EMOTIONS.includes(EMOTIONS[faces.emotion[i]!] as (typeof GAN_EMOTIONS)[number]))) idx.push(i);
  const out: GanData = { n: idx.length, codes: new Float32Array(idx.length * AU_COUNT), slot: new Int8Array(idx.length), intensity: new Float32Array(idx.length) };
  idx.forEach((i, k) => {
    out.codes.set(codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT), k * AU_COUNT);
    const e = EMOTIONS[faces.emotion[i]!]!;
    out.slot[k] = e === 'neutral' ? -1 : GAN_EMOTIONS.indexOf(e as (typeof GAN_EMOTIONS)[number]);
    out.intensity[k] = intensity[i]!;
  });
  return out;
}

/** Per action unit, the 0.5th and 99.5th percentiles of real codes minus the neutral floor (fit part). */
export function codeEnvelope(faces: FaceSet, codes: Float32Array, space: ExpressionSpace): { lo: Float64Array; hi: Float64Array } {
  const idx = indicesOf(faces, PART_FIT);
  const lo = new Float64Array(AU_COUNT), hi = new Float64Array(AU_COUNT);
  const col = new Float64Array(idx.length);
  for (let a = 0; a < AU_COUNT; a++) {
    idx.forEach((i, k) => { col[k] = codes[i * AU_COUNT + a]! - space.neutralCode[a]!; });
    col.sort();
    lo[a] = col[Math.floor(0.005 * (col.length - 1))] ?? 0;
    hi[a] = col[Math.floor(0.995 * (col.length - 1))] ?? 0;
  }
  return { lo, hi };
}

/** The percentile of real faces that intensity 1 stands for by default (apexGains). */
export const DEFAULT_APEX_PERCENTILE = 0.925;

/**
 * How far intensity 1 goes, per GAN emotion, from the fit part. The generator's intensity 1 is
 * the clearest tenth of real faces, and their mean code sits near the 90th percentile of the
 * emotion's faces along its own direction: a mean of faces that each show the emotion their own
 * way is milder than most of them. The gain puts intensity 1 at the given percentile instead:
 * the `percentile` quantile of every fit face of e projected on the unit direction of m_e (the
 * mean code of its faces with intensity label >= 0.8, minus the neutral faces' mean code),
 * divided by |m_e|. 1 for emotions with fewer than `minFaces` fit faces (their percentile would be
 * a handful of faces) and never under 1 (intensity 1 never weakens). GAN_EMOTIONS order.
 */
export function apexGains(faces: FaceSet, codes: Float32Array, intensity: Float32Array, percentile: number = DEFAULT_APEX_PERCENTILE, minFaces: number = MIN_LEARNED_FACES): Float64Array {
  if (!(percentile > 0 && percentile < 1)) throw new Error(`the apex percentile must lie strictly between 0 and 1, got ${percentile}`);
  const { means, neutral: n } = clearMeanCodes(faces, codes, intensity, minFaces);
  const gains = new Float64Array(GAN_EMOTIONS.length).fill(1);
  GAN_EMOTIONS.forEach((e, k) => {
    const m = means.subarray(k * AU_COUNT, (k + 1) * AU_COUNT);
    const len2 = m.reduce((s, v) => s + v * v, 0);
    if (!(len2 > 0)) return;
    const along = indicesOf(faces, PART_FIT, e).map((i) => {
      let s = 0;
      for (let a = 0; a < AU_COUNT; a++) s += (codes[i * AU_COUNT + a]! - n[a]!) * m[a]!;
      return s / len2;
    }).sort((x, y) => x - y);
    gains[k] = Math.max(1, along[Math.min(along.length - 1, Math.floor(percentile * along.length))]!);
  });
  return gains;
}

/**
 * Per GAN emotion (GAN_EMOTIONS.length x AU_COUNT, conditions order), from the fit part: the mean
 * code of its clearest faces (intensity label >= 0.8) minus the neutral faces' mean code, the
 * code the data shows at the generator's intensity 1 on average (`train expressions --mean-for`
 * ships it in place of the generator for the emotions it names). A row of zeros for an emotion
 * with fewer than `minFaces` fit faces or no clear ones, and everywhere when there are no
 * neutral faces. `neutral` is the neutral faces' mean code.
 */
export function clearMeanCodes(faces: FaceSet, codes: Float32Array, intensity: Float32Array, minFaces: number = MIN_LEARNED_FACES): { means: Float64Array; neutral: Float64Array } {
  const meanCode = (idx: readonly number[]): Float64Array => {
    const m = new Float64Array(AU_COUNT);
    for (const i of idx) for (let a = 0; a < AU_COUNT; a++) m[a] = m[a]! + codes[i * AU_COUNT + a]! / idx.length;
    return m;
  };
  const means = new Float64Array(GAN_EMOTIONS.length * AU_COUNT);
  const neutralIdx = indicesOf(faces, PART_FIT, 'neutral');
  const neutral = meanCode(neutralIdx);
  if (neutralIdx.length === 0) return { means, neutral };
  GAN_EMOTIONS.forEach((e, k) => {
    const idx = indicesOf(faces, PART_FIT, e);
    const clear = idx.filter((i) => intensity[i]! >= 0.8);
    if (idx.length < minFaces || clear.length === 0) return;
    means.set(meanCode(clear).map((v, a) => v - neutral[a]!), k * AU_COUNT);
  });
  return { means, neutral };
}

/**
 * The learned shape beyond the rig's fields (core/shape-residual.ts), from the fit part. A face's
 * residual is what the fields at its own code leave of its departure from the mean neutral face
 * (identity directions projected out); neutral faces' mean residual (what fitting leaves of any
 * face) is taken off. Residuals grow with the expression: the faces with intensity label 1 (the
 * clearest tenth, what the generator's intensity 1 stands for) leave 1.7 to 4 times the class
 * mean's residual, in the same direction. Two candidates per emotion, GAN_EMOTIONS.length x
 * MESH_DIM each, zero rows for emotions not learned: `fields`, the residual at intensity 1 under
 * a line through neutral fitted over all its faces, R_e = Σ t_i r_i / Σ t_i² (t_i the intensity
 * labels of intensityLabels), and `classMean`, the plain mean. Training chooses between them on
 * the dev part. Also per emotion: the line's RMS per point, the class mean's, and the mean
 * residual of the faces labelled 1 (cm), with the cosine between that and the line.
 */
export function shapeResidualFields(faces: FaceSet, codes: Float32Array, intensity: Float32Array, space: ExpressionSpace, learned: readonly boolean[]): {
  fields: Float32Array;
  /** The class means of the same residuals (what the faces of each emotion leave on average). */
  classMean: Float32Array;
  figures: Partial<Record<GanEmotion, { rms: number; classMeanRms: number; apexFacesRms: number; apexFaces: number; cosine: number }>>;
} {
  const F = new Float64Array(AU_COUNT * MESH_DIM);
  for (let a = 0; a < AU_COUNT; a++) {
    const col = F.subarray(a * MESH_DIM, (a + 1) * MESH_DIM);
    for (let t = 0; t < MESH_DIM; t++) col[t] = space.basis[a * MESH_DIM + t]!;
    projectOut(col, space.identity, space.identityCount);
  }
  const d = new Float64Array(MESH_DIM);
  /** Σ w(i) r_i over the faces, and Σ w(i). */
  const weightedResidual = (idx: readonly number[], w: (i: number) => number, minus?: Float64Array): { sum: Float64Array; weight: number } => {
    const sum = new Float64Array(MESH_DIM);
    let weight = 0;
    for (const i of idx) {
      const wi = w(i);
      if (wi === 0) continue;
      const m = meshRow(faces, i);
      for (let t = 0; t < MESH_DIM; t++) d[t] = m[t]! - space.mean[t]!;
      projectOut(d, space.identity, space.identityCount);
      for (let a = 0; a < AU_COUNT; a++) {
        const c = codes[i * AU_COUNT + a]!;
        if (c !== 0) for (let t = 0; t < MESH_DIM; t++) d[t] = d[t]! - c * F[a * MESH_DIM + t]!;
      }
      if (minus) for (let t = 0; t < MESH_DIM; t++) d[t] = d[t]! - minus[t]!;
      for (let t = 0; t < MESH_DIM; t++) sum[t] = sum[t]! + wi * d[t]!;
      weight += wi;
    }
    return { sum, weight };
  };
  const neutral = indicesOf(faces, PART_FIT, 'neutral');
  if (neutral.length === 0) throw new Error('the fit part has no neutral faces to measure the shape residual against');
  const restSum = weightedResidual(neutral, () => 1);
  const rest = restSum.sum.map((v) => v / restSum.weight);
  const fields = new Float32Array(GAN_EMOTIONS.length * MESH_DIM), classMean = new Float32Array(GAN_EMOTIONS.length * MESH_DIM);
  const figures: Partial<Record<GanEmotion, { rms: number; classMeanRms: number; apexFacesRms: number; apexFaces: number; cosine: number }>> = {};
  const rmsOf = (v: ArrayLike<number>) => { let s = 0; for (let t = 0; t < MESH_DIM; t++) s += v[t]! ** 2; return Math.sqrt(s / (MESH_DIM / 3)); };
  GAN_EMOTIONS.forEach((e, k) => {
    if (!learned[k]) return;
    const idx = indicesOf(faces, PART_FIT, e);
    const line = weightedResidual(idx, (i) => intensity[i]!, rest);
    // Σ t r / Σ t²: the weights above are t, so divide by Σ t² separately.
    let tt = 0;
    for (const i of idx) tt += intensity[i]! ** 2;
    if (tt <= 0) return;
    const field = line.sum.map((v) => v / tt);
    fields.set(field, k * MESH_DIM);
    const mean = weightedResidual(idx, () => 1, rest), apex = weightedResidual(idx, (i) => (intensity[i]! >= 0.999 ? 1 : 0), rest);
    classMean.set(mean.sum.map((v) => v / Math.max(1, mean.weight)), k * MESH_DIM);
    const apexMean = apex.sum.map((v) => v / Math.max(1, apex.weight));
    let dot = 0;
    for (let t = 0; t < MESH_DIM; t++) dot += field[t]! * apexMean[t]!;
    const rf = rmsOf(field), ra = rmsOf(apexMean);
    figures[e] = { rms: rf, classMeanRms: rmsOf(mean.sum.map((v) => v / Math.max(1, mean.weight))), apexFacesRms: ra, apexFaces: apex.weight, cosine: rf > 0 && ra > 0 ? dot / (rf * ra * (MESH_DIM / 3)) : NaN };
  });
  return { fields, classMean, figures };
}

export interface RemovalFloorFigures {
  /** The floor that ships (AU_COUNT): learned, or the mean neutral code. */
  floor: Float64Array;
  kind: 'learned' | 'mean';
  /** What was learned, when the data allowed (null: `unlearned` says why). */
  learned: {
    floor: Float64Array;
    /** Fit part: photos of a person with another neutral photo, and how many of them are neutral. */
    fitFaces: number;
    fitNeutralFaces: number;
    /** On the dev part, summed over the units removed, the mean squared error (removalLoss) with the mean neutral code as the floor and with the learned one: all (the two halves averaged), neutral photos, expressive photos. */
    dev: { faces: number; neutralFaces: number; mean: { all: number; neutral: number; expressive: number }; learned: { all: number; neutral: number; expressive: number } };
  } | null;
  unlearned?: string;
}

/**
 * The neutraliser's removal floor (src/core/removal-floor.ts), learned on the fit part's photos of
 * named people and measured on the dev part's against the mean neutral code; `kind` says which
 * ships. Data that names no one twice (FER2013 alone) cannot teach it: then `learned` is null and
 * asking for the learned floor is an error.
 */
export function removalFloorFigures(faces: FaceSet, codes: Float32Array, space: ExpressionSpace, keep: readonly number[], kind: 'learned' | 'mean'): RemovalFloorFigures {
  const neutralIndex = EMOTIONS.indexOf('neutral');
  const samples: RemovalSamples = { codes, person: faces.person, neutral: (i) => faces.emotion[i] === neutralIndex };
  let fit: RemovalFloor;
  try {
    fit = learnRemovalFloor(samples, indicesOf(faces, PART_FIT), keep, space.neutralCode);
  } catch (e) {
    const unlearned = e instanceof Error ? e.message : String(e);
    if (kind === 'learned') throw new EmoteBotError('bad-argument', `--removal-floor learned: ${unlearned}`);
    return { floor: Float64Array.from(space.neutralCode), kind, learned: null, unlearned };
  }
  const devTargets = removalTargets(samples, indicesOf(faces, PART_DEV));
  const sum = (floor: ArrayLike<number>, which?: 'neutral' | 'expressive') => {
    let s = 0;
    for (let a = 0; a < AU_COUNT; a++) if (!keep.includes(a)) s += removalLoss(samples, devTargets, a, floor[a]!, which);
    return s;
  };
  const figures = (floor: ArrayLike<number>) => ({ all: sum(floor), neutral: sum(floor, 'neutral'), expressive: sum(floor, 'expressive') });
  const devNeutral = devTargets.faces.filter((i) => samples.neutral(i)).length;
  return {
    floor: kind === 'learned' ? fit.floor : Float64Array.from(space.neutralCode), kind,
    learned: { floor: fit.floor, fitFaces: fit.faces, fitNeutralFaces: fit.neutralFaces, dev: { faces: devTargets.faces.length, neutralFaces: devNeutral, mean: figures(space.neutralCode), learned: figures(fit.floor) } },
  };
}
