/**
 * `npm run eval`: how good EmoteBot is, in figures and pictures, beside its baselines.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmoteBotError } from '../core/errors.ts';
import { EXPRESSION_MODELS } from './models.ts';
import { DEFAULT_FACES, DEFAULT_OPTIONS, DEFAULT_OUT, DEFAULT_REAL_DIR, runEvaluation } from './run.ts';
import { numberOption as num } from '../cli/options.ts';

export const EVAL_HELP = `npm run eval -- [options]

Renders every face at every emotion with every model, asks an independent pretrained judge
(@vladmandic/face-api's expression and face-descriptor nets) what it sees, measures the judge on
real labelled photos first (the bar), measures the animation, and writes a report folder:
summary.md (tables), report.json (every figure), contact-sheet.png (faces x emotions).

Options
  --faces <path|bot>   a portrait, a folder of portraits, or "bot" (the EmoteBot character); repeat
                       for more. Default: the Mona Lisa fixture and the character
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
  --quiet              no progress on stderr`;

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
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) { io.out(EVAL_HELP); return 0; }
    if (positionals.length) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see --help)`);
    const models = (values.models ?? DEFAULT_OPTIONS.models.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
    for (const m of models) if (!EXPRESSION_MODELS[m]) throw new EmoteBotError('bad-argument', `--models: unknown model "${m}" (known: ${Object.keys(EXPRESSION_MODELS).join(', ')})`);
    const out = values.out ?? DEFAULT_OUT;
    const started = performance.now();
    const { report, files } = await runEvaluation({
      faces: values.faces?.length ? values.faces.map((f) => (f === 'bot' ? f : path.resolve(f))) : DEFAULT_FACES,
      out,
      realDir: values.real === 'none' ? null : path.resolve(values.real ?? DEFAULT_REAL_DIR),
      perEmotion: num('per-emotion', values['per-emotion'], DEFAULT_OPTIONS.perEmotion, 0, 10_000, true),
      seed: num('seed', values.seed, DEFAULT_OPTIONS.seed, 0, 2 ** 31 - 1, true),
      size: num('size', values.size, DEFAULT_OPTIONS.size, 128, 1024, true),
      intensity: num('intensity', values.intensity, DEFAULT_OPTIONS.intensity, 0, 1),
      models,
      animationRuns: num('anim-runs', values['anim-runs'], DEFAULT_OPTIONS.animationRuns, 1, 100, true),
      log: values.quiet ? () => {} : (l) => io.err(`eval: ${l}`),
    });
    const short = report.targets.filter((t) => t.met === false);
    io.out(`wrote ${files.summary}, ${files.json} and ${files.contactSheet} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
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

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await evalMain(process.argv.slice(2));
}
