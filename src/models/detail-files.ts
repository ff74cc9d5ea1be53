/**
 * The shipped expression detail on disk (Node): `models/expression-detail/` beside the package,
 * or any folder a training run wrote, checked on load (name, version, SHA-256 of the weights);
 * and `--detail gan|mean|none`, the choice every command offers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emotion } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import type { DetailLayer } from '../render/detail.ts';
import { readModelDir } from './files.ts';
import { createDetailLayer, DETAIL_MODEL_NAME, DETAIL_MODEL_VERSIONS, type DetailModel, detailModelFromLoaded } from './detail-model.ts';
import { ModelError } from './manifest.ts';

export const DEFAULT_DETAIL_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'expression-detail');

export async function readDetailModel(dir: string = DEFAULT_DETAIL_MODEL_DIR): Promise<DetailModel> {
  return detailModelFromLoaded(await readModelDir(dir, { name: DETAIL_MODEL_NAME, versions: DETAIL_MODEL_VERSIONS }));
}

export type DetailKind = 'auto' | 'gan' | 'mean' | 'none';

export function parseDetailKind(kind: string): DetailKind {
  if (kind !== 'auto' && kind !== 'gan' && kind !== 'mean' && kind !== 'none') throw new EmoteBotError('bad-argument', `--detail must be "auto", "gan", "mean" or "none", got "${kind}"`);
  return kind;
}

/**
 * The detail layer for a photo: the shipped model's generator ('gan') or its per-emotion mean
 * baseline ('mean'), or whichever the model recommends ('auto': chosen at training on the dev
 * part), reading the frame's code against `codeFor` (the active expression model's); null for 'none'.
 */
export async function chooseDetail(kind: DetailKind, codeFor: (emotion: Emotion) => Float64Array, seed: number, dir?: string): Promise<DetailLayer | null> {
  if (kind === 'none') return null;
  let model: DetailModel;
  try {
    model = await readDetailModel(dir);
  } catch (e) {
    if (e instanceof ModelError) throw new EmoteBotError('model-invalid', `the expression detail cannot be used: ${e.message} (--detail none renders without it)`);
    throw e;
  }
  return createDetailLayer(model, { kind: kind === 'auto' ? model.recommended : kind, codeFor, seed });
}
