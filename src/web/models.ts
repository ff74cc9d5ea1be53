/**
 * The learned models in the page: fetched from the page's own files (copied from `models/` by
 * the build), checked against their manifests (name, version, SHA-256), and turned into what
 * the runtime takes: the Animator's codeFor, a photo's neutralisation and expression detail,
 * and a motion runtime. `?expressions=rig`, `?motion=ease` and `?detail=mean|none` choose the
 * baselines instead.
 */
import type { Emotion, EmotionWeights } from '../core/emotions.ts';
import { codeFromEmotions, createExpressionRig, type ExpressionRig } from '../core/rig.ts';
import { createDetailLayer, loadDetailModel } from '../models/detail-model.ts';
import type { PhotoRendererOptions } from '../render/photo-renderer.ts';
import { createGanExpressions, createPhotoExpression, expressionRigFor, loadExpressionModel, photoNeutralisation, type PhotoNeutralisation } from '../models/expression-gan.ts';
import { decodeMotionModel } from '../models/motion-model.ts';
import { createMouthSource, loadMouthModel } from '../models/mouth-model.ts';
import { Animator } from '../motion/animator.ts';
import { LearnedAnimator } from '../motion/learned-animator.ts';
import type { MotionFactory } from '../motion/runtime.ts';

export interface PageModels {
  expressions: 'gan' | 'rig';
  motion: 'gru' | 'ease';
  detail: 'gan' | 'mean' | 'none';
  /** The mouth interior photos get: the learned table, or the procedural one (asked for, or the model failed). */
  mouth: 'learned' | 'procedural';
  /** The Animator's codeFor for a seed (each runtime gets its own noise stream); undefined: the rig. */
  codeFor?: (seed: number) => (weights: EmotionWeights, intensity: number) => Float64Array;
  /** Takes a photo's own expression out, at rest and for expressions (photoNeutralisation). */
  neutral?: PhotoNeutralisation;
  /** What a photo renderer takes for a seed: the neutralisation and the expression detail layer. */
  photoOptions: (seed: number) => PhotoRendererOptions;
  createMotion: MotionFactory;
  /** The rig for these expressions: the fields, plus the learned model's shape beyond them. */
  rig: ExpressionRig;
  /** Why a learned model is not in use, for the page's messages. */
  notes: string[];
}

/** Folder of the models in the built page. */
export const MODELS_PATH = 'emotebot-models/';

async function fetchModel(base: string, name: string): Promise<{ manifest: unknown; weights: Uint8Array }> {
  const dir = new URL(`${MODELS_PATH}${name}/`, base);
  const res = await fetch(new URL('manifest.json', dir));
  if (!res.ok) throw new Error(`${name}/manifest.json: HTTP ${res.status}`);
  const manifest = (await res.json()) as { weights?: { file?: unknown } };
  const file = manifest.weights?.file;
  if (typeof file !== 'string' || file.includes('/')) throw new Error(`${name}: the manifest names no weights file`);
  const w = await fetch(new URL(file, dir));
  if (!w.ok) throw new Error(`${name}/${file}: HTTP ${w.status}`);
  return { manifest, weights: new Uint8Array(await w.arrayBuffer()) };
}

export async function loadPageModels(base: string, choice: { expressions: 'gan' | 'rig'; motion: 'gru' | 'ease'; detail: 'auto' | 'gan' | 'mean' | 'none'; mouth?: 'learned' | 'procedural'; eyes?: 'rigid' | 'warp' }): Promise<PageModels> {
  const notes: string[] = [];
  let shipped: string[] = [];
  try {
    const res = await fetch(new URL(`${MODELS_PATH}index.json`, base));
    if (res.ok) shipped = ((await res.json()) as { models?: string[] }).models ?? [];
  } catch {
    // No index: no learned models in this build.
  }
  const has = (name: string): Promise<void> => (shipped.includes(name) ? Promise.resolve() : Promise.reject(new Error('not in this build')));
  const out: PageModels = { expressions: 'rig', motion: 'ease', detail: 'none', mouth: 'procedural', photoOptions: () => ({}), createMotion: (o) => new Animator(o), rig: createExpressionRig(), notes };
  const wantMouth = (choice.mouth ?? 'learned') === 'learned';
  const [gan, gru, detail, mouth] = await Promise.allSettled([
    choice.expressions === 'gan' ? has('expression-gan').then(() => fetchModel(base, 'expression-gan')).then((m) => loadExpressionModel(m.manifest, m.weights)) : Promise.reject(new Error('not asked for')),
    choice.motion === 'gru' ? has('motion-gru').then(() => fetchModel(base, 'motion-gru')).then((m) => decodeMotionModel(m.manifest, m.weights)) : Promise.reject(new Error('not asked for')),
    choice.detail !== 'none' ? has('expression-detail').then(() => fetchModel(base, 'expression-detail')).then((m) => loadDetailModel(m.manifest, m.weights)) : Promise.reject(new Error('not asked for')),
    wantMouth ? has('mouth-interior').then(() => fetchModel(base, 'mouth-interior')).then((m) => loadMouthModel(m.manifest, m.weights)) : Promise.reject(new Error('not asked for')),
  ]);
  if (choice.expressions === 'gan') {
    if (gan.status === 'fulfilled') {
      const model = gan.value;
      out.expressions = 'gan';
      out.codeFor = (seed) => createGanExpressions(model, seed);
      out.rig = expressionRigFor(model);
      // The same neutralisation as the command line (the lips' aperture is kept).
      out.neutral = photoNeutralisation(model);
    } else {
      notes.push(`The learned expressions could not be loaded (${String(gan.reason instanceof Error ? gan.reason.message : gan.reason)}); using the hand-written rig.`);
    }
  }
  if (choice.motion === 'gru') {
    if (gru.status === 'fulfilled') {
      const model = gru.value;
      out.motion = 'gru';
      out.createMotion = (o) => new LearnedAnimator({ ...o, model });
    } else {
      notes.push(`The learned motion could not be loaded (${String(gru.reason instanceof Error ? gru.reason.message : gru.reason)}); using the eased curves.`);
    }
  }
  // Detail reads each frame's code against the active expressions' typical per-emotion codes.
  let emotionCode = (e: Emotion) => codeFromEmotions({ [e]: 1 }, 1);
  let photoExpression: ((canonical: Float64Array) => Float64Array) | undefined;
  if (gan.status === 'fulfilled' && out.expressions === 'gan') {
    const model = gan.value;
    emotionCode = (e) => model.referenceCode(e);
    // The photo's own expression, as the neutralisation reads it: detail is drawn relative to it.
    photoExpression = createPhotoExpression(model);
  }
  if (choice.detail !== 'none') {
    if (detail.status === 'fulfilled') {
      const model = detail.value, kind = choice.detail === 'auto' ? model.recommended : choice.detail;
      out.detail = kind;
      out.photoOptions = (seed) => ({ ...out.neutral, ...(photoExpression ? { photoExpression } : {}), detail: createDetailLayer(model, { kind, codeFor: emotionCode, seed }) });
    } else {
      notes.push(`The learned expression detail could not be loaded (${String(detail.reason instanceof Error ? detail.reason.message : detail.reason)}); photos move without it.`);
    }
  }
  if (out.detail === 'none') out.photoOptions = () => ({ ...out.neutral });
  if (wantMouth) {
    if (mouth.status === 'fulfilled') {
      // The interior follows the frame's emotions, read against the same per-emotion codes as the detail.
      const model = mouth.value, photoOptions = out.photoOptions, code = emotionCode;
      out.mouth = 'learned';
      out.photoOptions = (seed) => ({ ...photoOptions(seed), mouth: createMouthSource(model, code) });
    } else {
      notes.push(`The learned mouth interior could not be loaded (${String(mouth.reason instanceof Error ? mouth.reason.message : mouth.reason)}); photos show the procedural one.`);
    }
  }
  if (choice.eyes === 'warp') {
    // The eye openings stretched with the face instead of the eyeball pass (render/eyes.ts).
    const photoOptions = out.photoOptions;
    out.photoOptions = (seed) => ({ ...photoOptions(seed), eyes: false });
  }
  return out;
}
