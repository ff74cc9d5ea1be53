/**
 * The shipped mouth interior on disk (Node): `models/mouth-interior/` beside the package, or any
 * folder `emotebot train mouth` wrote, checked on load (name, version, SHA-256 of the weights);
 * and `--mouth learned|procedural`, the choice `emotebot render` offers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmoteBotError } from '../core/errors.ts';
import { readModelDir } from './files.ts';
import { ModelError } from './manifest.ts';
import { MOUTH_MODEL_NAME, MOUTH_MODEL_VERSIONS, type MouthModel, mouthModelFromLoaded } from './mouth-model.ts';

export const DEFAULT_MOUTH_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'mouth-interior');

export async function readMouthModel(dir: string = DEFAULT_MOUTH_MODEL_DIR): Promise<MouthModel> {
  return mouthModelFromLoaded(await readModelDir(dir, { name: MOUTH_MODEL_NAME, versions: MOUTH_MODEL_VERSIONS }));
}

export type MouthKind = 'learned' | 'procedural';

export function parseMouthKind(kind: string): MouthKind {
  if (kind !== 'learned' && kind !== 'procedural') throw new EmoteBotError('bad-argument', `--mouth must be "learned" or "procedural", got "${kind}"`);
  return kind;
}

/**
 * The model for `--mouth learned` (undefined for 'procedural'; the renderers take
 * createMouthSource(model, the expressions' code per emotion)). A model that is missing or fails
 * its checks falls back to the procedural interior, with a note saying why.
 */
export async function chooseMouth(kind: MouthKind, dir?: string): Promise<{ model?: MouthModel; note?: string }> {
  if (kind === 'procedural') return {};
  try {
    return { model: await readMouthModel(dir) };
  } catch (e) {
    if (e instanceof ModelError) return { note: `the learned mouth interior cannot be used (${e.message}); drawing the procedural one` };
    throw e;
  }
}
