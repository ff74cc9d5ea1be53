/**
 * The `emotebot` command line. Parses arguments, composes the pipeline, reports errors on
 * one line. Holds no animation or rendering logic of its own.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmoteBotError } from '../core/errors.ts';
import { createExpressionRig } from '../core/rig.ts';
import { runParseCommand } from '../language/parse-command.ts';
import { openFace } from '../pipeline/face-source.ts';
import { minimumDuration, runRenderJob } from '../pipeline/render-job.ts';
import { targetsFromSay } from '../pipeline/say.ts';
import { runServe, SERVE_HELP } from '../server/serve-command.ts';
import { runData } from '../data/cli.ts';
import { runModelCommand, MODEL_COMMANDS_HELP } from '../models/commands.ts';
import { chooseExpressions } from '../models/expression-files.ts';
import { loadMotionModel } from '../models/motion-files.ts';
import { LearnedAnimator } from '../motion/learned-animator.ts';
import type { MotionFactory } from '../motion/runtime.ts';
import { Progress } from './progress.ts';
import { numberOption as num } from './options.ts';

export const HELP = `emotebot: a face that comes alive with an emotion

Usage
  emotebot render [options]        render a face to PNG (the apex) or GIF / MP4 / WebM (the animation)
  emotebot parse "<text>" [--json] show the expression timeline EmoteBot reads from some words
  emotebot demo [--out <file>]     render the EmoteBot character going through a few emotions
${SERVE_HELP}
  emotebot data prepare <folder|csv>... --out <file.ebds>    labelled face photos to aligned training data
  emotebot data prepare-video <video>... --out <file.ebseq>  face videos to aligned frame sequences
  emotebot data inspect <file>     the report of a dataset or sequences file
  emotebot data                    every data command and option (see DATA.md)
${MODEL_COMMANDS_HELP}
  emotebot --help | --version

Render options
  --face <bot|photo>   the face: "bot" (default) for the EmoteBot character, or a JPEG, PNG or WebP
                       portrait; the largest face in the photo is animated
  --say <text>         what the face should show: an emotion (neutral, happy, sad, surprised,
                       angry, fearful, disgusted, contempt), words ("a bit sad"), emoji, or a
                       sequence ("happy, then sad"). Default: happy
  --intensity <0..1>   strength of the expression, replacing what the words imply
  --out <file>         output file: .png (the apex frame), .gif, .mp4 or .webm (neutral, into the
                       expression, and back). Default: emotebot.png
  --size <px>          width and height of the output, 64 to 2048 (default 512)
  --duration <s>       length of an animation in seconds, 0.5 to 60 (default 3, longer when a
                       sequence needs it)
  --fps <n>            frames per second of an animation, 1 to 60 (default 30)
  --seed <n>           seed for blinks and idle motion: the same seed gives the same frames (default 1)
  --idle <0..1>        idle head motion, 0 (still) to 1 (lively) (default 0.5)
  --expressions <gan|rig>  "gan" (default): the learned expressions, trained on real faces (a
                       photo's own expression is taken out first); "rig": the hand-written rig
  --motion <gru|ease>  "gru" (default): motion learned from real video (transitions, blink rate and
                       shape); "ease": the hand-written eased curves
  --quiet              no progress or notes on stderr

Examples
  emotebot render --say happy --out happy.png
  emotebot render --face portrait.jpg --say "surprised" --out clip.mp4 --duration 4
  emotebot render --face portrait.jpg --say "a bit sad" --intensity 0.6 --out sad.gif

Photos are read on this machine and never leave it.`;

async function render(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      face: { type: 'string', default: 'bot' },
      say: { type: 'string', default: 'happy' },
      intensity: { type: 'string' },
      out: { type: 'string', default: 'emotebot.png' },
      size: { type: 'string' },
      duration: { type: 'string' },
      fps: { type: 'string' },
      seed: { type: 'string' },
      idle: { type: 'string' },
      expressions: { type: 'string', default: 'gan' },
      motion: { type: 'string', default: 'gru' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot --help)`);
  const size = num('size', values.size, 512, 64, 2048, true);
  const fps = num('fps', values.fps, 30, 1, 60);
  const seed = num('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  const idle = num('idle', values.idle, 0.5, 0, 1);
  const intensity = values.intensity === undefined ? undefined : num('intensity', values.intensity, 1, 0, 1);
  const quiet = values.quiet;
  const say = targetsFromSay(values.say, intensity);
  if (!quiet) for (const m of say.messages) io.err(`emotebot: ${m}`);
  const duration = values.duration === undefined ? Math.max(3, minimumDuration(say.targets)) : num('duration', values.duration, 3, 0.5, 60);

  if (values.motion !== 'gru' && values.motion !== 'ease') throw new EmoteBotError('bad-argument', `--motion must be "gru" or "ease", got "${values.motion}"`);
  const motion = values.motion === 'gru' && !values.out.toLowerCase().endsWith('.png') ? await learnedMotion() : undefined;
  const expressions = await chooseExpressions(values.expressions, seed);
  const rig = createExpressionRig();
  const { renderer, info } = await Progress.phase('analysing the photo', openFace(values.face, size, rig, undefined, { neutralise: expressions.neutralise }), quiet);
  if (!quiet) for (const n of info.notes) io.err(`emotebot: ${n}`);
  await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
  const progress = new Progress('rendering', process.stderr, quiet);
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  let result;
  try {
    result = await runRenderJob({
      renderer, targets: say.targets, out: values.out, fps, duration, seed, idle, codeFor: expressions.codeFor, motion,
      onProgress: (d, t) => progress.update(d, t), signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.done();
  }
  renderer.dispose();
  if (!quiet) io.err(`emotebot: wrote ${values.out} (${result.frames} frame${result.frames === 1 ? '' : 's'}, ${size}x${size}, ${(result.ms / 1000).toFixed(1)} s)`);
  return 0;
}

/** The shipped motion model as a runtime factory (--motion gru). */
async function learnedMotion(): Promise<MotionFactory> {
  let model;
  try {
    model = await loadMotionModel();
  } catch (e) {
    throw new EmoteBotError('model-invalid', `the motion model could not be loaded (${e instanceof Error ? e.message : String(e)}); --motion ease uses the eased curves`);
  }
  return (o) => new LearnedAnimator({ ...o, model });
}

async function demo(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string', default: 'emotebot-demo.gif' }, quiet: { type: 'boolean', default: false } } });
  const out = values.out;
  const code = await render(['--face', 'bot', '--say', 'happy, then surprised, then sad, then angry', '--out', out, '--size', '320', '--fps', '20', ...(values.quiet ? ['--quiet'] : [])], io);
  if (code === 0 && !values.quiet) io.err(`emotebot: open ${out} to see EmoteBot; try "npx emotebot render --help" for more`);
  return code;
}

function parse(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const text = positionals.join(' ');
  const { output, exitCode } = runParseCommand(text, values.json);
  io.out(output);
  return exitCode;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const VERSION = '0.1.0';

export async function main(argv: string[], io: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') }): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') { io.out(HELP); return 0; }
    if (cmd === '--version' || cmd === '-v') { io.out(VERSION); return 0; }
    if ((rest.includes('--help') || rest.includes('-h')) && cmd !== 'train' && cmd !== 'eval') { io.out(HELP); return 0; }
    switch (cmd) {
      case 'render': return await render(rest, io);
      case 'parse': return parse(rest, io);
      case 'demo': return await demo(rest, io);
      case 'serve': return await runServe(rest, io);
      case 'data': return await runData(rest, io);
      case 'train': case 'eval': return await runModelCommand(cmd, rest, io);
      default:
        io.err(`emotebot: unknown command "${cmd}" (see emotebot --help)`);
        return 2;
    }
  } catch (e) {
    if (e instanceof EmoteBotError) {
      io.err(`emotebot: ${e.message}`);
      return e.code === 'bad-argument' ? 2 : e.code === 'interrupted' ? 130 : 1;
    }
    if (e instanceof TypeError && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`emotebot: ${e.message} (see emotebot --help)`);
      return 2;
    }
    io.err(`emotebot: internal error: ${e instanceof Error ? e.message : String(e)}${process.env.EMOTEBOT_DEBUG ? '\n' + (e as Error).stack : ' (set EMOTEBOT_DEBUG=1 for details)'}`);
    return 70;
  }
}
