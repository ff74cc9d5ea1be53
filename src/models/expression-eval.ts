/**
 * Measuring the learned expressions on held-out real faces (the val part, which no fitting or
 * choice ever sees), always beside the hand-written rig in the same run:
 *
 * - recognisability: an emotion classifier on aligned landmarks, trained on real train-split faces
 *   only; its accuracy on held-out real faces, on generated faces (held-out neutral faces moved
 *   by generated codes: each expression applied to that face's own shape) and on rig faces;
 * - realism: per-emotion Fréchet distance between generated and held-out real codes, beside the
 *   distance between two halves of the real faces (the floor) and the rig's;
 * - variety: mean pairwise distance between codes within an emotion, generated and real.
 *
 * And the expression space itself (issue item 1): how much emotion the code keeps (classifier on
 * the code against classifier on the whole mesh) and how much identity leaks into it.
 */
import type * as TF from '@tensorflow/tfjs';
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { buildExpressionSpace, createCodeReader, type ExpressionSpace, identityCoefficients, MESH_DIM } from '../core/expression-space.ts';
import { AU_COUNT, codeFromEmotions } from '../core/rig.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import { argmax, type Classifier, DEFAULT_CLASSIFIER, recallByClass, trainClassifier } from './expression-classifier.ts';
import { type FaceSet, indicesOf, meshRow, PART_DEV, PART_FIT, PART_VAL, type VideoClips } from './expression-data.ts';
import { type ExpressionModel, GAN_EMOTIONS, type GanEmotion, generatorForward, type GeneratorWeights } from './expression-gan.ts';
import { frechetOfRows, intraclassCorrelation, meanPairwiseDistance, moments, totalVariance } from './expression-metrics.ts';

/** The emotions a measurement covers: neutral and every GAN emotion with at least `min` fit faces. */
export function measuredEmotions(faces: FaceSet, min: number): Emotion[] {
  return EMOTIONS.filter((e) => indicesOf(faces, PART_FIT, e).length >= min);
}

function shuffled(idx: readonly number[], seed: number): number[] {
  const rng = createRng(seed);
  const a = [...idx];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The landmark classifier: aligned meshes of the train split (fit and dev), real faces only. */
export async function trainLandmarkClassifier(tf: typeof TF, faces: FaceSet, classes: readonly Emotion[], seed: number, steps = DEFAULT_CLASSIFIER.steps, parts: readonly number[] = [PART_FIT, PART_DEV]): Promise<Classifier> {
  const idx = parts.flatMap((p) => indicesOf(faces, p)).filter((i) => classes.includes(EMOTIONS[faces.emotion[i]!]!));
  const X = new Float32Array(idx.length * MESH_DIM);
  const y = new Uint8Array(idx.length);
  idx.forEach((i, k) => { X.set(meshRow(faces, i), k * MESH_DIM); y[k] = classes.indexOf(EMOTIONS[faces.emotion[i]!]!); });
  return trainClassifier(tf, X, MESH_DIM, y, classes.length, { ...DEFAULT_CLASSIFIER, steps, seed: subSeed(seed, 'landmarks') });
}

/**
 * Face i of the set moved by a code: the rig's fields (the model's space's basis), plus the
 * model's learned shape when `shape` (what ships). Writes into `out`.
 */
export function movedFace(faces: FaceSet, i: number, code: ArrayLike<number>, model: ExpressionModel, shape: boolean, out: Float64Array): Float64Array {
  const m = meshRow(faces, i), basis = model.space.basis;
  for (let t = 0; t < MESH_DIM; t++) out[t] = m[t]!;
  for (let a = 0; a < AU_COUNT; a++) {
    const c = code[a]!;
    if (c === 0) continue;
    for (let t = 0; t < MESH_DIM; t++) out[t] = out[t]! + c * basis[a * MESH_DIM + t]!;
  }
  if (shape) model.shape?.addTo(out, code);
  return out;
}

/**
 * For choices made in training (never on val): the balanced recall, by a landmark classifier
 * trained on the fit part alone, of the model's run-time codes at intensity 1 (fields plus its
 * learned shape) applied to the given part's neutral faces, over the GAN emotions in `classes`.
 */
export function partRecognisability(model: ExpressionModel, faces: FaceSet, landmarks: Classifier, classes: readonly Emotion[], part: number, seed: number, perEmotion = 300): number {
  const neutral = indicesOf(faces, part, 'neutral');
  if (neutral.length === 0) throw new Error('the part has no neutral faces to apply expressions to');
  const rng = createRng(subSeed(seed, `recognisability-${part}`));
  const moved = new Float64Array(MESH_DIM);
  const truth: number[] = [], predicted: number[] = [];
  for (const e of GAN_EMOTIONS) {
    if (!classes.includes(e)) continue;
    for (let k = 0; k < perEmotion; k++) {
      const who = neutral[Math.floor(rng() * neutral.length)]!;
      const code = model.code({ [e]: 1 }, 1, Float64Array.from({ length: model.generator.noiseDim }, () => gaussian(rng) * model.noiseScale));
      truth.push(classes.indexOf(e));
      predicted.push(argmax(landmarks.predict(movedFace(faces, who, code, model, true, moved))));
    }
  }
  return recallByClass(truth, predicted, classes.length).balanced;
}

/** A classifier on the codes alone (same recipe), for the label information the code keeps. */
export async function trainCodeClassifier(tf: typeof TF, faces: FaceSet, codes: Float32Array, classes: readonly Emotion[], seed: number, steps = DEFAULT_CLASSIFIER.steps): Promise<Classifier> {
  const idx = [...indicesOf(faces, PART_FIT), ...indicesOf(faces, PART_DEV)].filter((i) => classes.includes(EMOTIONS[faces.emotion[i]!]!));
  const X = new Float32Array(idx.length * AU_COUNT);
  const y = new Uint8Array(idx.length);
  idx.forEach((i, k) => { X.set(codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT), k * AU_COUNT); y[k] = classes.indexOf(EMOTIONS[faces.emotion[i]!]!); });
  return trainClassifier(tf, X, AU_COUNT, y, classes.length, { ...DEFAULT_CLASSIFIER, steps, seed: subSeed(seed, 'codes') });
}

export interface Accuracy { perEmotion: Partial<Record<Emotion, number | null>>; balanced: number; n: number }

function accuracyOf(truth: number[], predicted: number[], classes: readonly Emotion[]): Accuracy {
  const r = recallByClass(truth, predicted, classes.length);
  const perEmotion: Accuracy['perEmotion'] = {};
  classes.forEach((e, c) => { perEmotion[e] = r.recall[c] ?? null; });
  return { perEmotion, balanced: r.balanced, n: truth.length };
}

/** Accuracy of a classifier on the val faces of the given classes, from a feature per face. */
export function realAccuracy(c: Classifier, faces: FaceSet, classes: readonly Emotion[], feature: (i: number) => ArrayLike<number>): Accuracy {
  const idx = indicesOf(faces, PART_VAL).filter((i) => classes.includes(EMOTIONS[faces.emotion[i]!]!));
  return accuracyOf(idx.map((i) => classes.indexOf(EMOTIONS[faces.emotion[i]!]!)), idx.map((i) => argmax(c.predict(feature(i)))), classes);
}

export interface EmotionFigures {
  emotion: GanEmotion;
  learned: boolean;
  valFaces: number;
  /**
   * Landmark classifier recall: real val faces; real val codes of the emotion moved onto held-out
   * neutral faces by the rig's fields (the ceiling for any code generator without the learned
   * shape); generated codes at intensity 1 with the model's run-time noise, as shipped (fields
   * plus the model's learned shape), by the fields alone (ganFields), with no noise (τ = 0) and
   * with the data's full noise (τ = 1); generated at the data's intensities; the rig (fields only).
   */
  recall: { real: number | null; transplant: number | null; gan: number | null; ganFields: number | null; ganTau0: number | null; ganTau1: number | null; ganMatched: number | null; rig: number | null };
  /** Fréchet distance to one half of the real val codes: the other half, generated codes, rig. */
  frechet: { realHalves: number | null; gan: number | null; rig: number | null };
  /** Mean pairwise code distance: real val faces, generated (data's intensities), run-time codes at intensity 1 over seeds, rig. */
  diversity: { real: number | null; gan: number | null; runtime: number; rig: number };
  /** Mean code minus the neutral floor: real val faces and generated (data's intensities). */
  meanCode: { real: number[] | null; gan: number[] };
}

export interface EvalReport {
  classes: Emotion[];
  landmarkClassifier: { real: Accuracy; transplant: Accuracy; gan: Accuracy; ganFields: Accuracy; ganTau0: Accuracy; ganTau1: Accuracy; ganMatched: Accuracy; rig: Accuracy; generatedPerEmotion: number; noiseScale: number };
  emotions: EmotionFigures[];
  /** Means over the learned emotions with enough val faces. */
  summary: { frechetGan: number; frechetRealHalves: number; frechetRig: number; diversityGan: number; diversityReal: number };
}

export interface EvalOptions {
  seed: number;
  /** Generated faces per emotion for the classifier. */
  perEmotion?: number;
  /** Fewest val faces for a Fréchet distance (below: null). */
  minFrechet?: number;
}

/** Everything item 3 of the issue asks, on the val part. */
export function evaluateExpressions(model: ExpressionModel, faces: FaceSet, codes: Float32Array, intensity: Float32Array, landmarks: Classifier, classes: readonly Emotion[], o: EvalOptions): EvalReport {
  const perEmotion = o.perEmotion ?? 300;
  const minFrechet = o.minFrechet ?? 20;
  const rng = createRng(subSeed(o.seed, 'evaluate'));
  const noise = (tau = model.noiseScale) => Float64Array.from({ length: model.generator.noiseDim }, () => gaussian(rng) * tau);
  /** The whole latent [ze, zn]: raw codes as the data shows them (with the nuisance). */
  const latent = () => Float64Array.from({ length: model.generator.noiseDim + model.generator.nuisanceDim }, () => gaussian(rng));
  const valNeutral = indicesOf(faces, PART_VAL, 'neutral');
  if (valNeutral.length === 0) throw new Error('the val part has no neutral faces to apply expressions to');
  const moved = new Float64Array(MESH_DIM);
  const faceWith = (i: number, code: ArrayLike<number>, shape = false): Float64Array => movedFace(faces, i, code, model, shape, moved);
  const classify = (m: ArrayLike<number>) => argmax(landmarks.predict(m));
  const real = realAccuracy(landmarks, faces, classes, (i) => meshRow(faces, i));
  const truth: number[] = [], gan: number[] = [], ganF: number[] = [], ganM: number[] = [], rig: number[] = [], trans: number[] = [], g0: number[] = [], g1: number[] = [];
  const emotions: EmotionFigures[] = [];
  const fitIntensities = (e: Emotion) => indicesOf(faces, PART_FIT, e).map((i) => intensity[i]!);
  const rel = (i: number) => Array.from({ length: AU_COUNT }, (_, a) => codes[i * AU_COUNT + a]! - model.space.neutralCode[a]!);
  for (const e of GAN_EMOTIONS) {
    const slot = GAN_EMOTIONS.indexOf(e);
    const learned = model.learned[slot]!;
    const inClasses = classes.includes(e);
    const ts = fitIntensities(e);
    const drawT = () => (ts.length > 0 ? ts[Math.floor(rng() * ts.length)]! : 1);
    const rigCode = codeFromEmotions({ [e]: 1 }, 1);
    const hits = { g: 0, f: 0, m: 0, r: 0, t: 0, g0: 0, g1: 0 };
    const runtime = new Float64Array(perEmotion * AU_COUNT);
    const own = indicesOf(faces, PART_VAL, e);
    for (let k = 0; k < perEmotion; k++) {
      const who = valNeutral[Math.floor(rng() * valNeutral.length)]!;
      const z = noise();
      const apex = model.code({ [e]: 1 }, 1, z);
      runtime.set(apex, k * AU_COUNT);
      const matched = model.code({ [e]: 1 }, drawT(), z);
      if (inClasses) {
        const c = classes.indexOf(e);
        const test = (code: ArrayLike<number>, into: number[], shape = true) => { const p = classify(faceWith(who, code, shape)); into.push(p); return p === c ? 1 : 0; };
        truth.push(c);
        hits.g += test(apex, gan);
        hits.f += test(apex, ganF, false);
        hits.m += test(matched, ganM);
        hits.r += test(rigCode, rig, false);
        hits.g0 += test(model.code({ [e]: 1 }, 1, noise(0)), g0);
        hits.g1 += test(model.code({ [e]: 1 }, 1, noise(1)), g1);
        if (own.length > 0) hits.t += test(rel(own[Math.floor(rng() * own.length)]!), trans, false);
        else trans.push(-1);
      }
    }
    // Codes: real val faces of e, in halves; generated raw codes at the data's intensities.
    const val = shuffled(indicesOf(faces, PART_VAL, e), subSeed(o.seed, `halves-${e}`));
    const half = Math.floor(val.length / 2);
    const rows = (idx: number[]) => { const r = new Float64Array(idx.length * AU_COUNT); idx.forEach((i, k) => r.set(codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT), k * AU_COUNT)); return r; };
    const A = rows(val.slice(0, half)), Bh = rows(val.slice(half, 2 * half)), all = rows(val);
    const genN = Math.max(half, 200);
    const genRows = new Float64Array(genN * AU_COUNT);
    const tmp = new Float64Array(AU_COUNT);
    for (let k = 0; k < genN; k++) {
      if (learned) model.raw(e, drawT(), latent(), tmp);
      else { const c = model.code({ [e]: 1 }, drawT(), noise()); for (let a = 0; a < AU_COUNT; a++) tmp[a] = c[a]! + model.space.neutralCode[a]!; }
      genRows.set(tmp, k * AU_COUNT);
    }
    const rigRows = new Float64Array(2 * AU_COUNT);
    for (let r = 0; r < 2; r++) for (let a = 0; a < AU_COUNT; a++) rigRows[r * AU_COUNT + a] = rigCode[a]! + model.space.neutralCode[a]!;
    const enough = half >= minFrechet;
    const genHalf = genRows.subarray(0, Math.max(1, half) * AU_COUNT);
    const meanRel = (r: Float64Array) => Array.from(moments(r, AU_COUNT).mean, (v, a) => v - model.space.neutralCode[a]!);
    emotions.push({
      emotion: e, learned, valFaces: val.length,
      recall: {
        real: inClasses ? real.perEmotion[e] ?? null : null,
        transplant: inClasses && own.length > 0 ? hits.t / perEmotion : null,
        gan: inClasses ? hits.g / perEmotion : null, ganFields: inClasses ? hits.f / perEmotion : null, ganTau0: inClasses ? hits.g0 / perEmotion : null, ganTau1: inClasses ? hits.g1 / perEmotion : null,
        ganMatched: inClasses ? hits.m / perEmotion : null, rig: inClasses ? hits.r / perEmotion : null,
      },
      frechet: {
        realHalves: enough ? frechetOfRows(A, Bh, AU_COUNT) : null,
        gan: enough ? frechetOfRows(genHalf, Bh, AU_COUNT) : null,
        rig: enough ? frechetOfRows(rigRows, Bh, AU_COUNT) : null,
      },
      diversity: {
        real: val.length >= 2 ? meanPairwiseDistance(all, AU_COUNT) : null,
        gan: meanPairwiseDistance(genRows, AU_COUNT),
        runtime: meanPairwiseDistance(runtime, AU_COUNT),
        rig: 0,
      },
      meanCode: { real: val.length > 0 ? val.map(rel).reduce((s, r) => s.map((v, a) => v + r[a]! / val.length), new Array<number>(AU_COUNT).fill(0)) : null, gan: meanRel(genRows) },
    });
  }
  const measured = emotions.filter((f) => f.learned && f.frechet.gan !== null);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    classes: [...classes],
    landmarkClassifier: {
      real, transplant: accuracyOf(truth.filter((_, k) => trans[k]! >= 0), trans.filter((v) => v >= 0), classes),
      gan: accuracyOf(truth, gan, classes), ganFields: accuracyOf(truth, ganF, classes), ganTau0: accuracyOf(truth, g0, classes), ganTau1: accuracyOf(truth, g1, classes),
      ganMatched: accuracyOf(truth, ganM, classes), rig: accuracyOf(truth, rig, classes), generatedPerEmotion: perEmotion, noiseScale: model.noiseScale,
    },
    emotions,
    summary: {
      frechetGan: mean(measured.map((f) => f.frechet.gan!)), frechetRealHalves: mean(measured.map((f) => f.frechet.realHalves!)), frechetRig: mean(measured.map((f) => f.frechet.rig!)),
      diversityGan: mean(measured.map((f) => f.diversity.gan!)), diversityReal: mean(measured.map((f) => f.diversity.real ?? NaN)),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The expression space report (issue item 1)

export interface SpaceFigures {
  identityComponents: number;
  /** Balanced accuracy on val of the classifier on the code. */
  codeAccuracy: Accuracy;
  /** Share of the codes' total variance (val) found among neutral faces alone: identity, noise and the slight expression of "neutral" photos. */
  neutralVarianceShare: number;
  /** R² of the code predicted from 30 raw identity coordinates (least squares on fit neutral faces, scored on val neutral faces). */
  identityR2: number;
  /** Videos: intra-class correlation of the codes by clip (one person each), and of the raw meshes. */
  video: { clips: number; frames: number; betweenClipsCode: number; betweenClipsMesh: number } | null;
  /**
   * Named people with two or more neutral photos in the val part (never used to fit the space):
   * intra-class correlation of their codes by person (identity leaking into the code), and of their meshes.
   */
  people: { persons: number; faces: number; codeIcc: number; meshIcc: number } | null;
  /** Median RMS residual per point (cm) of the fit on val faces per emotion, and the median RMS of the faces' departure from the mean neutral face. */
  residual: Partial<Record<Emotion, { fit: number; departure: number }>>;
  /** Per emotion: share of the class-mean difference from neutral (val, identity projected out) the fields explain. */
  classMeanExplained: Partial<Record<Emotion, number>>;
}

/** Least squares on standardised inputs with a small ridge; returns R² on the test rows, pooled over outputs. */
function ridgeR2(Xfit: Float64Array[], Yfit: Float64Array[], Xte: Float64Array[], Yte: Float64Array[]): number {
  const p = Xfit[0]?.length ?? 0, q = Yfit[0]?.length ?? 0;
  if (p === 0 || Xfit.length <= p || Xte.length === 0) return NaN;
  const mx = new Float64Array(p), my = new Float64Array(q);
  Xfit.forEach((x) => x.forEach((v, j) => { mx[j] = mx[j]! + v / Xfit.length; }));
  Yfit.forEach((y) => y.forEach((v, j) => { my[j] = my[j]! + v / Yfit.length; }));
  const A = new Float64Array(p * p), Bm = new Float64Array(p * q);
  Xfit.forEach((x, i) => {
    for (let a = 0; a < p; a++) {
      const xa = x[a]! - mx[a]!;
      for (let b = 0; b < p; b++) A[a * p + b] = A[a * p + b]! + xa * (x[b]! - mx[b]!);
      for (let c = 0; c < q; c++) Bm[a * q + c] = Bm[a * q + c]! + xa * (Yfit[i]![c]! - my[c]!);
    }
  });
  let tr = 0;
  for (let a = 0; a < p; a++) tr += A[a * p + a]!;
  for (let a = 0; a < p; a++) A[a * p + a] = A[a * p + a]! + 1e-6 * tr / p;
  // Solve A W = B by Gauss-Jordan.
  const W = Float64Array.from(Bm);
  const M = Float64Array.from(A);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r * p + c]!) > Math.abs(M[piv * p + c]!)) piv = r;
    for (let k = 0; k < p; k++) { const t = M[c * p + k]!; M[c * p + k] = M[piv * p + k]!; M[piv * p + k] = t; }
    for (let k = 0; k < q; k++) { const t = W[c * q + k]!; W[c * q + k] = W[piv * q + k]!; W[piv * q + k] = t; }
    const d = M[c * p + c]!;
    for (let k = 0; k < p; k++) M[c * p + k] = M[c * p + k]! / d;
    for (let k = 0; k < q; k++) W[c * q + k] = W[c * q + k]! / d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = M[r * p + c]!;
      if (f === 0) continue;
      for (let k = 0; k < p; k++) M[r * p + k] = M[r * p + k]! - f * M[c * p + k]!;
      for (let k = 0; k < q; k++) W[r * q + k] = W[r * q + k]! - f * W[c * q + k]!;
    }
  }
  const myTe = new Float64Array(q);
  Yte.forEach((y) => y.forEach((v, j) => { myTe[j] = myTe[j]! + v / Yte.length; }));
  let ssRes = 0, ssTot = 0;
  Xte.forEach((x, i) => {
    for (let c = 0; c < q; c++) {
      let pred = my[c]!;
      for (let a = 0; a < p; a++) pred += (x[a]! - mx[a]!) * W[a * q + c]!;
      ssRes += (Yte[i]![c]! - pred) ** 2;
      ssTot += (Yte[i]![c]! - myTe[c]!) ** 2;
    }
  });
  return ssTot > 0 ? 1 - ssRes / ssTot : NaN;
}

/** A raw identity basis (plain PCA of fit neutral faces, nothing kept out) for the leakage figure. */
export function rawIdentitySpace(faces: FaceSet, basis: ArrayLike<number>, components: number, seed: number): ExpressionSpace {
  const neutral = shuffled(indicesOf(faces, PART_FIT, 'neutral'), subSeed(seed, 'raw-identity')).slice(0, 3000);
  return buildExpressionSpace((k) => meshRow(faces, neutral[k]!), neutral.length, basis, { identityComponents: components, keepFieldsInIdentity: true, seed });
}

export async function spaceFigures(tf: typeof TF, faces: FaceSet, codes: Float32Array, rms: Float32Array, space: ExpressionSpace, rawIdentity: ExpressionSpace, clips: VideoClips | null, classes: readonly Emotion[], seed: number, classifierSteps?: number): Promise<SpaceFigures> {
  const codeClassifier = await trainCodeClassifier(tf, faces, codes, classes, seed, classifierSteps);
  const codeAccuracy = realAccuracy(codeClassifier, faces, classes, (i) => codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT));
  const val = indicesOf(faces, PART_VAL);
  const valNeutral = indicesOf(faces, PART_VAL, 'neutral');
  const rowsOf = (idx: number[]) => { const r = new Float64Array(idx.length * AU_COUNT); idx.forEach((i, k) => r.set(codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT), k * AU_COUNT)); return r; };
  const neutralVarianceShare = totalVariance(rowsOf(valNeutral), AU_COUNT) / Math.max(1e-12, totalVariance(rowsOf(val), AU_COUNT));
  const fitNeutral = indicesOf(faces, PART_FIT, 'neutral').slice(0, 4000);
  const idOf = (i: number) => identityCoefficients(meshRow(faces, i), rawIdentity);
  const codeOf = (i: number) => Float64Array.from(codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT));
  const identityR2 = ridgeR2(fitNeutral.map(idOf), fitNeutral.map(codeOf), valNeutral.map(idOf), valNeutral.map(codeOf));
  let video: SpaceFigures['video'] = null;
  if (clips && clips.clips.length >= 2) {
    const reader = createCodeReader(space);
    const frames = clips.clips.reduce((s, c) => s + c.frames, 0);
    const vc = new Float64Array(frames * AU_COUNT), group = new Int32Array(frames);
    const vm = new Float64Array(frames * MESH_DIM);
    let f = 0;
    clips.clips.forEach((c, k) => {
      for (let j = 0; j < c.frames; j++, f++) {
        const m = c.mesh.subarray(j * MESH_DIM, (j + 1) * MESH_DIM);
        vc.set(reader.fit(m, undefined, new Float64Array(AU_COUNT)).code, f * AU_COUNT);
        vm.set(m, f * MESH_DIM);
        group[f] = k;
      }
    });
    video = { clips: clips.clips.length, frames, betweenClipsCode: intraclassCorrelation(vc, AU_COUNT, group), betweenClipsMesh: intraclassCorrelation(vm, MESH_DIM, group) };
  }
  let people: SpaceFigures['people'] = null;
  {
    const byPerson = new Map<number, number[]>();
    for (const i of valNeutral) if (faces.person[i]! >= 0) { const l = byPerson.get(faces.person[i]!) ?? []; l.push(i); byPerson.set(faces.person[i]!, l); }
    const idx = [...byPerson.values()].filter((l) => l.length >= 2).flat();
    if (idx.length >= 10) {
      const group = Int32Array.from(idx, (i) => faces.person[i]!);
      const m = new Float64Array(idx.length * MESH_DIM);
      idx.forEach((i, k) => m.set(meshRow(faces, i), k * MESH_DIM));
      people = { persons: new Set(group).size, faces: idx.length, codeIcc: intraclassCorrelation(rowsOf(idx), AU_COUNT, group), meshIcc: intraclassCorrelation(m, MESH_DIM, group) };
    }
  }
  const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)]! : NaN; };
  const residual: SpaceFigures['residual'] = {};
  const classMeanExplained: SpaceFigures['classMeanExplained'] = {};
  const departure = (i: number) => { const m = meshRow(faces, i); let s = 0; for (let t = 0; t < MESH_DIM; t++) s += (m[t]! - space.mean[t]!) ** 2; return Math.sqrt(s / (MESH_DIM / 3)); };
  const meanOf = (idx: number[]) => { const m = new Float64Array(MESH_DIM); for (const i of idx) { const r = meshRow(faces, i); for (let t = 0; t < MESH_DIM; t++) m[t] = m[t]! + r[t]! / idx.length; } return m; };
  const neutralMean = valNeutral.length ? meanOf(valNeutral) : space.mean;
  const reader = createCodeReader({ ...space, mean: neutralMean });
  for (const e of EMOTIONS) {
    const idx = indicesOf(faces, PART_VAL, e);
    if (idx.length === 0) continue;
    residual[e] = { fit: median(idx.map((i) => rms[i]!)), departure: median(idx.map(departure)) };
    if (e === 'neutral' || idx.length < 10) continue;
    // The class-mean difference with identity projected out, and how much of it the fields explain.
    const me = meanOf(idx);
    const d = Float64Array.from(me, (v, t) => v - neutralMean[t]!);
    for (let j = 0; j < space.identityCount; j++) {
      let s = 0;
      for (let t = 0; t < MESH_DIM; t++) s += space.identity[j * MESH_DIM + t]! * d[t]!;
      for (let t = 0; t < MESH_DIM; t++) d[t] = d[t]! - s * space.identity[j * MESH_DIM + t]!;
    }
    const total = d.reduce((s, v) => s + v * v, 0);
    const fitted = reader.fit(me);
    const left = fitted.rms ** 2 * (MESH_DIM / 3);
    classMeanExplained[e] = total > 0 ? Math.max(0, 1 - left / total) : NaN;
  }
  return { identityComponents: space.identityCount, codeAccuracy, neutralVarianceShare, identityR2, video, people, residual, classMeanExplained };
}

/**
 * The score training keeps its best checkpoint by: the mean over learned emotions of the Fréchet
 * distance between generated codes (at the part's own intensities, fixed noise) and the part's
 * real codes. Training calls it on the dev part, never on val.
 */
export function frechetScore(generator: GeneratorWeights, faces: FaceSet, codes: Float32Array, intensity: Float32Array, learned: readonly boolean[], part: number, seed: number): { score: number; perEmotion: Partial<Record<GanEmotion, number>> } {
  const perEmotion: Partial<Record<GanEmotion, number>> = {};
  const scores: number[] = [];
  GAN_EMOTIONS.forEach((e, slot) => {
    if (!learned[slot]) return;
    const idx = indicesOf(faces, part, e);
    if (idx.length < 10) return;
    const rng = createRng(subSeed(seed, `score-${e}`));
    const real = new Float64Array(idx.length * AU_COUNT), gen = new Float64Array(idx.length * AU_COUNT);
    const cond = Float64Array.from(GAN_EMOTIONS, (_, j) => (j === slot ? 1 : 0));
    const z = new Float64Array(generator.noiseDim + generator.nuisanceDim), out = new Float64Array(AU_COUNT);
    idx.forEach((i, k) => {
      real.set(codes.subarray(i * AU_COUNT, (i + 1) * AU_COUNT), k * AU_COUNT);
      for (let j = 0; j < z.length; j++) z[j] = gaussian(rng);
      gen.set(generatorForward(generator, cond, intensity[i]!, z, out), k * AU_COUNT);
    });
    const f = frechetOfRows(gen, real, AU_COUNT);
    perEmotion[e] = f;
    scores.push(f);
  });
  return { score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : NaN, perEmotion };
}
