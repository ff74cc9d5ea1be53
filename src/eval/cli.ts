/**
 * `npm run eval`: how good EmoteBot is, in figures and pictures, beside its baselines.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmoteBotError } from '../core/errors.ts';
import { EXPRESSION_MODELS } from './models.ts';
import { chooseDevFaces, DEV_PARTITION_SEED, excludedPeople, imagesInFolder, PART_DEV, PART_VAL, peopleInFolder, readPart, writeDevFaces } from './dev-data.ts';
import { DEFAULT_DEV_DATA, DEFAULT_FACES, DEFAULT_OPTIONS, DEFAULT_OUT, DEFAULT_REAL_DIR, JUDGE_KINDS, type JudgeKind, PROJECT_ROOT, renderedEmotions, runEvaluation } from './run.ts';
import { numberOption as num } from '../cli/options.ts';
import { type CellSet, comparePaired, comparisonMarkdown } from './compare.ts';
import { checkReport, type EvalReport } from './report.ts';

export const EVAL_HELP = `npm run eval -- [options]

Renders every face at every emotion with every model, asks an independent pretrained judge
(@vladmandic/face-api's expression and face-descriptor nets) what it sees, measures the judge on
real labelled photos first (the bar), measures the animation, and writes a report folder:
summary.md (tables), report.json (every figure), contact-sheet.png (faces x emotions).

Options
  --faces <path|bot>   a portrait, a folder of portraits, a face list (.txt: photos by path under
                       --real, each on a grey border as --dev-faces writes them; eval/judge-faces.txt
                       is the judge's held-out set), or "bot" (the EmoteBot character); repeat for
                       more. Default: the Mona Lisa fixture and the character
  --out <folder>       report folder (default: reports/eval)
  --real <folder|none> data folder holding fer2013/val and muxspace (default: ../shared/data);
                       "none" skips the real-photo bar
  --per-emotion <n>    real photos drawn per emotion from each set (default ${DEFAULT_OPTIONS.perEmotion})
  --models <list>      comma-separated, from: ${Object.keys(EXPRESSION_MODELS).join(', ')} (default ${DEFAULT_OPTIONS.models.join(',')});
                       a model that cannot load (no trained gan yet) is left out with a note
  --size <px>          render size (default ${DEFAULT_OPTIONS.size})
  --intensity <0..1>   expression intensity of the renders (default ${DEFAULT_OPTIONS.intensity})
  --seed <n>           seed for the photo sample and the animation runs (default ${DEFAULT_OPTIONS.seed})
  --anim-runs <n>      seeded animation runs (default ${DEFAULT_OPTIONS.animationRuns})
  --emotions <list>    render only these emotions (comma-separated, e.g. fearful), and neutral with
                       them, and measure the bar on their real photos only (each emotion's rows as a
                       full run's); the others' rows say "not rendered", every overall figure covers
                       only these, and --compare pairs only cells both runs have (default: every emotion)
  --judge <face-api|dev>  face-api (default): the independent judge above, only ever measured against;
                       dev: EmoteBot's own dev classifier (emotebot train dev-classifier), a measure
                       choices may be made from. Its bar is --per-emotion dev-part photos per emotion
                       from each --dev-data set (not --real's val photos; --real none still skips it);
                       identity is not measured; also writes mean-crops.png (the judge's mean face
                       crop per emotion, real dev photos beside each model's renders)
  --dev-model <dir>    the dev classifier (default models/dev-classifier)
  --dev-data <file>    a face dataset (.ebds) for the dev judge's bar and --dev-faces; repeat
                       (default ${DEFAULT_DEV_DATA.map((f) => path.relative(PROJECT_ROOT, f)).join(', ')})
  --dev-faces <n>      pick n neutral dev-part photos of distinct people (at least 200 px wide, none of
                       --exclude-people), write them with a grey border to --dev-faces-dir, with
                       faces.txt listing them (a face list), and evaluate them (instead of --faces;
                       reuse the folder or the list later with --faces)
  --dev-faces-dir <folder>  where --dev-faces writes (default reports/dev-faces-<n>-seed<seed>)
  --skip-files <folder|list>  --dev-faces never picks a photo whose file name is in it (the dev
                       faces of earlier sets: their people may come back, with other photos); repeat
  --skip-people <folder|list>  --dev-faces never picks a person with a photo in it (by file
                       name, as --exclude-people; the bar's photos are not affected); repeat
  --dev-faces-part <dev|val>  where --dev-faces picks: the dev part (default), or the val part's
                       people (never the --exclude-people, the judge's eval faces), rendered only,
                       for when the dev part's people are used up
  --exclude-people <folder|list|none>  people (by file name) never used as dev faces or dev photos
                       (default: the judge's faces, eval/judge-faces.txt and eval/former-judge-faces.txt)
  --expression-model <dir>, --detail-model <dir>, --mouth-model <dir>
                       evaluate a candidate model folder (what "emotebot train ..." wrote) instead of
                       the shipped one in models/; a folder that cannot load leaves its models out
  --quiet              no progress on stderr

Comparing two runs of the same faces
  npm run eval -- --compare <A> <B> [<A2> <B2> ...]
                       pairs the cells of B (candidate) with A's (control) by face and emotion and
                       prints, per emotion: renders right in each, gained and lost, and the mean
                       change in the judge's probability of the emotion asked for, with its standard
                       error (steadier than accuracy on a few dozen faces). Each run is a report
                       folder or its report.json, with ":<model>" when it holds several models
                       (reports/eval:gan+mean). Further pairs (other face sets) are pooled.`;

export interface EvalIo {
  out(line: string): void;
  err(line: string): void;
}

const STDIO: EvalIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

export async function evalMain(argv: string[], io: EvalIo = STDIO): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        faces: { type: 'string', multiple: true },
        out: { type: 'string' },
        real: { type: 'string' },
        'per-emotion': { type: 'string' },
        models: { type: 'string' },
        size: { type: 'string' },
        intensity: { type: 'string' },
        seed: { type: 'string' },
        'anim-runs': { type: 'string' },
        emotions: { type: 'string' },
        judge: { type: 'string' },
        'dev-model': { type: 'string' },
        'dev-data': { type: 'string', multiple: true },
        'dev-faces': { type: 'string' },
        'dev-faces-dir': { type: 'string' },
        'skip-files': { type: 'string', multiple: true }, 'skip-people': { type: 'string', multiple: true }, 'dev-faces-part': { type: 'string' },
        'exclude-people': { type: 'string' },
        'expression-model': { type: 'string' },
        'detail-model': { type: 'string' },
        'mouth-model': { type: 'string' },
        compare: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) { io.out(EVAL_HELP); return 0; }
    if (values.compare) {
      const other = Object.entries(values).find(([k, v]) => k !== 'compare' && k !== 'quiet' && k !== 'help' && v !== undefined);
      if (other) throw new EmoteBotError('bad-argument', `--compare reads finished reports: --${other[0]} does not go with it`);
      io.out(comparisonMarkdown(comparePaired(await readPairs(positionals))));
      return 0;
    }
    if (positionals.length) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see --help)`);
    const models = (values.models ?? DEFAULT_OPTIONS.models.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
    for (const m of models) if (!EXPRESSION_MODELS[m]) throw new EmoteBotError('bad-argument', `--models: unknown model "${m}" (known: ${Object.keys(EXPRESSION_MODELS).join(', ')})`);
    const asked = values.emotions?.split(',').map((s) => s.trim()).filter(Boolean);
    if (asked && !asked.length) throw new EmoteBotError('bad-argument', '--emotions needs at least one emotion');
    // Checked here too, before the faces are picked.
    const emotions = asked && renderedEmotions(asked);
    const judgeKind = (values.judge ?? 'face-api') as JudgeKind;
    if (!JUDGE_KINDS.includes(judgeKind)) throw new EmoteBotError('bad-argument', `--judge must be ${JUDGE_KINDS.map((k) => `"${k}"`).join(' or ')}, got "${values.judge}"`);
    const devData = values['dev-data']?.length ? values['dev-data'].map((f) => path.resolve(f)) : DEFAULT_DEV_DATA;
    const exclude = values['exclude-people'] === 'none' ? null : values['exclude-people'] === undefined ? undefined : path.resolve(values['exclude-people']);
    const seed = num('seed', values.seed, DEFAULT_OPTIONS.seed, 0, 2 ** 31 - 1, true);
    const log = values.quiet ? () => {} : (l: string) => io.err(`eval: ${l}`);
    const realDir = values.real === 'none' ? null : path.resolve(values.real ?? DEFAULT_REAL_DIR);
    let faces = values.faces?.length ? values.faces.map((f) => (f === 'bot' ? f : path.resolve(f))) : DEFAULT_FACES;
    if (values['dev-faces'] !== undefined) {
      if (values.faces?.length) throw new EmoteBotError('bad-argument', '--dev-faces picks the faces itself: give --dev-faces or --faces, not both');
      const n = num('dev-faces', values['dev-faces'], 0, 1, 1000, true);
      const dir = path.resolve(values['dev-faces-dir'] ?? path.join(PROJECT_ROOT, 'reports', `dev-faces-${n}-seed${seed}`));
      const partName = values['dev-faces-part'] ?? 'dev';
      if (partName !== 'dev' && partName !== 'val') throw new EmoteBotError('bad-argument', `--dev-faces-part must be "dev" or "val", got "${partName}"`);
      const people = new Set(await excludedPeople(exclude));
      for (const d of values['skip-people'] ?? []) for (const p of await peopleInFolder(path.resolve(d))) people.add(p);
      const photos = [];
      for (const f of devData) photos.push(...(await readPart(f, partName === 'val' ? PART_VAL : PART_DEV, DEV_PARTITION_SEED, people)).photos);
      const skip = new Set<string>();
      for (const d of values['skip-files'] ?? []) for (const f of await imagesInFolder(path.resolve(d))) skip.add(f);
      const chosen = chooseDevFaces(photos, n, seed, people, undefined, skip);
      // A shortfall is a warning about the set, not progress: --quiet keeps it.
      if (chosen.length < n) io.err(`eval: only ${chosen.length} dev faces of distinct people found (asked for ${n})`);
      if (chosen.length === 0) throw new EmoteBotError('not-found', `--dev-faces: no neutral ${partName}-part photo of a known person at least 200 px wide in ${devData.join(', ')}`);
      const written = await writeDevFaces(chosen, dir, realDir ?? DEFAULT_REAL_DIR);
      io.out(`wrote ${written.length} dev faces to ${dir} (reuse them with --faces ${path.relative(process.cwd(), dir) || dir}; ${path.join(path.relative(process.cwd(), dir) || dir, 'faces.txt')} lists them, to keep in eval/)`);
      faces = [dir];
    } else {
      const alone = (['dev-faces-dir', 'skip-files', 'skip-people', 'dev-faces-part'] as const).find((k) => values[k] !== undefined);
      if (alone) throw new EmoteBotError('bad-argument', `--${alone} goes with --dev-faces <n>`);
    }
    const out = values.out ?? DEFAULT_OUT;
    const started = performance.now();
    const { report, files } = await runEvaluation({
      faces,
      out,
      realDir,
      perEmotion: num('per-emotion', values['per-emotion'], DEFAULT_OPTIONS.perEmotion, 0, 10_000, true),
      seed,
      size: num('size', values.size, DEFAULT_OPTIONS.size, 128, 1024, true),
      intensity: num('intensity', values.intensity, DEFAULT_OPTIONS.intensity, 0, 1),
      models,
      animationRuns: num('anim-runs', values['anim-runs'], DEFAULT_OPTIONS.animationRuns, 1, 100, true),
      ...(emotions ? { emotions } : {}),
      judgeKind, devData, excludePeople: exclude,
      modelDirs: {
        ...(values['expression-model'] ? { expressions: path.resolve(values['expression-model']) } : {}),
        ...(values['detail-model'] ? { detail: path.resolve(values['detail-model']) } : {}),
        ...(values['mouth-model'] ? { mouth: path.resolve(values['mouth-model']) } : {}),
      },
      ...(values['dev-model'] ? { devModel: path.resolve(values['dev-model']) } : {}),
      log,
    });
    const short = report.targets.filter((t) => t.met === false);
    io.out(`wrote ${files.summary}, ${files.json}${files.meanCrops ? `, ${files.contactSheet} and ${files.meanCrops}` : ` and ${files.contactSheet}`} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    io.out(`${short.length} of ${report.targets.filter((t) => t.met !== null).length} targets not met${short.length ? ':' : ''}`);
    for (const t of short) io.out(`  ${t.what}: ${t.value} (target: ${t.target})`);
    return 0;
  } catch (e) {
    if (e instanceof EmoteBotError) {
      io.err(`eval: ${e.message}`);
      return e.code === 'bad-argument' ? 2 : 1;
    }
    if (e instanceof TypeError && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`eval: ${e.message} (see --help)`);
      return 2;
    }
    io.err(`eval: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 70;
  }
}

/** `<report folder or report.json>[:<model>]` -> that model's cells. */
export async function readCellSet(spec: string): Promise<CellSet> {
  const read = async (file: string) => {
    let text: string;
    try {
      text = await readFile((await stat(file)).isDirectory() ? path.join(file, 'report.json') : file, 'utf8');
    } catch (e) {
      throw new EmoteBotError('not-found', `--compare: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    let json: unknown;
    try { json = JSON.parse(text); } catch { throw new EmoteBotError('unreadable', `--compare: ${file} is not JSON`); }
    const problems = checkReport(json);
    if (problems.length) throw new EmoteBotError('unreadable', `--compare: ${file} is not an evaluation report (${problems.slice(0, 3).join('; ')})`);
    return json as EvalReport;
  };
  // The model follows the last colon, unless that colon is a drive letter's ("C:\\reports").
  const colon = spec.lastIndexOf(':');
  const [file, model] = colon > 0 && !/^[a-zA-Z]:[\\/]/.test(spec.slice(colon - 1)) ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, undefined];
  const report = await read(path.resolve(file));
  const names = report.models.map((m) => m.name);
  const name = model ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) throw new EmoteBotError('bad-argument', `--compare: ${file} holds ${names.length ? `several models (${names.join(', ')}): add ":<model>"` : 'no model'}`);
  if (!names.includes(name)) throw new EmoteBotError('bad-argument', `--compare: ${file} has no model "${name}" (it has ${names.join(', ')})`);
  return { label: `${file}:${name}`, cells: report.cells.filter((c) => c.model === name) };
}

async function readPairs(specs: readonly string[]): Promise<[CellSet, CellSet][]> {
  if (specs.length === 0 || specs.length % 2 !== 0) throw new EmoteBotError('bad-argument', `--compare takes runs in pairs, control then candidate (got ${specs.length})`);
  const pairs: [CellSet, CellSet][] = [];
  for (let i = 0; i < specs.length; i += 2) pairs.push([await readCellSet(specs[i]!), await readCellSet(specs[i + 1]!)]);
  return pairs;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await evalMain(process.argv.slice(2));
}
