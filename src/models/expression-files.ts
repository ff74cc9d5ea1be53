/**
 * The shipped learned expressions on disk (Node): `models/expression-gan/` beside the package,
 * or any folder a training run wrote. Checked on load (name, version, SHA-256 of the weights).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emotion, EmotionWeights } from '../core/emotions.ts';
import { codeFromEmotions, createExpressionRig, type ExpressionRig } from '../core/rig.ts';
import { EmoteBotError } from '../core/errors.ts';
import { readModelDir } from './files.ts';
import { createGanExpressions, createPhotoExpression, EXPRESSION_MODEL_NAME, EXPRESSION_MODEL_VERSIONS, expressionModelFromLoaded, type ExpressionModel, expressionRigFor, photoNeutralisation, type PhotoNeutralisation } from './expression-gan.ts';
import { ModelError } from './manifest.ts';

/** The model that ships in the repository. */
export const DEFAULT_EXPRESSION_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'expression-gan');

export async function readExpressionModel(dir: string = DEFAULT_EXPRESSION_MODEL_DIR): Promise<ExpressionModel> {
  return expressionModelFromLoaded(await readModelDir(dir, { name: EXPRESSION_MODEL_NAME, versions: EXPRESSION_MODEL_VERSIONS }));
}

export interface ExpressionChoice {
  kind: 'gan' | 'rig';
  /** The Animator's codeFor (undefined: the hand-written rig). */
  codeFor?: (weights: EmotionWeights, intensity: number) => Float64Array;
  /** Takes a photo's own expression out, at rest and for expressions (undefined: the photo animates from its expression as it is). */
  neutral?: PhotoNeutralisation;
  model?: ExpressionModel;
  /** The code a photo shows (for the detail layer's rest). */
  photoExpression?: (canonical: Float64Array) => Float64Array;
  /** The typical code of one emotion at the generator's intensity 1 (no noise, before the apex gain): what the detail layer and the mouth read amounts against. */
  emotionCode: (emotion: Emotion) => Float64Array;
  /** The rig every renderer of these codes uses: the fields, plus the learned model's shape beyond them. */
  rig: ExpressionRig;
}

/** `--expressions gan|rig`: the shipped learned model (checked on load) or the hand-written rig. */
export async function chooseExpressions(kind: string, seed: number, dir?: string): Promise<ExpressionChoice> {
  if (kind === 'rig') return { kind: 'rig', emotionCode: (e) => codeFromEmotions({ [e]: 1 }, 1), rig: createExpressionRig() };
  if (kind !== 'gan') throw new EmoteBotError('bad-argument', `--expressions must be "gan" or "rig", got "${kind}"`);
  let model: ExpressionModel;
  try {
    model = await readExpressionModel(dir);
  } catch (e) {
    if (e instanceof ModelError) throw new EmoteBotError('model-invalid', `the learned expressions cannot be used: ${e.message} (--expressions rig uses the hand-written rig)`);
    throw e;
  }
  return { kind: 'gan', model, codeFor: createGanExpressions(model, seed), neutral: photoNeutralisation(model), photoExpression: createPhotoExpression(model), emotionCode: (e) => model.referenceCode(e), rig: expressionRigFor(model) };
}

export { KEEP_WHEN_NEUTRALISING } from './expression-gan.ts';
