/**
 * `emotebot train mouth`: the learned mouth interior (issue 9) from real open-mouth photos.
 *
 * For every photo of the folder (muxspace's layout, <label>/*.jpg) whose detection is in the
 * cache `emotebot data prepare` left (keyed by content: nothing is detected again), the face the
 * judge accepts, within the expression models' quality limits (DEFAULT_QUALITY: score, fit,
 * yaw, pitch), with its inner lips open (lip gap / mouth width within the bins' edges): the
 * photo is decoded, the band between the inner lips sampled on the mouth grid
 * (render/mouth-interior.ts) and read against the face's own skin (its cheeks). Then the
 * per-bin tables (mouth-train.ts: the mean, and the medoid mouth that ships by default), both
 * measured on held-out people against the procedural interior, the model folder and a report
 * (PNG of each bin's interiors beside the procedural one).
 */
import { whiteCanvas } from '../export/canvas.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas } from '@napi-rs/canvas';
import { Progress } from '../cli/progress.ts';
import type { Io } from '../cli/main.ts';
import { numberListOption, numberOption, parseEmotionList } from '../cli/options.ts';
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import { cacheKey, DetectionCache, sha256 } from '../data/cache.ts';
import { enumerateInputs, type IdentityRule } from '../data/enumerate.ts';
import { DEFAULT_THRESHOLDS, judge } from '../data/judge.ts';
import { DEFAULT_RULE } from '../data/preprocess.ts';
import { decodeImage } from '../face/image.ts';
import { estimateSkin, lipOpenness, lookupMouth, type MouthTable, sampleBin, sampleMouthGrid } from '../render/mouth-interior.ts';
import { DEFAULT_QUALITY } from './expression-data.ts';
import { writeModelDir } from './files.ts';
import { encodeModel } from './manifest.ts';
import { MOUTH_MODEL_NAME, MOUTH_MODEL_VERSION } from './mouth-model.ts';
import { conditionTable, DEFAULT_MOUTH_TRAIN, type MouthFace, type MouthTraining, type MouthTrainOptions, proceduralAt, trainMouth } from './mouth-train.ts';

export const TRAIN_MOUTH_HELP = `emotebot train mouth: learn the mouth interior (teeth, cavity) from real open-mouth photos

Usage
  emotebot train mouth --data <photo folder> --cache <file.ebds.cache> [options]

Options
  --data <dir>     the photos "emotebot data prepare" read (<label>/*.jpg); repeat for more folders
  --cache <file>   its detection cache (datasets/NAME.ebds.cache): the meshes come from there;
                   one per --data, in the same order
  --identity <rule>  filename (default): the person is the file name without its trailing number
                   (people are held out whole); none: every photo its own (FER2013's names say
                   nothing of the person). Once for every folder, or once per --data
  --out <dir>      where the model goes (default models/mouth-interior)
  --report <dir>   where the report goes (default reports/mouth-interior)
  --seed <n>       seed of the people split and the exemplars' draw (default 1). People fall in
                   three parts: val (10%, measured only), dev (10%: an emotion keeps its own
                   table only where it beats the all-faces table on its dev mouths) and fit
  --table <kind>   exemplar (default): per openness bin the luminance of the medoid real mouth,
                   teeth and cavity as one real mouth shows them; mean: the cell-by-cell mean
                   (smooth). Both are measured on the held-out people either way
  --contrast <kind>  medoid (default): the exemplar keeps its own contrast; median: its spread of
                   ln luminance is scaled to the median of the real mouths it stands for
  --own-tables <rule>  dev (default): an emotion keeps its own table only where it is nearer its
                   dev mouths than the all-faces table; all: every emotion with a bin of its own
                   keeps it (the dev verdict is still reported)
  --borrow <emotions>  comma-separated, or all: each of these without a table of its own draws
                   with the table nearest its own real mouths outside the val part (the
                   all-faces table or a kept emotion's), when it has at least 10 of them; its val
                   mouths measure the choice. Default none: the all-faces table (mostly smiles)
  --borrow-data <dir>  more labelled photos read only for --borrow's choice (never in a table),
                   every photo its own person (FER2013); repeat for more folders
  --borrow-cache <file>  its detection cache, one per --borrow-data, in the same order
  --chroma <kind>  cell (default): a cell's colour is the colour faces' mean there (per bin, or
                   pooled over bins); luminance: a curve of colour against luminance learned from
                   every pixel of the colour faces, read at the cell's own luminance (a dark
                   cavity red, bright teeth paler). Grey photos draw nearly the same either way
  --edges <list>   the openness bins' edges (lip gap over mouth width), comma-separated and
                   increasing (default 0.08,0.15,0.25,0.35,1): mouths outside them are not read;
                   a render opened less than the first bin's mean draws with the first bin
  --limit <n>      read at most n photos (a quick look; default all)
  --quiet          no progress on stderr`;

const quote = (a: string) => (/^[\w./=:,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
/** A photo counts as colour when its skin's channels differ by more than this (0..255). */
const COLOUR_SPREAD = 6;
/** Skin darker than this (luminance 0..255) is not a reference. */
const MIN_SKIN = 25;

export async function runTrainMouth(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { io.out(TRAIN_MOUTH_HELP); return 0; }
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      data: { type: 'string', multiple: true }, cache: { type: 'string', multiple: true }, identity: { type: 'string', multiple: true }, out: { type: 'string', default: path.join('models', 'mouth-interior') },
      report: { type: 'string', default: path.join('reports', 'mouth-interior') }, seed: { type: 'string' }, limit: { type: 'string' }, table: { type: 'string', default: 'exemplar' }, contrast: { type: 'string', default: 'medoid' }, 'own-tables': { type: 'string', default: 'dev' }, borrow: { type: 'string' }, 'borrow-data': { type: 'string', multiple: true }, 'borrow-cache': { type: 'string', multiple: true }, edges: { type: 'string' }, chroma: { type: 'string', default: 'cell' }, quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot train mouth --help)`);
  const folders = values.data ?? [], caches = values.cache ?? [], identities = values.identity ?? [];
  if (folders.length === 0 || caches.length === 0) throw new EmoteBotError('bad-argument', 'train mouth needs --data <photo folder> and --cache <file.ebds.cache> (see emotebot train mouth --help)');
  if (caches.length !== folders.length) throw new EmoteBotError('bad-argument', `train mouth needs one --cache per --data, in the same order (${folders.length} --data, ${caches.length} --cache)`);
  if (identities.length > 1 && identities.length !== folders.length) throw new EmoteBotError('bad-argument', `--identity is given once for every --data or once per --data, in the same order (${folders.length} --data, ${identities.length} --identity)`);
  for (const id of identities) if (id !== 'none' && id !== 'filename') throw new EmoteBotError('bad-argument', `--identity must be "filename" or "none", got "${id}"`);
  const sources = folders.map((folder, k) => ({ folder, cache: caches[k]!, identity: (identities[identities.length > 1 ? k : 0] ?? 'filename') as IdentityRule }));
  const seed = numberOption('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  const limit = numberOption('limit', values.limit, Infinity, 1, Infinity, true);
  const quiet = values.quiet;
  const command = ['emotebot', 'train', 'mouth', ...args].map(quote).join(' ');
  const t0 = performance.now();
  const table = values.table;
  if (table !== 'mean' && table !== 'exemplar') throw new EmoteBotError('bad-argument', `--table must be "exemplar" or "mean", got "${table}"`);
  const contrast = values.contrast;
  if (contrast !== 'medoid' && contrast !== 'median') throw new EmoteBotError('bad-argument', `--contrast must be "medoid" or "median", got "${contrast}"`);
  const ownTables = values['own-tables'];
  if (ownTables !== 'dev' && ownTables !== 'all') throw new EmoteBotError('bad-argument', `--own-tables must be "dev" or "all", got "${ownTables}"`);
  const borrow = parseEmotionList(values.borrow, 'borrow', EMOTIONS).list as Emotion[];
  const borrowFolders = values['borrow-data'] ?? [], borrowCaches = values['borrow-cache'] ?? [];
  if (borrowCaches.length !== borrowFolders.length) throw new EmoteBotError('bad-argument', `train mouth needs one --borrow-cache per --borrow-data, in the same order (${borrowFolders.length} --borrow-data, ${borrowCaches.length} --borrow-cache)`);
  if (borrowFolders.length > 0 && borrow.length === 0) throw new EmoteBotError('bad-argument', '--borrow-data is read only to choose the tables --borrow <emotions> borrow: give --borrow');
  const edges = numberListOption('edges', values.edges, DEFAULT_MOUTH_TRAIN.edges, 0, 2, 2);
  const chroma = values.chroma;
  if (chroma !== 'cell' && chroma !== 'luminance') throw new EmoteBotError('bad-argument', `--chroma must be "cell" or "luminance", got "${chroma}"`);
  const o: MouthTrainOptions = { ...DEFAULT_MOUTH_TRAIN, seed, table, exemplarContrast: contrast, ownTables, borrow, edges, chroma };
  const lo = o.edges[0]!, hi = o.edges[o.edges.length - 1]!;

  const faces: MouthFace[] = [];
  const tallies: (MouthTally & { folder: string; cache: string; identity: IdentityRule })[] = [];
  for (const [k, src] of sources.entries()) {
    const r = await readMouths(src.folder, src.cache, src.identity, limit, o, quiet, `reading open mouths (${k + 1}/${sources.length})`);
    faces.push(...r.faces.map((f) => ({ ...f, source: k })));
    tallies.push({ folder: src.folder, cache: src.cache, identity: src.identity, ...r.tally });
    if (!quiet) { const t = r.tally; io.err(`emotebot: ${src.folder}: ${t.photos} photos: ${t.used} open mouths used; ${t.closed} closed (openness < ${lo}), ${t.tooOpen} open wider than ${hi}, ${t.rejected} rejected by the judge, ${t.quality} outside the quality limits, ${t.notInCache} not in the cache, ${t.darkSkin} without a usable skin patch, ${t.unreadable} unreadable`); }
  }
  const borrowTallies: (MouthTally & { folder: string; cache: string; identity: IdentityRule })[] = [];
  for (const [k, folder] of borrowFolders.entries()) {
    const r = await readMouths(folder, borrowCaches[k]!, 'none', limit, o, quiet, `reading open mouths to choose borrowed tables (${k + 1}/${borrowFolders.length})`);
    faces.push(...r.faces.map((f) => ({ ...f, identity: `borrow-${k}/${f.identity}`, chooseOnly: true })));
    borrowTallies.push({ folder, cache: borrowCaches[k]!, identity: 'none', ...r.tally });
    if (!quiet) io.err(`emotebot: ${folder} (only to choose borrowed tables): ${r.tally.used} open mouths of ${r.tally.photos} photos`);
  }
  const tally = tallies.reduce((a, t) => {
    for (const key of Object.keys(a) as (keyof MouthTally)[]) a[key] += t[key];
    return a;
  }, emptyTally());
  const result = trainMouth(faces, o);
  const binLines = result.bins.map((b, i) => `  bin ${i} (openness ${o.edges[i]}-${o.edges[i + 1]}): ${b.faces} fit faces (${b.colourFaces} colour, chroma ${b.chroma}), ${b.val} held out (${b.valColour} colour)`);
  const m = result.metrics, me = result.measured.mean, mx = result.measured.exemplar;
  const c3 = (c: { real: number; learned: number; procedural: number }, l: number) => `${c.real.toFixed(2)} / ${l.toFixed(2)} / ${c.procedural.toFixed(2)}`;
  const metricLines = [
    `held-out people: ${m.valFaces} faces. Mean absolute error per channel (0..255), mean / exemplar / procedural; contrast (spread of ln luminance over the cells, median), real / mean / exemplar / procedural:`,
    `  all    error ${me.learnedMae.toFixed(1)} / ${mx.learnedMae.toFixed(1)} / ${m.proceduralMae.toFixed(1)}   contrast ${me.contrast.real.toFixed(2)} / ${me.contrast.learned.toFixed(2)} / ${mx.contrast.learned.toFixed(2)} / ${m.contrast.procedural.toFixed(2)}`,
    ...me.perBin.map((r, i) => { const x = mx.perBin[i]!; return `  bin ${r.bin}  ${String(r.faces).padStart(4)} faces  error ${r.learnedMae.toFixed(1)} / ${x.learnedMae.toFixed(1)} / ${r.proceduralMae.toFixed(1)}   contrast ${r.contrast.real.toFixed(2)} / ${r.contrast.learned.toFixed(2)} / ${c3(x.contrast, x.contrast.learned).split(' / ').slice(1).join(' / ')}`; }),
    `  colour photos among them: ${me.colour.valFaces} faces  error ${me.colour.learnedMae.toFixed(1)} / ${mx.colour.learnedMae.toFixed(1)} / ${m.colour.proceduralMae.toFixed(1)}`,
    `chroma: ${o.chroma === 'luminance' ? 'against luminance' : 'per cell'}; the colour faces' chroma against luminance (luminance ratio: R, G, B ratios to the skin over it): ${result.chromaCurve.lum.map((l, k) => `${l.toFixed(2)}: ${result.chromaCurve.rgb.slice(k * 3, k * 3 + 3).map((v) => v.toFixed(2)).join(' ')}`).join('; ') || 'none (no colour faces)'}`,
    `shipped: the ${o.table} table`,
    `per emotion (its own table where its bin has >= ${o.minConditionFaces} fit faces, else the all-faces bin): held-out error all-faces table / own table; contrast real / all / own`,
    ...result.conditionMetrics.perEmotion.map((c) => `  ${c.emotion.padEnd(10)} ${String(c.valFaces).padStart(4)} faces  error ${c.allMae.toFixed(1)} / ${c.ownMae.toFixed(1)}   contrast ${c.contrast.real.toFixed(2)} / ${c.contrast.all.toFixed(2)} / ${c.contrast.own.toFixed(2)}`),
    `  every labelled held-out face (${result.conditionMetrics.valFaces}), each with its emotion's table: error ${result.conditionMetrics.allMae.toFixed(1)} / ${result.conditionMetrics.ownMae.toFixed(1)}`,
    ...(result.acceptance.length ? [
      `dev part (${result.devFaces} mouths of people held out to choose; never trained on): each emotion's table kept only where it beats the all-faces table on that emotion's dev mouths (at least ${o.minDevFaces}); error all-faces / own`,
      ...result.acceptance.map((a) => `  ${a.emotion.padEnd(10)} ${String(a.devFaces).padStart(4)} faces  error ${a.allMae.toFixed(1)} / ${a.ownMae.toFixed(1)}  ${a.kept ? 'kept' : 'all-faces table'} (${a.reason})`),
    ] : []),
    ...(o.borrow.length ? [
      `emotions of --borrow without a table of their own: mean error on their mouths outside val, per candidate table; the nearest is borrowed. Val mouths: all-faces / borrowed`,
      ...result.borrowed.map((b) => `  ${b.emotion.padEnd(10)} ${String(b.faces).padStart(5)} mouths  ${b.errors.map((e) => `${e.table} ${e.mae.toFixed(1)}`).join('  ') || '-'}  -> ${b.from} (${b.reason}); val ${b.val.faces}: ${b.val.allMae.toFixed(1)} / ${b.val.mae.toFixed(1)}`),
    ] : []),
    `own tables (fit faces per bin; * = own luminance, from --data 1, or ** from a later --data): ${result.conditioned.conditions.map((e, k) => (result.conditioned.own[k]!.some(Boolean) ? `${e} ${result.conditioned.faces[k]!.map((n, b) => `${n}${result.conditioned.own[k]![b] ? (result.conditioned.from[k]![b]! > 0 ? '**' : '*') : ''}`).join('/')}` : '')).filter(Boolean).join(', ')}`,
  ];
  if (!quiet) io.err([...binLines, ...metricLines].join('\n'));
  const seconds = (performance.now() - t0) / 1000;
  const { manifest, weights } = await encodeModel({
    name: MOUTH_MODEL_NAME, version: MOUTH_MODEL_VERSION, created: new Date().toISOString(),
    architecture: {
      kind: o.table === 'exemplar'
        ? 'per openness bin, the luminance of the medoid real open mouth and the mean chroma (from data; no generator)'
        : 'per-openness-bin mean of real open mouths (a learned baseline from data; no generator)',
      table: o.table, exemplarPool: o.exemplarPool, exemplarContrast: o.exemplarContrast, ownTables: o.ownTables,
      cols: o.cols, rows: o.rows, bins: result.table.bins, edges: [...o.edges],
      grid: 'u along the mouth from landmark 78 (image left) to 308, each inner-lip point at its canonical x; v from the upper inner lip (0) to the lower (1)',
      colour: `per channel, relative to the face's skin (cheek discs, middle half by luminance): luminance ratio (mean: of every face; exemplar: of the bin's medoid among exemplarPool seeded fit faces, by distance of ln luminance ratios) x chroma ratio (colour photos only; ${o.chroma === 'luminance' ? 'chromaCurve at the cell\'s luminance ratio' : 'pooled over bins when a bin has fewer than minColourFaces'})`,
      openness: 'lip gap 13-14 over mouth width 78-308; bins interpolated linearly between their centres (the mean openness of their faces), clamped outside',
      minColourFaces: o.minColourFaces,
      chroma: o.chroma,
      ...(o.chroma === 'luminance' ? {
        chromaRule: 'each cell\'s chroma (R, G, B ratios to the skin over the luminance ratio, scaled to luminance 1) read at the cell\'s own luminance ratio from chromaCurve, linear between its points, clamped outside; the same for the emotions\' tables',
        chromaCurve: { lum: result.chromaCurve.lum.map((v) => Math.round(v * 1000) / 1000), rgb: result.chromaCurve.rgb.map((v) => Math.round(v * 1000) / 1000), pixels: result.chromaCurve.pixels },
      } : {}),
      conditions: [...result.conditioned.conditions],
      perEmotion: `emotionRgb: per emotion of conditions, per bin, the ${o.table === 'exemplar' ? 'medoid' : 'mean'} luminance of that emotion's fit mouths where it has at least ${o.minConditionFaces} of them there (own), else the all-faces bin; chroma ${o.chroma === 'luminance' ? 'from chromaCurve at the cell\'s own luminance' : 'from the all-faces table'}. The renderers blend them by the emotions the frame's expression shows (models/mouth-model.ts createMouthSource)`,
      borrow: [...o.borrow],
      ...(o.borrow.length ? {
        borrowed: Object.fromEntries(result.borrowed.filter((b) => b.from !== 'all').map((b) => [b.emotion, b.from])),
        borrowRule: `an emotion of borrow without a table of its own draws with the table nearest its real mouths outside the val part (mean error per channel; the all-faces table or a kept emotion's), from every --data and --borrow-data, when it has at least ${o.minDevFaces} of them; a borrowed table is a copy in emotionRgb (its ownBins all false)`,
      } : {}),
      ownBins: Object.fromEntries(result.conditioned.conditions.map((e, k) => [e, result.conditioned.own[k]!])),
      ownFrom: Object.fromEntries(result.conditioned.conditions.map((e, k) => [e, result.conditioned.from[k]!.map((s) => (s < 0 ? null : sources[s]!.folder))])),
      sources: 'the all-faces table from the first --data; a later --data only fills in an emotion\'s bin where the ones before have fewer than minConditionFaces of its mouths',
      acceptance: result.acceptance.length
        ? `an emotion keeps its table only when its error on that emotion's dev mouths (people held out with probability devShare, never trained on) is below the all-faces table's, over at least ${o.minDevFaces} of them${o.ownTables === 'all' ? ', unless --own-tables all keeps every table' : ''}: ${result.acceptance.map((a) => `${a.emotion} ${a.kept ? 'kept' : 'dropped'}${a.reason.endsWith('kept by --own-tables all') ? ' (by --own-tables all; the dev rule drops it)' : ''}`).join(', ')}`
        : 'no dev part: every emotion with a bin of its own keeps its table',
      devShare: o.devShare, minDevFaces: o.minDevFaces,
      minConditionFaces: o.minConditionFaces, referenceSkin: result.referenceSkin.map((x) => Math.round(x * 10) / 10),
    },
    training: {
      command, seed, seconds: Math.round(seconds),
      data: {
        sources: tallies, photos: tally.photos, tally, quality: DEFAULT_QUALITY,
        bins: result.bins.map((b, i) => ({ openness: [o.edges[i], o.edges[i + 1]], ...b })),
        emotionFaces: Object.fromEntries(result.conditioned.conditions.flatMap((e, k) => (result.conditioned.own[k]!.some(Boolean) ? [[e, result.conditioned.faces[k]!]] : []))),
        parts: `people (file-name identity, or each photo with --identity none) by one seeded hash: val (probability ${o.valShare}; measured only), dev (${o.devShare}; chooses which emotions keep their own table), fit (the rest; the tables come from these)`,
        devFaces: result.devFaces,
        ...(borrowTallies.length ? { borrowSources: borrowTallies } : {}),
      },
    },
    metrics: { heldOut: m, heldOutMean: me, heldOutExemplar: mx, heldOutByEmotion: result.conditionMetrics, devAcceptance: result.acceptance, ...(o.borrow.length ? { borrowed: result.borrowed } : {}) },
  }, [
    { name: 'openness', shape: [result.table.bins], data: result.table.openness },
    { name: 'rgb', shape: [result.table.bins, o.rows, o.cols, 3], data: result.table.rgb },
    ...(result.conditioned.conditions.length > 0 ? [{ name: 'emotionRgb', shape: [result.conditioned.conditions.length, result.table.bins, o.rows, o.cols, 3], data: result.conditioned.rgb }] : []),
  ]);
  await writeModelDir(values.out, manifest, weights);
  await mkdir(values.report, { recursive: true });
  const png = await mouthReportPng(result, o.edges);
  await writeFile(path.join(values.report, 'mouth-interior.png'), png);
  await writeFile(path.join(values.report, 'mouth-interior-emotions.png'), await emotionReportPng(result));
  await writeFile(path.join(values.report, 'report.md'), [
    '# Mouth interior: training report', '', `Command: \`${command}\``, `Seconds: ${seconds.toFixed(0)}`, '',
    `Photos: ${tally.photos}; open mouths used: ${tally.used}. What shipped: the ${o.table} table (no generator).`, '',
    'Faces per openness bin:', '', '```', ...binLines, '```', '', '```', ...metricLines, '```', '',
    'Pictures: mouth-interior.png (each bin\'s mean and exemplar interiors on the mouth grid, times the colour faces\' mean skin, beside the procedural interior at the bin\'s mean openness); mouth-interior-emotions.png (each emotion\'s table per bin; a grey frame marks a bin that took the all-faces table; "= emotion" under a name, a table borrowed whole by --borrow).',
  ].join('\n') + '\n');
  if (!quiet) io.err(`emotebot: wrote ${values.out} (${weights.byteLength} bytes of weights) and ${path.join(values.report, 'mouth-interior.png')} in ${seconds.toFixed(0)} s`);
  return 0;
}

interface MouthTally { photos: number; notInCache: number; rejected: number; quality: number; closed: number; tooOpen: number; darkSkin: number; unreadable: number; used: number }
const emptyTally = (): MouthTally => ({ photos: 0, notInCache: 0, rejected: 0, quality: 0, closed: 0, tooOpen: 0, darkSkin: 0, unreadable: 0, used: 0 });

/**
 * The open mouths of one labelled folder whose detections are in its cache, in the folder's
 * order. A face's identity is its person when the file names say (`filename`), else its file.
 */
async function readMouths(folder: string, cachePath: string, identity: IdentityRule, limit: number, o: MouthTrainOptions, quiet: boolean, label: string): Promise<{ faces: MouthFace[]; tally: MouthTally }> {
  const lo = o.edges[0]!, hi = o.edges[o.edges.length - 1]!;
  const found = await enumerateInputs([folder], new Map(), identity);
  const entries = found.entries.slice(0, Number.isFinite(limit) ? limit : undefined);
  if (entries.length === 0) throw new EmoteBotError('bad-argument', `no labelled photos in ${folder}`);
  const cache = await DetectionCache.open(cachePath);
  const tally = { ...emptyTally(), photos: entries.length };
  const collected: { order: number; face: MouthFace }[] = [];
  const progress = new Progress(label, process.stderr, quiet);
  try {
    const inflight = new Set<Promise<void>>();
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      const bytes = await readFile(e.file);
      const d = cache.get(cacheKey(sha256(bytes), DEFAULT_RULE));
      progress.update(k + 1, entries.length);
      if (!d) { tally.notInCache++; continue; }
      const j = judge(d, DEFAULT_THRESHOLDS);
      if (!j.ok) { tally.rejected++; continue; }
      const q = DEFAULT_QUALITY, a = j.alignment;
      if (j.face.score < q.minScore || a.fitError > q.maxFitError || Math.abs(a.pose.yaw) > q.maxYaw || Math.abs(a.pose.pitch) > q.maxPitch) { tally.quality++; continue; }
      const openness = lipOpenness(j.face.mesh);
      if (openness < lo) { tally.closed++; continue; }
      if (openness >= hi) { tally.tooOpen++; continue; }
      const mesh = j.face.mesh;
      const job = (async () => {
        let raster;
        try {
          raster = await decodeImage(bytes, e.rel);
        } catch {
          tally.unreadable++;
          return;
        }
        const image = { data: raster.data, width: raster.width, height: raster.height, channels: raster.channels };
        const skin = estimateSkin(image, mesh);
        if (!skin || 0.299 * skin[0] + 0.587 * skin[1] + 0.114 * skin[2] < MIN_SKIN) { tally.darkSkin++; return; }
        const samples = sampleMouthGrid(image, mesh, o.cols, o.rows);
        const colour = Math.max(...skin) - Math.min(...skin) > COLOUR_SPREAD;
        collected.push({ order: k, face: { identity: e.identity ?? e.rel, openness, skin, samples, colour, emotion: e.emotion } });
        tally.used++;
      })();
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
      if (inflight.size >= 6) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    progress.update(entries.length, entries.length);
    cache.close();
  }
  // The decoding finishes out of order: put the faces back in the folder's order (same sums, same bits).
  return { faces: collected.sort((a, b) => a.order - b.order).map((c) => c.face), tally };
}

/** Each bin: the learned interior (times a reference skin) and the procedural one, enlarged. */
export async function mouthReportPng(r: MouthTraining, edges: readonly number[]): Promise<Uint8Array> {
  const t: MouthTable = r.tables.mean, tx: MouthTable = r.tables.exemplar;
  const S = 8, PW = t.cols * S, PH = t.rows * S, GAP = 16, TITLE = 40, ROWH = PH + 34;
  const W = GAP + (PW + GAP) * 3 + 70, H = TITLE + t.bins * ROWH + 30;
  const { canvas, ctx } = whiteCanvas(W, H);
  ctx.fillStyle = '#111111';
  ctx.font = 'bold 15px "DejaVu Sans", sans-serif';
  ctx.fillText('Mouth interior per openness bin: learned mean, learned exemplar (medoid), procedural', 10, 20);
  ctx.font = '12px "DejaVu Sans", sans-serif';
  ctx.fillText(`u: corner to corner (left to right); v: upper inner lip (top) to lower (bottom). Learned x skin rgb(${r.referenceSkin.map((x) => x.toFixed(0)).join(', ')}) (swatch at right)`, 10, 35);
  const rgb: [number, number, number] = [0, 0, 0];
  const tile = createCanvas(t.cols, t.rows), tctx = tile.getContext('2d');
  const draw = (x0: number, y0: number, colour: (u: number, v: number) => [number, number, number]) => {
    const img = tctx.createImageData(t.cols, t.rows);
    for (let j = 0; j < t.rows; j++) for (let i = 0; i < t.cols; i++) {
      const c = colour((i + 0.5) / t.cols, (j + 0.5) / t.rows), o = (j * t.cols + i) * 4;
      img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
    }
    tctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, x0, y0, PW, PH);
  };
  let used = 0;
  r.bins.forEach((b, i) => {
    if (b.faces === 0) return;
    const bin = used++, open = t.openness[bin]!;
    const y0 = TITLE + bin * ROWH + 18;
    ctx.fillStyle = '#111111';
    ctx.font = '12px "DejaVu Sans", sans-serif';
    ctx.fillText(`bin ${i}: openness ${edges[i]}-${edges[i + 1]} (mean ${open.toFixed(3)}), ${b.faces} faces (${b.colourFaces} colour)`, GAP, y0 - 4);
    draw(GAP, y0, (u, v) => {
      lookupMouth(t, u, v, open, rgb);
      return [Math.min(255, rgb[0] * r.referenceSkin[0]), Math.min(255, rgb[1] * r.referenceSkin[1]), Math.min(255, rgb[2] * r.referenceSkin[2])];
    });
    draw(GAP * 2 + PW, y0, (u, v) => {
      lookupMouth(tx, u, v, open, rgb);
      return [Math.min(255, rgb[0] * r.referenceSkin[0]), Math.min(255, rgb[1] * r.referenceSkin[1]), Math.min(255, rgb[2] * r.referenceSkin[2])];
    });
    draw(GAP * 3 + PW * 2, y0, (_u, v) => proceduralAt(v, open, rgb));
    ctx.fillStyle = `rgb(${r.referenceSkin.map((x) => Math.round(x)).join(',')})`;
    ctx.fillRect(GAP * 4 + PW * 3, y0, 40, 40);
  });
  return new Uint8Array(await canvas.encode('png'));
}

/** Each emotion's table (rows) per bin (columns), times the reference skin; a grey frame marks a bin borrowed from the all-faces table. */
export async function emotionReportPng(r: MouthTraining): Promise<Uint8Array> {
  const t = r.table, c = r.conditioned;
  const S = 5, PW = t.cols * S, PH = t.rows * S, GAP = 12, LEFT = 90, TITLE = 30;
  const W = LEFT + (PW + GAP) * t.bins, H = TITLE + (PH + GAP) * c.conditions.length + 20;
  const { canvas, ctx } = whiteCanvas(W, H);
  ctx.fillStyle = '#111111';
  ctx.font = 'bold 14px "DejaVu Sans", sans-serif';
  ctx.fillText('Mouth interior per emotion (rows) and openness bin (columns)', 10, 18);
  ctx.font = '12px "DejaVu Sans", sans-serif';
  const rgb: [number, number, number] = [0, 0, 0];
  const tile = createCanvas(t.cols, t.rows), tctx = tile.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  c.conditions.forEach((emotion, k) => {
    const table = conditionTable(t, c, k), y0 = TITLE + k * (PH + GAP);
    ctx.fillStyle = '#111111';
    ctx.fillText(emotion, 10, y0 + PH / 2 + 4);
    const from = r.borrowed.find((x) => x.emotion === emotion)?.from;
    if (from) { ctx.fillStyle = '#666666'; ctx.fillText(`= ${from}`, 10, y0 + PH / 2 + 18); }
    for (let b = 0; b < t.bins; b++) {
      const img = tctx.createImageData(t.cols, t.rows);
      for (let j = 0; j < t.rows; j++) for (let i = 0; i < t.cols; i++) {
        sampleBin(table, b, (i + 0.5) / t.cols, (j + 0.5) / t.rows, rgb);
        const o = (j * t.cols + i) * 4;
        for (let ch = 0; ch < 3; ch++) img.data[o + ch] = Math.min(255, rgb[ch]! * r.referenceSkin[ch]!);
        img.data[o + 3] = 255;
      }
      tctx.putImageData(img, 0, 0);
      const x0 = LEFT + b * (PW + GAP);
      ctx.drawImage(tile, x0, y0, PW, PH);
      if (!c.own[k]![b] && !from) { ctx.strokeStyle = '#999999'; ctx.lineWidth = 3; ctx.strokeRect(x0 + 1.5, y0 + 1.5, PW - 3, PH - 3); }
    }
  });
  return new Uint8Array(await canvas.encode('png'));
}
