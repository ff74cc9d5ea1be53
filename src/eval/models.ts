/**
 * What the evaluation compares: expression models behind one seam. A model takes a face (a
 * prepared photo or the EmoteBot character) and renders it at an emotion's apex. Today:
 * "source" (the no-change baseline: the face as it came in) and "rig" (the hand-written EMFACS
 * rig through the photo warp or the character) and "gan" (the learned expressions of issue 5,
 * when a trained model is there: its codes through the rig's fields plus its learned shape),
 * geometry only; "gan-fields" (the same codes by the fields alone); "gan+mean" and "gan+detail" add issue 9's
 * expression detail on photos (the per-emotion mean baseline, the generator). Another model is
 * one more entry in EXPRESSION_MODELS.
 */
import type { Emotion, EmotionWeights } from '../core/emotions.ts';
import { codeFromEmotions, createExpressionRig, type ExpressionRig } from '../core/rig.ts';
import type { RgbaImage } from '../render/cpu-warp.ts';
import { createCharacterRenderer } from '../render/character-renderer.ts';
import { createPhotoRenderer } from '../render/photo-renderer.ts';
import { EmoteBotError } from '../core/errors.ts';
import { readDetailModel } from '../models/detail-files.ts';
import { createDetailLayer } from '../models/detail-model.ts';
import { chooseExpressions } from '../models/expression-files.ts';
import { chooseMouth, readMouthModel } from '../models/mouth-files.ts';
import { createMouthSource, type MouthModel } from '../models/mouth-model.ts';
import { createExpressionModel, photoNeutralisation } from '../models/expression-gan.ts';
import { apexFrame } from '../pipeline/render-job.ts';

/** A face to evaluate on, already prepared at the evaluation size. */
export type EvalFace =
  | { id: string; kind: 'photo'; file: string; image: RgbaImage; mesh: Float32Array }
  | { id: string; kind: 'character'; size: number };

export interface FaceRendering {
  /** The face at an emotion's apex (intensity 0..1): size x size RGBA. */
  render(emotion: Emotion, intensity: number): Uint8ClampedArray;
  dispose(): void;
}

export interface ExpressionModel {
  /** Short name used in tables and the JSON ("source", "rig", later "gan"). */
  readonly name: string;
  readonly description: string;
  /** A rendering of this face, or null when the model cannot render this kind of face. */
  open(face: EvalFace): FaceRendering | null;
  /**
   * The expression code the model gives an emotion blend, for the animation figures (the
   * Animator's `codeFor`); absent for models that do not animate.
   */
  codeFor?(weights: EmotionWeights, intensity: number): Float64Array;
}

let sharedRig: ExpressionRig | null = null;
function plainRig(): ExpressionRig {
  sharedRig ??= createExpressionRig();
  return sharedRig;
}

/** The face as it came in, whatever the emotion asked for: the no-change baseline. */
export const sourceModel: ExpressionModel = {
  name: 'source',
  description: 'no change: the face as it came in, whatever the emotion (the baseline that shows what the photo itself reads as)',
  open(face) {
    if (face.kind === 'photo') {
      const copy = new Uint8ClampedArray(face.image.data);
      return { render: () => new Uint8ClampedArray(copy), dispose() {} };
    }
    const renderer = createCharacterRenderer(face.size, plainRig());
    const neutral = renderer.render(apexFrame([]));
    return { render: () => new Uint8ClampedArray(neutral), dispose: () => renderer.dispose() };
  },
};

/**
 * The hand-written EMFACS rig (src/core/rig.ts), rendered the way `emotebot render --expressions
 * rig --out x.png` renders an apex: with the learned mouth interior when `mouth` is given (the
 * command's default), the procedural one otherwise.
 */
export function rigModelWith(mouth?: MouthModel, note?: string): ExpressionModel {
  const rigCode = (e: Emotion) => codeFromEmotions({ [e]: 1 }, 1);
  return {
    name: 'rig',
    description: `hand-written EMFACS action-unit rig (src/core/rig.ts): photo mesh warp with the ${mouth ? 'learned' : 'procedural'} mouth interior${note ? ` (${note})` : ''}, or the character`,
    open(face) {
      const renderer = face.kind === 'photo'
        ? createPhotoRenderer({ image: face.image, mesh: face.mesh }, plainRig(), mouth ? { mouth: createMouthSource(mouth, rigCode) } : {})
        : createCharacterRenderer(face.size, plainRig());
      return {
        render: (emotion, intensity) => renderer.render(apexFrame([{ weights: { [emotion]: 1 }, intensity, start: 0, duration: null }])),
        dispose: () => renderer.dispose(),
      };
    },
    codeFor: codeFromEmotions,
  };
}

/** The rig with the procedural mouth interior (needs no model file). */
export const rigModel: ExpressionModel = rigModelWith();

/**
 * The learned mouth interior as `emotebot render` uses it by default: when the model cannot be
 * used, the procedural one, as the command falls back, and the reason for the description.
 */
async function learnedMouth(dir?: string): Promise<{ model?: MouthModel; note?: string }> {
  // A folder asked for by name must load (the model is left out with the reason otherwise).
  return dir ? { model: await readMouthModel(dir) } : chooseMouth('learned');
}

/**
 * Model folders to evaluate instead of the shipped ones (a candidate before it ships): the
 * learned expressions, the expression detail, the mouth interior. Absent: models/<name>/.
 */
export interface ModelDirs { expressions?: string; detail?: string; mouth?: string }

/**
 * The learned expressions (issue 5): the expression GAN shipped in models/expression-gan/, as
 * `emotebot render --expressions gan` uses it (its codes through the same rig, and a photo's own
 * expression taken out first, the learned mouth interior on photos). Loading fails when no trained
 * model is there. `fieldsOnly`: the codes through the fields alone; `mouth: 'procedural'`: the
 * procedural mouth interior instead of the learned one; `eyes: 'warp'`: the eye openings
 * stretched by the warp instead of drawn as eyeballs under the lids (render/eyes.ts).
 */
export interface GanVariant { detail?: 'none' | 'mean' | 'gan'; fieldsOnly?: boolean; mouth?: 'learned' | 'procedural'; eyes?: 'rigid' | 'warp' }

export async function loadGanModel(seed: number, dirs: ModelDirs = {}, variant: GanVariant = {}): Promise<ExpressionModel> {
  const { detail = 'none', fieldsOnly = false, mouth: mouthKind = 'learned', eyes = 'rigid' } = variant;
  let choice;
  try {
    choice = await chooseExpressions('gan', seed, dirs.expressions);
  } catch (e) {
    // The CLI's advice ("--expressions rig ...") does not apply here.
    throw new Error((e instanceof Error ? e.message : String(e)).replace(/ \(--expressions rig[^)]*\)$/, ''), { cause: e });
  }
  const codeFor = choice.codeFor;
  if (!codeFor || !choice.model) throw new Error('the learned expressions gave no code mapping');
  // Fields only: the same codes through the plain rig, and a neutralisation without the learned shape.
  const rig = fieldsOnly ? plainRig() : choice.rig;
  const fieldsModel = fieldsOnly ? createExpressionModel({ ...choice.model, shapeFields: null }) : null;
  const neutral = fieldsModel ? photoNeutralisation(fieldsModel) : choice.neutral;
  const detailModel = detail === 'none' ? null : await readDetailModel(dirs.detail);
  const learned = mouthKind === 'learned' ? await learnedMouth(dirs.mouth) : {};
  const mouth = learned.model;
  const name = (fieldsOnly ? 'gan-fields' : detail === 'none' ? 'gan' : detail === 'mean' ? 'gan+mean' : 'gan+detail') + (mouthKind === 'procedural' ? '/procedural-mouth' : '') + (eyes === 'warp' ? '/warped-eyes' : '');
  return {
    name,
    description: fieldsOnly
      ? 'the learned codes through the rig\'s fields alone, without the model\'s learned shape beyond them; geometry only'
      : (detail === 'none'
        ? 'learned expressions (src/models/expression-gan.ts, shipped in models/expression-gan/): generated codes through the rig\'s fields plus the learned shape beyond them; photos neutralised first; geometry only'
        : `the same, plus ${detail === 'mean' ? 'the per-emotion mean real detail (the baseline the detail model ships: its manifest says which, class mean or at intensity 1)' : 'generated detail'} (models/expression-detail/) laid on the face as shading; photos only`)
      + (mouth ? '; the learned mouth interior (models/mouth-interior/)' : `; the procedural mouth interior${learned.note ? ` (${learned.note})` : ''}`)
      + (eyes === 'warp' ? '; the eye openings stretched by the warp (no eyeball pass)' : ''),
    open(face) {
      if (face.kind !== 'photo' && detailModel) return null; // detail is for photos; the character is measured once, as "gan"
      const renderer = face.kind === 'photo'
        ? createPhotoRenderer({ image: face.image, mesh: face.mesh }, rig, {
          ...neutral,
          ...(eyes === 'warp' ? { eyes: false } : {}),
          ...(mouth ? { mouth: createMouthSource(mouth, choice.emotionCode) } : {}),
          ...(detailModel ? { detail: createDetailLayer(detailModel, { kind: detail === 'mean' ? 'mean' : 'gan', codeFor: choice.emotionCode, seed }), photoExpression: choice.photoExpression } : {}),
        })
        : createCharacterRenderer(face.size, rig);
      return {
        render: (emotion, intensity) => renderer.render(apexFrame([{ weights: { [emotion]: 1 }, intensity, start: 0, duration: null }], codeFor)),
        dispose: () => renderer.dispose(),
      };
    },
    // The motion is the same as "gan"'s: measured once.
    ...(detail === 'none' && !fieldsOnly && mouthKind === 'learned' && eyes === 'rigid' ? { codeFor } : {}),
  };
}

/** Every model the evaluation knows, by name: a loader each. A trained model registers here. */
export const EXPRESSION_MODELS: Readonly<Record<string, (seed: number, dirs: ModelDirs) => Promise<ExpressionModel>>> = {
  source: async () => sourceModel,
  rig: async (_seed, dirs) => { const m = await learnedMouth(dirs.mouth); return rigModelWith(m.model, m.note); },
  'rig/procedural-mouth': async () => rigModel,
  gan: (seed, dirs) => loadGanModel(seed, dirs),
  'gan-fields': (seed, dirs) => loadGanModel(seed, dirs, { fieldsOnly: true }),
  'gan+mean': (seed, dirs) => loadGanModel(seed, dirs, { detail: 'mean' }),
  'gan+mean/procedural-mouth': (seed, dirs) => loadGanModel(seed, dirs, { detail: 'mean', mouth: 'procedural' }),
  'gan+mean/warped-eyes': (seed, dirs) => loadGanModel(seed, dirs, { detail: 'mean', eyes: 'warp' }),
  'gan+detail': (seed, dirs) => loadGanModel(seed, dirs, { detail: 'gan' }),
};

/**
 * Loads models by name, from `dirs` where given (else the shipped folders). A model that cannot
 * load (no trained weights yet) is left out with the reason; an unknown name is an error.
 */
export async function loadModels(names: readonly string[], seed: number, dirs: ModelDirs = {}): Promise<{ models: ExpressionModel[]; missing: { name: string; reason: string }[] }> {
  const models: ExpressionModel[] = [];
  const missing: { name: string; reason: string }[] = [];
  for (const n of names) {
    const load = EXPRESSION_MODELS[n];
    if (!load) throw new EmoteBotError('bad-argument', `unknown model "${n}" (known: ${Object.keys(EXPRESSION_MODELS).join(', ')})`);
    try {
      models.push(await load(seed, dirs));
    } catch (e) {
      missing.push({ name: n, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { models, missing };
}
