/**
 * One evaluation run: the judge on real photos (the bar), every face at every emotion with
 * every model, the animation figures, then the report folder (summary.md, report.json,
 * contact-sheet.png, and with the dev judge mean-crops.png). The judge only measures: nothing
 * here feeds back into EmoteBot.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Emotion, EMOTIONS, isEmotion } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import { createHumanDetector } from '../face/human-node.ts';
import { decodeImage, readImageFile } from '../face/image.ts';
import { preparePhoto } from '../face/photo.ts';
import type { FaceDetector } from '../face/types.ts';
import { defaultScript, measureAnimation, type AnimationFigures } from './animation.ts';
import { createFaceApiJudge, JUDGE_LABELS, JUDGE_PREPROCESSING, judgeLabelFor, type Judge, type JudgeImage, type Verdict } from './judge.ts';
import { addVerdict, descriptorDistance, emptyTally, identityStats, meanOf, mergeTallies, rates, sameShareText, type Tally } from './metrics.ts';
import { type EvalFace, type ExpressionModel, loadModels, type ModelDirs, sourceModel } from './models.ts';
import { DEV_PARTITION_SEED, excludedPeople, sampleDevPhotos } from './dev-data.ts';
import { borderedJpeg, FACE_LIST, readFaceList } from './face-list.ts';
import { createDevJudge, readDevClassifier } from './dev-judge.ts';
import { type RealSampleSet, sampleRealPhotos } from './real.ts';
import {
  type Cell, checkReport, type EvalReport, type FaceEntry, type ModelRow, type ModelSection, type RateFigures, type RealRow, type RealSection,
  renderMarkdown, REPORT_SCHEMA, type TargetCheck,
} from './report.ts';
import { MeanCropSums, type MeanCropTable, meanCropTable, REAL_ROW } from './mean-crops.ts';
import { ContactSheet, meanCropsPng } from './sheet.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
/** The default face set: the Mona Lisa test fixture and the EmoteBot character. */
export const DEFAULT_FACES = [path.join(PROJECT_ROOT, 'test/fixtures/mona-lisa.jpg'), 'bot'];
export const DEFAULT_REAL_DIR = path.resolve(PROJECT_ROOT, '../shared/data');
export const DEFAULT_OUT = path.join(PROJECT_ROOT, 'reports/eval');

export interface EvalOptions {
  /** Portrait files, folders of portraits, or "bot" for the character. */
  faces: string[];
  out: string;
  /** Data folder with the labelled sets (fer2013/val, muxspace), or null to skip the bar. */
  realDir: string | null;
  perEmotion: number;
  seed: number;
  size: number;
  intensity: number;
  models: string[];
  animationRuns: number;
  /**
   * The emotions rendered (absent: all of EMOTIONS). Neutral is always rendered with them: the
   * mean crops' differences are taken against it. The others' rows are left empty ("not
   * rendered"), and the overall figures cover only what was rendered.
   */
  emotions?: readonly Emotion[];
  /**
   * Which judge looks: 'face-api' (default, the independent judge) or 'dev' (EmoteBot's own dev
   * classifier, src/eval/dev-judge.ts; its bar is the datasets' dev-part photos, not realDir).
   */
  judgeKind?: JudgeKind;
  /** The dev classifier's folder (default models/dev-classifier). */
  devModel?: string;
  /** Face datasets whose dev-part photos make the dev judge's bar (default DEFAULT_DEV_DATA). */
  devData?: string[];
  /** Seed of the fit/dev partition (default: the dev classifier's training seed, else DEV_PARTITION_SEED). */
  devPartitionSeed?: number;
  /** People (by file name; a folder or a face list) the dev judge's bar leaves out (default: the judge's faces, src/eval/face-list.ts EXCLUDED_PEOPLE_LISTS). */
  excludePeople?: string | null;
  /** Candidate model folders evaluated instead of the shipped ones (models.ts ModelDirs). */
  modelDirs?: ModelDirs;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** Reuse an already loaded judge or detector (tests). */
  judge?: Judge;
  detector?: FaceDetector;
}

export type JudgeKind = 'face-api' | 'dev';
export const JUDGE_KINDS: readonly JudgeKind[] = ['face-api', 'dev'];
/** The datasets the dev judge's bar is drawn from. */
export const DEFAULT_DEV_DATA = [path.join(PROJECT_ROOT, 'datasets/fer2013.ebds'), path.join(PROJECT_ROOT, 'datasets/muxspace.ebds')];

export const DEFAULT_OPTIONS: Omit<EvalOptions, 'faces' | 'out' | 'realDir'> = {
  perEmotion: 40, seed: 1, size: 512, intensity: 1, models: ['source', 'rig', 'gan', 'gan+mean', 'gan+detail'], animationRuns: 5,
};

const IMAGE = /\.(jpe?g|png|webp)$/i;

/** A face to evaluate: 'bot', or a photo file, `bordered` when a face list named it (src/eval/face-list.ts). */
export interface FaceFile { file: string; bordered: boolean }

/** The faces --faces names: 'bot' and image files as they are, folders as their image files (sorted), face lists as their photos (read against `dataDir`). */
export async function expandFaces(entries: readonly string[], dataDir: string = DEFAULT_REAL_DIR): Promise<FaceFile[]> {
  const out: FaceFile[] = [];
  for (const e of entries) {
    if (e === 'bot') { out.push({ file: e, bordered: false }); continue; }
    let s;
    try {
      s = await stat(e);
    } catch {
      throw new EmoteBotError('not-found', `--faces: ${e} not found`);
    }
    if (s.isDirectory()) {
      const files = (await readdir(e)).filter((f) => IMAGE.test(f)).sort();
      if (files.length === 0) throw new EmoteBotError('not-found', `--faces: no JPEG, PNG or WebP files in ${e}`);
      out.push(...files.map((f) => ({ file: path.join(e, f), bordered: false })));
    } else if (FACE_LIST.test(e)) {
      out.push(...(await readFaceList(e, dataDir)).map((file) => ({ file, bordered: true })));
    } else out.push({ file: e, bordered: false });
  }
  return out;
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base, k = 2;
  while (taken.has(id)) id = `${base}-${k++}`;
  taken.add(id);
  return id;
}

const rateFigures = (t: Tally): RateFigures => ({ n: t.n, detected: t.detected, correct: t.correct, ...rates(t) });

/** Judges a real photo or a render; identical pixels are judged once. */
class CachedJudge {
  private readonly cache = new Map<string, Verdict>();
  calls = 0;
  constructor(readonly judge: Judge) {}
  async verdict(image: JudgeImage, descriptor: boolean): Promise<Verdict> {
    const key = createHash('sha1').update(image.data).update(`${image.width}x${image.height}:${descriptor}`).digest('hex');
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.calls++;
    const v = await this.judge.judge(image, { descriptor });
    this.cache.set(key, v);
    return v;
  }
}

/**
 * Measures the judge on real photos of `emotions` (the rendered ones). Each emotion's photos are
 * drawn with their own seed, so its row is the same whichever other emotions are measured with it;
 * the rows of emotions not asked for stay empty (n 0) and a note says so. With `crops`, every photo
 * the judge found a face on adds the crop it classified (when the judge gives one) to the REAL_ROW
 * means, counted as the tallies count.
 */
async function measureReal(options: EvalOptions, emotions: readonly Emotion[], judge: CachedJudge, log: (l: string) => void, crops: MeanCropSums | null = null): Promise<RealSection> {
  const empty = (): RealSection => ({
    status: 'skipped', dataDir: options.realDir, perEmotion: options.perEmotion, sources: [],
    rows: EMOTIONS.map((e): RealRow => ({ emotion: e, judgeLabel: judgeLabelFor(e), ...rateFigures(emptyTally()), confusion: {}, bySource: {} })),
    overall: { ...rateFigures(emptyTally()), meanAccuracy: null }, notes: [],
  });
  if (options.realDir === null) return { ...empty(), notes: ['skipped (--real none)'] };
  let set: RealSampleSet;
  let dataDir: string = options.realDir;
  if (options.judgeKind === 'dev') {
    // The dev judge is measured on the datasets' dev part (never fer2013/val or muxspace's val).
    const files = options.devData ?? DEFAULT_DEV_DATA;
    dataDir = `the dev part of ${files.map((f) => path.relative(PROJECT_ROOT, f) || f).join(', ')}`;
    set = await sampleDevPhotos(files, options.perEmotion, options.seed, options.devPartitionSeed ?? DEV_PARTITION_SEED, await excludedPeople(options.excludePeople));
  } else {
    let exists = false;
    try { exists = (await stat(options.realDir)).isDirectory(); } catch { /* missing */ }
    if (!exists) return { ...empty(), notes: [`skipped: ${options.realDir} not found (give the data folder with --real)`] };
    set = await sampleRealPhotos(options.realDir, options.perEmotion, options.seed);
  }
  if (emotions.length < EMOTIONS.length) {
    const asked = new Set<Emotion>(emotions);
    const left = set.samples.filter((s) => !asked.has(s.emotion)).length;
    set = { ...set, samples: set.samples.filter((s) => asked.has(s.emotion)), notes: [...set.notes, `measured on ${emotions.join(', ')} only (--emotions): the other emotions' ${left} photos were not judged, their rows are empty and the overall figures cover these emotions`] };
  }
  if (set.samples.length === 0) return { ...empty(), dataDir, sources: set.sources, notes: [...set.notes, `skipped: no labelled photos${emotions.length < EMOTIONS.length ? ` of ${emotions.join(', ')}` : ''} in ${dataDir}`] };
  const tallies = new Map<string, Tally>(); // `${emotion}|${source}`
  let done = 0;
  const started = performance.now();
  for (const s of set.samples) {
    let v: Verdict | null = null;
    try {
      v = await judge.verdict(await readImageFile(s.file), false);
    } catch (e) {
      set.notes.push(`${s.file}: unreadable (${e instanceof Error ? e.message : String(e)}), left out`);
    }
    if (v) {
      const key = `${s.emotion}|${s.source}`;
      const t = tallies.get(key) ?? emptyTally();
      addVerdict(t, judgeLabelFor(s.emotion) ?? '(no judge label)', v.top);
      tallies.set(key, t);
      if (crops && v.detected && v.crop) crops.add(REAL_ROW, s.emotion, v.crop);
    }
    done++;
    if (done % 50 === 0 || done === set.samples.length) log(`real photos: ${done}/${set.samples.length} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const sourceNames = set.sources.map((s) => s.name);
  const rows = EMOTIONS.map((e): RealRow => {
    const per = sourceNames.map((s) => [s, tallies.get(`${e}|${s}`)] as const).filter((x): x is readonly [string, Tally] => x[1] !== undefined);
    const all = mergeTallies(per.map((x) => x[1]));
    const label = judgeLabelFor(e);
    const figures = rateFigures(all);
    return {
      emotion: e, judgeLabel: label,
      // No judge label: what the judge said is kept, but there is no right answer to count.
      ...(label === null ? { ...figures, correct: 0, accuracy: null, accuracyAll: null } : figures),
      confusion: all.confusion,
      bySource: Object.fromEntries(per.map(([s, t]) => [s, label === null ? { ...rateFigures(t), correct: 0, accuracy: null, accuracyAll: null } : rateFigures(t)])),
    };
  });
  const judged = rows.filter((r) => r.judgeLabel !== null);
  const overall = mergeTallies(EMOTIONS.filter((e) => judgeLabelFor(e) !== null).flatMap((e) => sourceNames.map((s) => tallies.get(`${e}|${s}`)).filter((t): t is Tally => t !== undefined)));
  const notes = [...set.notes];
  const contempt = rows.find((r) => r.emotion === 'contempt');
  if (contempt && contempt.n > 0) notes.push(`contempt: the judge has no contempt label; its ${contempt.n} photos are judged and shown in the confusion table but left out of every accuracy`);
  return {
    status: 'measured', dataDir, perEmotion: options.perEmotion, sources: set.sources, rows,
    overall: { ...rateFigures(overall), meanAccuracy: meanOf(judged.map((r) => r.accuracy)) }, notes,
  };
}

interface OpenedFace { face: EvalFace; source: Uint8ClampedArray; size: number }

async function openFaces(files: readonly FaceFile[], options: EvalOptions, getDetector: () => Promise<FaceDetector>, log: (l: string) => void): Promise<{ opened: OpenedFace[]; skipped: string[] }> {
  const opened: OpenedFace[] = [];
  const skipped: string[] = [];
  const taken = new Set<string>();
  for (const { file: f, bordered } of files) {
    if (f === 'bot') {
      opened.push({ face: { id: uniqueId('emotebot', taken), kind: 'character', size: options.size }, source: new Uint8ClampedArray(0), size: options.size });
      continue;
    }
    const id = uniqueId(path.basename(f).replace(/\.[^.]+$/, ''), taken);
    try {
      const raster = bordered ? await decodeImage(await borderedJpeg(f), f) : await readImageFile(f);
      const photo = await preparePhoto(raster, await getDetector(), options.size);
      opened.push({ face: { id, kind: 'photo', file: f, image: photo.image, mesh: photo.mesh }, source: photo.image.data, size: options.size });
    } catch (e) {
      const why = e instanceof EmoteBotError ? e.message : e instanceof Error ? e.message : String(e);
      skipped.push(`${f}: ${why}; left out`);
      log(`face ${id}: ${why}; left out`);
    }
  }
  return { opened, skipped };
}

function sourceImage(face: EvalFace): Uint8ClampedArray {
  const r = sourceModel.open(face)!;
  try {
    return r.render('neutral', 0);
  } finally {
    r.dispose();
  }
}

export interface EvalResult {
  report: EvalReport;
  files: { summary: string; json: string; contactSheet: string; meanCrops?: string };
  /** The mean-crops table drawn in mean-crops.png (dev judge only). */
  meanCrops?: MeanCropTable;
}

export async function runEvaluation(options: EvalOptions): Promise<EvalResult> {
  // Checked before anything loads: an unknown emotion fails at once.
  const emotions = renderedEmotions(options.emotions);
  const log = options.log ?? (() => {});
  const files = await expandFaces(options.faces, options.realDir ?? DEFAULT_REAL_DIR);
  const { models, missing } = await loadModels(options.models, options.seed, options.modelDirs ?? {});
  for (const m of missing) log(`model ${m.name} left out: ${m.reason}`);
  if (models.length === 0) throw new EmoteBotError('bad-argument', 'no model to evaluate');

  let detector = options.detector ?? null;
  const getDetector = async () => {
    if (!detector) {
      log('loading the face mesh (Human on wasm)');
      detector = await createHumanDetector();
    }
    return detector;
  };
  /** Releases the detector this run loaded (not one the caller gave); a later getDetector loads it again. */
  const releaseDetector = () => {
    if (detector && !options.detector) detector.dispose();
    detector = options.detector ?? null;
  };

  const dev = options.judgeKind === 'dev';
  let judgeImpl = options.judge;
  let devDetector: FaceDetector | null = null;
  if (!judgeImpl && dev) {
    log(`loading the dev judge (${options.devModel ?? 'models/dev-classifier'})`);
    let model;
    try {
      model = await readDevClassifier(options.devModel);
    } catch (e) {
      throw new EmoteBotError('model-invalid', `the dev classifier cannot be used (${e instanceof Error ? e.message : String(e)}); train it with emotebot train dev-classifier`);
    }
    // Its own detector, which also describes faces (Human's faceres): identity on Human's scale.
    devDetector = await createHumanDetector({ describe: true });
    judgeImpl = createDevJudge(model, devDetector);
    // The bar comes from the dev part of the split the classifier was trained with.
    options = { ...options, devPartitionSeed: options.devPartitionSeed ?? model.manifest.training.seed };
  }
  if (!judgeImpl) log('loading the judge (face-api on wasm)');
  const judge = new CachedJudge(judgeImpl ?? (await createFaceApiJudge()));

  // Mean crops (dev judge only): real photos and renders, counted as the accuracy tables count.
  const crops = dev ? new MeanCropSums() : null;

  // 1. The bar.
  const real = await measureReal(options, emotions, judge, log, crops);

  // 2. Faces and renders.
  const { opened, skipped } = await openFaces(files, options, getDetector, log);
  // Only the faces needed this detector: the face-api judge finds faces itself, and the dev judge
  // has its own (devDetector, which also describes faces).
  releaseDetector();
  if (opened.length === 0) throw new EmoteBotError('no-face', 'no face to evaluate (every --faces entry was left out)');
  const sheet = new ContactSheet();
  const cells: Cell[] = [];
  const faces: FaceEntry[] = [];
  const total = opened.length * models.length * emotions.length;
  let done = 0;
  for (const o of opened) {
    // The face as it came in: the prepared photo crop, or the character at rest.
    const source = o.face.kind === 'photo' ? o.source : sourceImage(o.face);
    const srcVerdict = await judge.verdict({ data: source, width: o.size, height: o.size, channels: 4 }, true);
    const entry: FaceEntry = {
      id: o.face.id, kind: o.face.kind, file: o.face.kind === 'photo' ? o.face.file : null,
      source: { detected: srcVerdict.detected, top: srcVerdict.top, topProbability: srcVerdict.topProbability, score: srcVerdict.score },
      notes: [],
    };
    if (!srcVerdict.detected) entry.notes.push('the judge finds no face on the face as it came in');
    if (o.face.kind === 'character') entry.notes.push('a drawn character: its descriptor distance is not a person\'s identity and is left out of the identity figures');
    faces.push(entry);
    for (const model of models) {
      const rendering = model.open(o.face);
      if (!rendering) {
        entry.notes.push(`model ${model.name} cannot render a ${o.face.kind}`);
        done += emotions.length;
        continue;
      }
      try {
        for (const emotion of emotions) {
          const rgba = rendering.render(emotion, options.intensity);
          const v = await judge.verdict({ data: rgba, width: o.size, height: o.size, channels: 4 }, true);
          const label = judgeLabelFor(emotion);
          const identity = o.face.kind === 'photo' && v.descriptor && srcVerdict.descriptor ? descriptorDistance(v.descriptor, srcVerdict.descriptor) : null;
          const cell: Cell = {
            face: o.face.id, model: model.name, emotion, judgeLabel: label, detected: v.detected, top: v.top, topProbability: v.topProbability,
            targetProbability: label !== null && v.detected ? v.expressions[label] : null,
            correct: label === null ? null : v.top === label,
            identityDistance: identity, expressions: { ...v.expressions },
          };
          cells.push(cell);
          if (crops && v.detected && v.crop) crops.add(model.name, emotion, v.crop);
          await sheet.add(o.face.id, model.name, rgba, o.size, cell);
          done++;
          log(`renders: ${done}/${total} ${o.face.id} ${model.name} ${emotion}: ${v.detected ? `${v.top} ${v.topProbability.toFixed(2)}` : 'no face'}`);
        }
      } finally {
        rendering.dispose();
      }
    }
  }

  // 3. Animation figures, for every model that animates.
  log('animation figures');
  const animation: AnimationFigures[] = models.filter((m) => m.codeFor).map((m) => measureAnimation(defaultScript(options.seed, options.animationRuns), { name: m.name, codeFor: m.codeFor!.bind(m) }));

  // 4. The report.
  const modelSections = models.map((m) => modelSection(m, cells.filter((c) => c.model === m.name), real, faces));
  const out = path.resolve(options.out);
  const written: EvalResult['files'] = {
    summary: path.join(out, 'summary.md'), json: path.join(out, 'report.json'), contactSheet: path.join(out, 'contact-sheet.png'),
    ...(crops ? { meanCrops: path.join(out, 'mean-crops.png') } : {}),
  };
  const report: EvalReport = {
    schema: REPORT_SCHEMA,
    createdAt: new Date().toISOString(),
    settings: {
      faces: files.map((f) => f.file), models: models.map((m) => m.name), size: options.size, intensity: options.intensity, seed: options.seed,
      perEmotion: options.perEmotion, realDir: options.realDir, animationRuns: options.animationRuns,
      ...(options.modelDirs && Object.keys(options.modelDirs).length ? { modelDirs: { ...options.modelDirs } } : {}),
      ...(emotions.length < EMOTIONS.length ? { emotions: [...emotions] } : {}),
    },
    judge: {
      name: judge.judge.name, versions: judge.judge.versions, preprocessing: judge.judge.preprocessing ?? JUDGE_PREPROCESSING.description, labels: [...JUDGE_LABELS],
      notes: dev
        ? [
          'the dev judge has no contempt label: contempt is reported as "no judge label" and left out of every accuracy',
          'the dev judge is EmoteBot\'s own classifier, trained on the datasets\' fit part and chosen on their dev part: a dev measure choices may be made from',
          'identity: Human\'s face-description embedding (faceres), Euclidean distance, on Human\'s scale: for comparing models with each other, not held to the judge\'s 0.35 and 0.6',
          'its bar is the datasets\' dev-part photos (the part its L2 strength was chosen on), not fer2013/val or muxspace\'s val',
        ]
        : [
          'the judge has no contempt label: contempt is reported as "no judge label" and left out of every accuracy',
          'the judge is only measured against: no EmoteBot parameter is fitted, tuned or chosen from its outputs',
        ],
    },
    real, faces, models: modelSections, cells, animation,
    targets: targetChecks(modelSections, animation, real, !dev),
    files: written,
    notes: [
      ...missing.map((m) => `model ${m.name} not evaluated: ${m.reason}`),
      ...skipped,
      'default faces: the Mona Lisa (test fixture) and the EmoteBot character. The project makes no faces of its own yet: ' +
        'mirrored, re-lit or cropped variants of a photo are not new identities, so none are added; use --faces for more portraits',
    ],
  };
  const problems = checkReport(report);
  if (problems.length) throw new Error(`the report does not match its schema: ${problems.slice(0, 5).join('; ')}`);
  await mkdir(out, { recursive: true });
  await writeFile(written.json, JSON.stringify(report, null, 1) + '\n');
  await writeFile(written.summary, renderMarkdown(report));
  await writeFile(written.contactSheet, await sheet.png());
  const meanCrops = crops ? meanCropTable(crops, models.map((m) => m.name)) : undefined;
  if (meanCrops && written.meanCrops) await writeFile(written.meanCrops, await meanCropsPng(meanCrops));
  log(`judge calls: ${judge.calls}`);
  releaseDetector();
  devDetector?.dispose();
  return { report, files: written, ...(meanCrops ? { meanCrops } : {}) };
}

/** The emotions an evaluation renders, in EMOTIONS order: neutral and those asked for (absent: every emotion); an unknown name is refused. */
export function renderedEmotions(asked?: readonly string[]): Emotion[] {
  if (!asked) return [...EMOTIONS];
  for (const e of asked) if (!isEmotion(e)) throw new EmoteBotError('bad-argument', `--emotions: unknown emotion "${e}" (known: ${EMOTIONS.join(', ')})`);
  return EMOTIONS.filter((e) => e === 'neutral' || asked.includes(e));
}

function modelSection(model: ExpressionModel, cells: readonly Cell[], real: RealSection, faces: readonly FaceEntry[]): ModelSection {
  const photos = new Set(faces.filter((f) => f.kind === 'photo').map((f) => f.id));
  const seen = new Set(faces.filter((f) => f.source.detected).map((f) => f.id));
  const tallyOf = (cs: readonly Cell[]) => {
    const t = emptyTally();
    for (const c of cs) addVerdict(t, c.judgeLabel ?? '(no judge label)', c.top);
    return t;
  };
  const rows = EMOTIONS.map((e, i): ModelRow => {
    const cs = cells.filter((c) => c.emotion === e);
    const label = judgeLabelFor(e);
    const t = tallyOf(cs);
    const figures = rateFigures(t);
    return {
      emotion: e, judgeLabel: label,
      ...(label === null ? { ...figures, correct: 0, accuracy: null, accuracyAll: null } : figures),
      realAccuracy: real.status === 'measured' ? (real.rows[i]?.accuracy ?? null) : null,
      meanTargetProbability: meanOf(cs.map((c) => c.targetProbability)),
      identity: identityStats(cs.filter((c) => photos.has(c.face)).map((c) => c.identityDistance).filter((d): d is number => d !== null)),
      confusion: t.confusion,
    };
  });
  const judged = cells.filter((c) => c.judgeLabel !== null);
  return {
    name: model.name, description: model.description, rows,
    overall: {
      ...rateFigures(tallyOf(judged)),
      expressive: rateFigures(tallyOf(judged.filter((c) => c.emotion !== 'neutral'))),
      stillDetected: rateFigures(tallyOf(cells.filter((c) => seen.has(c.face)))),
      identity: identityStats(cells.filter((c) => photos.has(c.face)).map((c) => c.identityDistance).filter((d): d is number => d !== null)),
    },
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(0)}%`);

/** What each figure should reach, and whether it does. */
export function targetChecks(models: readonly ModelSection[], animation: readonly AnimationFigures[], real: RealSection, identityMeasured = true): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const m of models) {
    if (m.name === 'source') continue; // the baseline is not held to targets
    for (const r of m.rows) {
      if (r.n === 0) {
        out.push({ what: `${m.name}: ${r.emotion} recognised`, target: r.judgeLabel === null ? 'no judge label' : 'at least the judge\'s accuracy on real photos', value: 'not rendered', met: null });
        continue;
      }
      if (r.judgeLabel === null) {
        out.push({ what: `${m.name}: ${r.emotion} recognised`, target: 'no judge label', value: `judge saw ${Object.entries(r.confusion).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing'}`, met: null });
        continue;
      }
      const bar = r.realAccuracy;
      out.push({
        what: `${m.name}: ${r.emotion} recognised`,
        target: bar === null ? 'the judge\'s accuracy on real photos (not measured)' : `at least the judge's accuracy on real ${r.emotion} photos (${pct(bar)})`,
        value: `${pct(r.accuracy)} (${r.correct}/${r.detected})`,
        met: bar === null || r.accuracy === null ? null : r.accuracy >= bar,
      });
    }
    const det = m.overall.stillDetected;
    out.push({
      what: `${m.name}: face still detected`, target: '100% of renders of faces the judge finds as they came in',
      value: `${pct(det.detectionShare)} (${det.detected}/${det.n})`, met: det.n ? det.detected === det.n : null,
    });
    const id = m.overall.identity;
    if (!identityMeasured) {
      out.push({ what: `${m.name}: same person (photos)`, target: 'every render under 0.6', value: 'not on the judge\'s scale (the dev judge\'s descriptor is Human\'s: see the identity table)', met: null });
      out.push({ what: `${m.name}: identity distance (photos)`, target: 'mean under 0.35', value: 'not on the judge\'s scale (the dev judge\'s descriptor is Human\'s: see the identity table)', met: null });
      continue;
    }
    out.push({ what: `${m.name}: same person (photos)`, target: 'every render under 0.6', value: id.n ? `${sameShareText(id)} under 0.6, mean ${id.mean?.toFixed(2)}, p90 ${id.p90?.toFixed(2)}` : 'no photo renders', met: id.n ? id.shareSame === 1 : null });
    out.push({ what: `${m.name}: identity distance (photos)`, target: 'mean under 0.35', value: id.n && id.mean !== null ? id.mean.toFixed(3) : 'no photo renders', met: id.n && id.mean !== null ? id.mean < 0.35 : null });
  }
  for (const a of animation) {
    out.push({ what: `${a.model}: blinks per minute at rest`, target: 'about 17 (15-20)', value: a.blinkRateRest.toFixed(1), met: a.blinkRateRest >= 15 && a.blinkRateRest <= 20 });
    const d = a.blinkDuration;
    out.push({
      what: `${a.model}: blink duration`, target: '100-400 ms', value: d.min === null ? 'no blinks' : `${(d.min * 1000).toFixed(0)}-${(d.max! * 1000).toFixed(0)} ms`,
      met: d.min === null ? false : d.min >= 0.1 && d.max! <= 0.4,
    });
    const on = meanOf(a.onsets.map((o) => o.onsetMean));
    out.push({ what: `${a.model}: onset 10-90%`, target: 'no number set (reported)', value: on === null ? 'n/a' : `${(on * 1000).toFixed(0)} ms mean over emotions`, met: null });
    out.push({ what: `${a.model}: jitter at rest`, target: 'no number set (reported)', value: `${a.rest.jitter.toFixed(4)} mm per frame^2`, met: null });
  }
  if (real.status === 'skipped') out.push({ what: 'the bar (judge on real photos)', target: 'measured', value: real.notes.join('; '), met: false });
  return out;
}
