/**
 * `emotebot train dev-classifier`: the dev measure's image expression classifier
 * (src/eval/dev-classifier.ts) from real labelled photos: every face of the datasets' fit part
 * (the expression models' partition, src/models/expression-data.ts) is cropped from its photo
 * through the similarity the data pipeline stored, its features computed, a softmax regression
 * trained per L2 strength of a small list, and the strength with the best balanced recall on the
 * dev part kept. The val part is never read. Writes models/dev-classifier/ (manifest with the dev
 * figures, weights checked by SHA-256 on load).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from '../cli/main.ts';
import { numberOption } from '../cli/options.ts';
import { EmoteBotError } from '../core/errors.ts';
import { decodeImage } from '../face/image.ts';
import {
  classFigures, cropFeatures, cropFace, DEFAULT_FEATURES, DEFAULT_TRAIN, DEFAULT_WINDOW, DEV_CLASSES, DEV_MODEL_NAME, DEV_MODEL_VERSION, devClassifierTensors,
  featureLength, featureStats, luminance, mirrorCrop, normaliseCrop, predictStandardised, type SoftmaxModel, standardise, trainSoftmax, type ClassFigures,
} from '../eval/dev-classifier.ts';
import { type DatasetPhoto, excludedPeople, PART_DEV, PART_FIT, readPart } from '../eval/dev-data.ts';
import { EXCLUDED_PEOPLE_LISTS } from '../eval/face-list.ts';
import { writeModelDir } from './files.ts';
import { encodeModel } from './manifest.ts';
import { DEFAULT_QUALITY } from './expression-data.ts';

/** The L2 strengths the classifier is chosen from, on the dev part. */
export const DEFAULT_L2 = [0.1, 0.3, 1];

export const TRAIN_DEV_HELP = `emotebot train dev-classifier: the dev measure's image expression classifier

Usage
  emotebot train dev-classifier --data <file.ebds>... [options]

Learns from the datasets' fit part (the expression models' split: quality filter, seeded dev
share), chooses the L2 strength by balanced recall on the dev part; the val part is never read.
Contempt is left out (the classes are ${DEV_CLASSES.join(', ')}).

Options
  --data <file>      a face dataset (.ebds) whose photos are still where its header says; repeat
  --out <dir>        where the model goes (default models/dev-classifier)
  --seed <n>         seed of the fit/dev split and of training (default 1)
  --l2 <list>        comma-separated L2 strengths to choose from (default ${DEFAULT_L2.join(',')})
  --epochs <n>       passes over the fit part per strength (default ${DEFAULT_TRAIN.epochs})
  --mirror <on|off>  also learn from every fit crop mirrored (default on)
  --exclude-people <folder|list|none>  people (by file name, Bob_Graham_0002.jpg -> Bob_Graham)
                     left out of fit and dev, from a folder of photos or a face list (.txt)
                     (default: the judge's evaluation faces, eval/judge-faces.txt and
                     eval/former-judge-faces.txt)
  --limit <n>        at most n photos per dataset and part (a quick look)
  --quiet            no progress on stderr`;

const quote = (a: string) => (/^[\w./=:,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export interface DevTrainArgs {
  data: string[];
  out: string;
  seed: number;
  l2: number[];
  epochs: number;
  mirror: boolean;
  /** A folder or face list; undefined: the judge's faces (defaultExcludedPeople); null: nobody. */
  excludePeople: string | null | undefined;
  limit: number;
  quiet: boolean;
}

/** Parses and checks the arguments (EmoteBotError 'bad-argument' with one clear line). */
export function parseDevTrainArgs(args: string[]): DevTrainArgs {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      data: { type: 'string', multiple: true }, out: { type: 'string', default: path.join('models', 'dev-classifier') }, seed: { type: 'string' },
      l2: { type: 'string' }, epochs: { type: 'string' }, mirror: { type: 'string', default: 'on' }, 'exclude-people': { type: 'string' },
      limit: { type: 'string' }, quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot train dev-classifier --help)`);
  const data = values.data ?? [];
  if (data.length === 0) throw new EmoteBotError('bad-argument', 'train dev-classifier needs --data <file.ebds> (see emotebot train dev-classifier --help)');
  const l2 = values.l2 === undefined ? [...DEFAULT_L2] : values.l2.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const v = Number(s);
    if (!Number.isFinite(v) || v < 0) throw new EmoteBotError('bad-argument', `--l2 must be a comma-separated list of numbers >= 0, got "${values.l2}"`);
    return v;
  });
  if (l2.length === 0) throw new EmoteBotError('bad-argument', '--l2 needs at least one strength');
  if (values.mirror !== 'on' && values.mirror !== 'off') throw new EmoteBotError('bad-argument', `--mirror must be "on" or "off", got "${values.mirror}"`);
  const ex = values['exclude-people'];
  return {
    data, out: values.out, seed: numberOption('seed', values.seed, 1, 0, 2 ** 31 - 1, true), l2,
    epochs: numberOption('epochs', values.epochs, DEFAULT_TRAIN.epochs, 1, 1000, true), mirror: values.mirror === 'on',
    excludePeople: ex === 'none' ? null : ex,
    limit: numberOption('limit', values.limit, Infinity, 1, Infinity, true), quiet: values.quiet,
  };
}

export interface Features { x: Float32Array; labels: Uint8Array; n: number; source: Uint8Array; unreadable: number }

/** Decodes the photos (a few at a time) and computes every face's features; mirrored copies appended when asked. */
export async function computeFeatures(photos: readonly (DatasetPhoto & { source: number })[], mirror: boolean, progress: (done: number) => void, w = DEFAULT_WINDOW, spec = DEFAULT_FEATURES): Promise<Features> {
  const d = featureLength(w.size, spec);
  const rows = photos.length * (mirror ? 2 : 1);
  const x = new Float32Array(rows * d);
  const labels = new Uint8Array(rows), source = new Uint8Array(rows);
  const ok = new Uint8Array(photos.length);
  let next = 0, done = 0, unreadable = 0;
  const worker = async () => {
    for (;;) {
      const k = next++;
      if (k >= photos.length) return;
      const p = photos[k]!;
      try {
        const raster = await decodeImage(await readFile(p.file), p.file);
        const crop = normaliseCrop(cropFace(luminance(raster), raster.width, raster.height, p.similarity, w));
        cropFeatures(crop, w.size, spec, x.subarray(k * d, (k + 1) * d));
        if (mirror) cropFeatures(mirrorCrop(crop, w.size), w.size, spec, x.subarray((photos.length + k) * d, (photos.length + k + 1) * d));
        ok[k] = 1;
      } catch {
        unreadable++;
      }
      done++;
      if (done % 500 === 0 || done === photos.length) progress(done);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  // Keep readable rows only, in photo order (then their mirrors), so the result never depends on timing.
  let n = 0;
  for (let copy = 0; copy < (mirror ? 2 : 1); copy++) {
    for (let k = 0; k < photos.length; k++) {
      if (!ok[k]) continue;
      const from = copy * photos.length + k;
      if (from !== n) x.copyWithin(n * d, from * d, (from + 1) * d);
      labels[n] = DEV_CLASSES.indexOf(photos[k]!.emotion as (typeof DEV_CLASSES)[number]);
      source[n] = photos[k]!.source;
      n++;
    }
  }
  return { x: x.subarray(0, n * d), labels: labels.subarray(0, n), source: source.subarray(0, n), n, unreadable };
}

const round = (v: number, k = 4) => Math.round(v * 10 ** k) / 10 ** k;
const figuresJson = (f: ClassFigures) => ({
  n: f.n, balancedRecall: round(f.balancedRecall), accuracy: round(f.accuracy),
  recall: Object.fromEntries(DEV_CLASSES.map((c, i) => [c, f.recall[i] === null ? null : round(f.recall[i]!)])),
  confusion: { rows: 'true class', columns: 'predicted class', classes: [...DEV_CLASSES], counts: f.confusion },
});

export function figureLines(f: ClassFigures): string[] {
  const pct = (v: number | null) => (v === null ? '  n/a' : `${(v * 100).toFixed(1).padStart(5)}%`);
  return [
    `  ${'class'.padEnd(10)} ${'n'.padStart(6)} recall`,
    ...DEV_CLASSES.map((c, i) => `  ${c.padEnd(10)} ${String(f.confusion[i]!.reduce((a, b) => a + b, 0)).padStart(6)} ${pct(f.recall[i]!)}`),
    `  balanced recall ${pct(f.balancedRecall)}, accuracy ${pct(f.accuracy)} (${f.n} faces)`,
  ];
}

export async function runTrainDevClassifier(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { io.out(TRAIN_DEV_HELP); return 0; }
  const a = parseDevTrainArgs(args);
  const log = (l: string) => { if (!a.quiet) io.err(`emotebot: ${l}`); };
  const command = ['emotebot', 'train', 'dev-classifier', ...args].map(quote).join(' ');
  const t0 = performance.now();
  const exclude = await excludedPeople(a.excludePeople);
  const excludeName = a.excludePeople === undefined ? EXCLUDED_PEOPLE_LISTS.map((l) => path.relative(process.cwd(), l)).join(' + ') : a.excludePeople;
  if (excludeName) log(`leaving out ${exclude.size} people of ${excludeName}`);

  const fit: (DatasetPhoto & { source: number })[] = [], dev: (DatasetPhoto & { source: number })[] = [];
  const dataInfo: Record<string, unknown>[] = [];
  for (const [s, file] of a.data.entries()) {
    const f = await readPart(file, PART_FIT, a.seed, exclude);
    const d = await readPart(file, PART_DEV, a.seed, exclude);
    const keep = (p: DatasetPhoto) => p.emotion !== 'contempt';
    const fp = f.photos.filter(keep).slice(0, a.limit), dp = d.photos.filter(keep).slice(0, a.limit);
    fit.push(...fp.map((p) => ({ ...p, source: s })));
    dev.push(...dp.map((p) => ({ ...p, source: s })));
    const count = (ps: DatasetPhoto[]) => Object.fromEntries(DEV_CLASSES.map((c) => [c, ps.filter((p) => p.emotion === c).length]));
    dataInfo.push({ file, name: f.name, fit: count(fp), dev: count(dp), contemptLeftOut: f.photos.length + d.photos.length - f.photos.filter(keep).length - d.photos.filter(keep).length, excludedPeopleFaces: f.excluded + d.excluded });
    log(`${file}: ${fp.length} fit faces, ${dp.length} dev faces (${f.excluded + d.excluded} of excluded people left out)`);
  }
  if (fit.length === 0 || dev.length === 0) throw new EmoteBotError('bad-argument', 'train dev-classifier: no fit or no dev faces in the --data files');

  const tf = performance.now();
  const F = await computeFeatures(fit, a.mirror, (k) => log(`fit features: ${k}/${fit.length} photos (${((performance.now() - tf) / 1000).toFixed(0)} s)`));
  const D = await computeFeatures(dev, false, (k) => log(`dev features: ${k}/${dev.length} photos`));
  const featureSeconds = (performance.now() - tf) / 1000;
  const dims = featureLength(DEFAULT_WINDOW.size, DEFAULT_FEATURES);
  const stats = featureStats(F.x, F.n, dims);
  standardise(F.x, F.n, stats.mean, stats.std);
  standardise(D.x, D.n, stats.mean, stats.std);

  const tried: { l2: number; figures: ClassFigures; model: SoftmaxModel }[] = [];
  for (const l2 of a.l2) {
    const ts = performance.now();
    const model = trainSoftmax(F.x, F.labels, DEV_CLASSES.length, stats, {
      ...DEFAULT_TRAIN, l2, epochs: a.epochs, seed: a.seed,
      onEpoch: (e, loss) => log(`l2 ${l2}: epoch ${e}/${a.epochs}, weighted loss ${loss.toFixed(4)} (${((performance.now() - ts) / 1000).toFixed(0)} s)`),
    });
    const figures = classFigures(D.labels, predictStandardised(model, D.x, D.n), DEV_CLASSES.length);
    log(`l2 ${l2}: dev balanced recall ${(figures.balancedRecall * 100).toFixed(1)}%, accuracy ${(figures.accuracy * 100).toFixed(1)}%`);
    tried.push({ l2, figures, model });
  }
  // The best balanced recall on dev; ties go to the stronger regularisation (later in a rising list).
  const best = tried.reduce((b, t) => (t.figures.balancedRecall > b.figures.balancedRecall || (t.figures.balancedRecall === b.figures.balancedRecall && t.l2 > b.l2) ? t : b));
  const pred = predictStandardised(best.model, D.x, D.n);
  const bySource = a.data.map((file, s) => {
    const idx: number[] = [];
    for (let i = 0; i < D.n; i++) if (D.source[i] === s) idx.push(i);
    return { file, figures: classFigures(idx.map((i) => D.labels[i]!), idx.map((i) => pred[i]!), DEV_CLASSES.length) };
  });
  const seconds = (performance.now() - t0) / 1000;
  const { manifest, weights } = await encodeModel({
    name: DEV_MODEL_NAME, version: DEV_MODEL_VERSION, created: new Date().toISOString(),
    architecture: {
      kind: 'softmax regression on HOG + coarse intensity features of an aligned luminance crop (src/eval/dev-classifier.ts)',
      window: { ...DEFAULT_WINDOW },
      windowDescription: 'canonical centimetres (x towards the subject\'s left, y up), the plane z = window.z, sampled at size x size through the face\'s canonical-to-image similarity, bilinear, clamped; luminance 0.299 R + 0.587 G + 0.114 B; crop normalised to mean 0, std 1',
      features: { ...DEFAULT_FEATURES },
      featureDescription: 'HOG (cell x cell pixel cells, unsigned bins centred at b * 180 / bins degrees with linear interpolation, block x block cell blocks at stride one cell, L2-Hys with clip) then the coarse x coarse mean-pooled normalised crop; standardised by the tensors mean and std',
      featureLength: dims, classes: [...DEV_CLASSES],
      tensors: 'mean [features], std [features], weights [classes, features], bias [classes]: p = softmax(weights (f - mean) / std + bias)',
    },
    training: {
      command, seed: a.seed, seconds: Math.round(seconds),
      data: {
        datasets: dataInfo, partition: 'src/models/expression-data.ts partOf (train split: dev when hashUnit(seed, key) < 0.1, else fit; other splits val, never read); quality DEFAULT_QUALITY',
        quality: DEFAULT_QUALITY, fitFaces: F.n / (a.mirror ? 2 : 1), fitRows: F.n, devFaces: D.n, unreadable: F.unreadable + D.unreadable,
        excludePeople: excludeName, excludedPeople: exclude.size,
      },
      mirror: a.mirror, l2Choices: a.l2, epochs: a.epochs, batch: DEFAULT_TRAIN.batch, learningRate: DEFAULT_TRAIN.learningRate, optimiser: 'Adam, step decayed linearly to 0, seeded shuffles',
      classWeights: 'n / (classes * n_class) on the fit rows', featureSeconds: Math.round(featureSeconds),
      selection: tried.map((t) => ({ l2: t.l2, devBalancedRecall: round(t.figures.balancedRecall), devAccuracy: round(t.figures.accuracy) })),
      chosenL2: best.l2,
    },
    metrics: {
      part: 'dev (the seeded 10% of the train split; the L2 strength was chosen on it, so these figures are slightly optimistic)',
      dev: figuresJson(best.figures),
      devBySource: Object.fromEntries(bySource.map((b) => [b.file, figuresJson(b.figures)])),
    },
  }, devClassifierTensors(best.model));
  await writeModelDir(a.out, manifest, weights);
  io.out(`wrote ${path.join(a.out, 'manifest.json')} and ${manifest.weights.file} (${(weights.byteLength / 1024).toFixed(0)} KiB, sha256 ${manifest.weights.sha256}) in ${seconds.toFixed(0)} s; L2 ${best.l2}`);
  io.out('dev part, all datasets:');
  for (const l of figureLines(best.figures)) io.out(l);
  for (const b of bySource) {
    io.out(`dev part, ${b.file}:`);
    for (const l of figureLines(b.figures)) io.out(l);
  }
  return 0;
}
