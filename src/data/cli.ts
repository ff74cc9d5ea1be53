/**
 * `emotebot data ...`: the data pipeline's commands (edge). Parses options and hands over to
 * prepare.ts, prepare-video.ts, measure.ts and the readers.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmoteBotError } from '../core/errors.ts';
import { readDataFile } from './files.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from './judge.ts';
import { parseLabelMap } from './labels.ts';
import { measureRules } from './measure.ts';
import { defaultWorkers } from './pool.ts';
import { prepareDataset, sidePaths } from './prepare.ts';
import { prepareVideos } from './prepare-video.ts';
import { DEFAULT_RULE, NO_UPSCALE_RULE } from './preprocess.ts';
import { datasetReport, sequencesReport } from './report.ts';
import { numberOption as num } from '../cli/options.ts';

export interface DataIo {
  out(line: string): void;
  err(line: string): void;
}

export const DATA_HELP = `emotebot data: labelled face photos and face videos to aligned training data (see DATA.md)

Usage
  emotebot data prepare <folder|file.csv>... --out <dataset.ebds> [options]
      labelled photos (<folder>/<label>/*.jpg|png|webp, optionally below train/ val/ test/
      folders, or a CSV of path,label[,split]) to one dataset of aligned 468-point meshes
  emotebot data prepare-video <video>... --out <sequences.ebseq> [options]
      every frame of face videos (decoded with ffmpeg) to aligned meshes with time stamps
  emotebot data inspect <file.ebds|file.ebseq>
      the report of an existing dataset or sequences file
  emotebot data check-upscale <folder|file.csv>... [--sample 500] [--seed 1] [--workers n]
      detection rate on a seeded sample with and without the upscale-and-border rule

Options
  --out <file>           the dataset to write; a cache (<out>.cache), the rejected images
                         (<out>.rejected.csv) and the mean faces (<out minus ext>.means.png) go beside it
  --map <name=emotion>   map a label name onto an emotion, or name=skip to leave it out
                         (repeatable, or comma-separated). Known without a map: neutral, happy or
                         happiness, sad or sadness, surprise or surprised, angry or anger, fear or
                         fearful, disgust or disgusted, contempt
  --identity <rule>      none (default) or filename: the person is the file name without its
                         trailing number (Al_Gore_0002.jpg is Al_Gore)
  --val-fraction <f>     share of images put in "val" where the source has no split folders,
                         chosen by identity (else by file content), default 0.1; 0 puts all in train
  --workers <n>          worker threads for detection (default: the number of cores)
  --no-upscale           detect on the image as it is (no upscale, no border); for measurements
  --min-score <0..1>     detector score a face needs (default ${DEFAULT_THRESHOLDS.minScore})
  --min-face <px>        smallest face box side in source pixels (default ${DEFAULT_THRESHOLDS.minFacePixels})
  --max-yaw <deg>        largest |yaw| (default ${DEFAULT_THRESHOLDS.maxYaw})
  --max-pitch <deg>      largest |pitch| (default ${DEFAULT_THRESHOLDS.maxPitch})
  --max-fit-error <cm>   largest alignment residual on the stable points (default ${DEFAULT_THRESHOLDS.maxFitError})
  --no-textures          do not unwrap and store the face textures (array "texture", DATA.md)
  --no-picture           do not draw the mean faces and mean textures (<out minus ext>.textures.png)
  --quiet                no progress on stderr

Ctrl-C stops a run; run the same command again to go on where it stopped.`;

const COMMON = {
  out: { type: 'string' },
  workers: { type: 'string' },
  'no-upscale': { type: 'boolean', default: false },
  'min-score': { type: 'string' },
  'min-face': { type: 'string' },
  'max-yaw': { type: 'string' },
  'max-pitch': { type: 'string' },
  'max-fit-error': { type: 'string' },
  'no-textures': { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
} as const;

type CommonValues = { [K in keyof typeof COMMON]?: (typeof COMMON)[K]['type'] extends 'boolean' ? boolean : string };

function thresholdsFrom(v: CommonValues): Thresholds {
  const d = DEFAULT_THRESHOLDS;
  return {
    ...d,
    minScore: num('min-score', v['min-score'], d.minScore, 0, 1),
    minFacePixels: num('min-face', v['min-face'], d.minFacePixels, 0, 10000),
    maxYaw: num('max-yaw', v['max-yaw'], d.maxYaw, 0, 180),
    maxPitch: num('max-pitch', v['max-pitch'], d.maxPitch, 0, 180),
    maxFitError: num('max-fit-error', v['max-fit-error'], d.maxFitError, 0, 100),
  };
}

function requireOut(v: CommonValues, ext: string): string {
  if (!v.out) throw new EmoteBotError('bad-argument', `--out <file${ext}> is required (see emotebot data)`);
  return v.out;
}

/** Runs `work` with Ctrl-C turned into an abort signal. */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function prepare(args: string[], io: DataIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      ...COMMON,
      map: { type: 'string', multiple: true },
      identity: { type: 'string', default: 'none' },
      'val-fraction': { type: 'string' },
      'no-picture': { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new EmoteBotError('bad-argument', 'give at least one folder of labelled images or CSV file (see emotebot data)');
  const out = requireOut(values, '.ebds');
  let labelMap;
  try {
    labelMap = parseLabelMap(values.map ?? []);
  } catch (e) {
    throw new EmoteBotError('bad-argument', (e as Error).message);
  }
  if (values.identity !== 'none' && values.identity !== 'filename') throw new EmoteBotError('bad-argument', `--identity must be none or filename, got "${values.identity}"`);
  const workers = num('workers', values.workers, defaultWorkers(), 0, 64, true);
  const result = await interruptible((signal) => prepareDataset({
    inputs: positionals, out, labelMap, identity: values.identity as 'none' | 'filename',
    valFraction: num('val-fraction', values['val-fraction'], 0.1, 0, 1),
    rule: values['no-upscale'] ? NO_UPSCALE_RULE : DEFAULT_RULE, thresholds: thresholdsFrom(values), workers,
    picture: !values['no-picture'], textures: !values['no-textures'], quiet: values.quiet, signal, log: (l) => { if (!values.quiet) io.err(`emotebot: ${l}`); },
  }));
  for (const l of result.report) io.out(l);
  return 0;
}

async function prepareVideo(args: string[], io: DataIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...COMMON } });
  if (positionals.length === 0) throw new EmoteBotError('bad-argument', 'give at least one video (see emotebot data)');
  const out = requireOut(values, '.ebseq');
  const workers = num('workers', values.workers, defaultWorkers(), 0, 64, true);
  const result = await interruptible((signal) => prepareVideos({
    videos: positionals, out, rule: values['no-upscale'] ? NO_UPSCALE_RULE : DEFAULT_RULE, thresholds: thresholdsFrom(values), workers,
    textures: !values['no-textures'], quiet: values.quiet, signal, log: (l) => { if (!values.quiet) io.err(`emotebot: ${l}`); },
  }));
  for (const l of result.report) io.out(l);
  return 0;
}

async function inspect(args: string[], io: DataIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new EmoteBotError('bad-argument', 'give one dataset or sequences file (see emotebot data)');
  const file = positionals[0]!;
  const t0 = performance.now();
  const f = await readDataFile(file);
  const ms = performance.now() - t0;
  const lines = f.kind === 'faces' ? datasetReport(f.data, file, f.bytes) : sequencesReport(f.data, file, f.bytes);
  for (const l of lines) io.out(l);
  if (f.kind === 'faces') {
    const pic = sidePaths(file).picture;
    const has = await stat(pic).then((s) => s.isFile(), () => false);
    if (has) io.out(`mean faces: ${path.relative(process.cwd(), pic) || pic}`);
    const tex = sidePaths(file).textures;
    if (await stat(tex).then((s) => s.isFile(), () => false)) io.out(`mean textures: ${path.relative(process.cwd(), tex) || tex}`);
  }
  io.out(`loaded in ${ms.toFixed(0)} ms`);
  return 0;
}

async function checkUpscale(args: string[], io: DataIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { sample: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' } } });
  if (positionals.length === 0) throw new EmoteBotError('bad-argument', 'give a folder of labelled images or a CSV file (see emotebot data)');
  const sample = num('sample', values.sample, 500, 1, 1_000_000, true);
  const seed = num('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  const workers = num('workers', values.workers, defaultWorkers(), 0, 64, true);
  io.out(`detection on ${sample} images drawn with seed ${seed} from ${positionals.join(', ')}:`);
  await measureRules(positionals, sample, seed, workers, DEFAULT_THRESHOLDS, (l) => io.out(`  ${l}`));
  return 0;
}

/** `emotebot data <command> ...`. Errors are thrown as EmoteBotError for main() to print. */
export async function runData(args: string[], io: DataIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case 'help':
      io.out(DATA_HELP);
      return 0;
    case 'prepare': return prepare(rest, io);
    case 'prepare-video': return prepareVideo(rest, io);
    case 'inspect': return inspect(rest, io);
    case 'check-upscale': return checkUpscale(rest, io);
    default:
      io.err(`emotebot: unknown data command "${sub}" (see emotebot data)`);
      return 2;
  }
}
