/**
 * `emotebot train <what>` and `emotebot eval <what>`: one switch on the second word, each model
 * family behind its own lazily loaded module (tfjs loads only when a model command runs).
 *
 *   expressions -> ./expression-commands.ts (runTrainExpressions, runEvalExpressions)
 *   detail      -> ./detail-commands.ts     (runTrainDetail, runEvalDetail)
 *   motion      -> ./motion-commands.ts     (runTrainMotion, runEvalMotion), when it exists
 *   mouth       -> ./mouth-commands.ts      (runTrainMouth; train only)
 *   dev-classifier -> ./dev-classifier-commands.ts (runTrainDevClassifier; train only)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Io } from '../cli/main.ts';

export const MODEL_COMMANDS_HELP = `  emotebot train expressions --data <file.ebds>... --out <dir>   train the learned expressions (see --help)
  emotebot eval expressions --data <file.ebds>... [--model <dir>] measure them on held-out faces beside the rig
  emotebot train detail --data <file.ebds>... [--out <dir>]      train the expression detail (wrinkles, folds, shading)
  emotebot eval detail --data <file.ebds>... [--model <dir>]      measure it on held-out faces beside the mean baseline
  emotebot train motion ... | emotebot eval motion ...            the motion model
  emotebot train mouth --data <photos> --cache <file.ebds.cache> learn the mouth interior (teeth, cavity) from open mouths
  emotebot train dev-classifier --data <file.ebds>... [--out <dir>] the dev measure's expression classifier (npm run eval -- --judge dev)`;

interface MotionCommands {
  runTrainMotion(args: string[], io: Io): Promise<number>;
  runEvalMotion(args: string[], io: Io): Promise<number>;
}

export async function runModelCommand(verb: 'train' | 'eval', args: string[], io: Io): Promise<number> {
  const [what, ...rest] = args;
  switch (what) {
    case 'expressions': {
      const m = await import('./expression-commands.ts');
      return verb === 'train' ? m.runTrainExpressions(rest, io) : m.runEvalExpressions(rest, io);
    }
    case 'detail': {
      const m = await import('./detail-commands.ts');
      return verb === 'train' ? m.runTrainDetail(rest, io) : m.runEvalDetail(rest, io);
    }
    case 'motion': {
      const file = new URL('./motion-commands.ts', import.meta.url);
      if (!existsSync(fileURLToPath(file))) {
        io.err('emotebot: motion training is not available yet');
        return 1;
      }
      const m = (await import(file.href)) as MotionCommands;
      return verb === 'train' ? m.runTrainMotion(rest, io) : m.runEvalMotion(rest, io);
    }
    case 'mouth': {
      if (verb === 'eval') {
        io.err('emotebot: the mouth interior is measured by its training (emotebot train mouth: held-out people, in the manifest and report)');
        return 2;
      }
      const m = await import('./mouth-commands.ts');
      return m.runTrainMouth(rest, io);
    }
    case 'dev-classifier': {
      if (verb === 'eval') {
        io.err('emotebot: the dev classifier is measured by its training (dev-part figures in its manifest); run it on renders with npm run eval -- --judge dev');
        return 2;
      }
      const m = await import('./dev-classifier-commands.ts');
      return m.runTrainDevClassifier(rest, io);
    }
    default:
      io.err(`emotebot: ${verb} ${what === undefined ? 'needs a model' : `"${what}" is not a model`}: "expressions", "detail", "motion", "mouth" or "dev-classifier" (see emotebot --help)`);
      return 2;
  }
}
