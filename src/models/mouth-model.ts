/**
 * The learned mouth interior as a versioned model (models/mouth-interior/, trained by
 * `emotebot train mouth`): per openness bin, real open mouths' colours relative to
 * each face's skin (render/mouth-interior.ts). Pure: decoding and checking bytes (the same
 * checks as every model: format, name, version, SHA-256), in Node and the page; and the
 * renderers' source of the table, frame by frame.
 *
 * Tensors: `openness` [bins] (each bin's centre: the mean openness of its faces) and `rgb`
 * [bins, rows, cols, 3], the table of every open mouth. Version 2 adds `emotionRgb`
 * [conditions, bins, rows, cols, 3], one table per emotion the manifest's
 * `architecture.conditions` lists (an emotion's own mouths where the data has enough of them,
 * the all-faces table's bin elsewhere); the renderers blend them by the emotions the frame's
 * expression shows.
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { createAmountReader } from '../core/shape-residual.ts';
import { checkTable, fixedMouth, type MouthSource, type MouthTable } from '../render/mouth-interior.ts';
import { decodeModel, type LoadedModel, ModelError, type ModelManifest } from './manifest.ts';

export const MOUTH_MODEL_NAME = 'mouth-interior';
export const MOUTH_MODEL_VERSION = 2;
export const MOUTH_MODEL_VERSIONS: readonly number[] = [1, MOUTH_MODEL_VERSION];

export interface MouthModel {
  readonly manifest: ModelManifest;
  /** Every open mouth's table (version 1's only one). */
  readonly table: MouthTable;
  /** Version 2: one table per emotion, same grid and bins as `table`. */
  readonly byEmotion?: ReadonlyMap<Emotion, MouthTable>;
}

export function mouthModelFromLoaded(m: LoadedModel): MouthModel {
  const arch = m.manifest.architecture as { cols?: unknown; rows?: unknown; bins?: unknown; conditions?: unknown };
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 256;
  if (!int(arch.cols) || !int(arch.rows) || !int(arch.bins)) throw new ModelError('the mouth-interior manifest does not give its grid (cols, rows, bins)');
  const openness = m.tensor('openness'), rgb = m.tensor('rgb');
  const shape = (name: string) => m.manifest.tensors.find((t) => t.name === name)?.shape.join('x');
  if (shape('openness') !== `${arch.bins}` || shape('rgb') !== `${arch.bins}x${arch.rows}x${arch.cols}x3`) {
    throw new ModelError(`the mouth-interior tensors do not match its grid ${arch.bins} x ${arch.rows} x ${arch.cols}`);
  }
  const usable = (t: MouthTable, what: string): MouthTable => {
    try {
      checkTable(t);
    } catch (e) {
      throw new ModelError(`the mouth-interior model is not usable: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!t.rgb.every((x) => Number.isFinite(x) && x >= 0)) throw new ModelError(`the mouth-interior colours${what} are not finite and non-negative`);
    return t;
  };
  const table = usable({ cols: arch.cols, rows: arch.rows, bins: arch.bins, openness: Float32Array.from(openness), rgb: Float32Array.from(rgb) }, '');
  if (m.manifest.version < 2) return { manifest: m.manifest, table };
  const conditions = arch.conditions;
  if (!Array.isArray(conditions) || !conditions.every((c): c is Emotion => (EMOTIONS as readonly unknown[]).includes(c)) || new Set(conditions).size !== conditions.length) {
    throw new ModelError('the mouth-interior manifest (version 2) does not list its emotions (architecture.conditions)');
  }
  // No emotion had enough mouths of its own: every emotion takes the all-faces table.
  if (conditions.length === 0) return { manifest: m.manifest, table, byEmotion: new Map() };
  const slab = arch.bins * arch.rows * arch.cols * 3;
  if (shape('emotionRgb') !== `${conditions.length}x${arch.bins}x${arch.rows}x${arch.cols}x3`) {
    throw new ModelError(`the mouth-interior per-emotion tables do not match ${conditions.length} emotions x its grid ${arch.bins} x ${arch.rows} x ${arch.cols}`);
  }
  const all = m.tensor('emotionRgb');
  const byEmotion = new Map<Emotion, MouthTable>();
  conditions.forEach((e, k) => {
    byEmotion.set(e, usable({ ...table, rgb: Float32Array.from(all.subarray(k * slab, (k + 1) * slab)) }, ` of ${e}`));
  });
  return { manifest: m.manifest, table, byEmotion };
}

/** Checks the manifest and weights (name, version, SHA-256) and returns the model. */
export async function loadMouthModel(manifestJson: unknown, weights: Uint8Array): Promise<MouthModel> {
  return mouthModelFromLoaded(await decodeModel(manifestJson, weights, { name: MOUTH_MODEL_NAME, versions: MOUTH_MODEL_VERSIONS }));
}

/**
 * The renderers' table, frame by frame. With per-emotion tables and the expression model's code
 * for each emotion at intensity 1 (`codeFor`), each frame's amounts a_e ≥ 0 are read from its
 * code (the reading the learned shape and the detail layer do), capped at 1 and scaled to sum at
 * most 1; the table is Σ a_e T_e + (1 - Σ a_e) T_neutral (an emotion without its own table, or
 * neutral without one, takes the all-faces table). The blend is recomputed only when the amounts
 * move by more than 1e-3. Without them (a version 1 model, the hand-written rig): the all-faces table.
 */
export function createMouthSource(model: MouthModel, codeFor?: (emotion: Emotion) => ArrayLike<number>): MouthSource {
  const by = model.byEmotion;
  if (!by || !codeFor) return fixedMouth(model.table);
  const emotions = EMOTIONS.filter((e) => e !== 'neutral');
  const tables = emotions.map((e) => by.get(e) ?? model.table);
  const rest = by.get('neutral') ?? model.table;
  const read = createAmountReader(emotions.map((e) => codeFor(e)));
  const n = model.table.rgb.length;
  const blended = { cols: model.table.cols, rows: model.table.rows, bins: model.table.bins, openness: model.table.openness, rgb: new Float32Array(n), version: 0 };
  const amounts = new Float64Array(emotions.length), last = new Float64Array(emotions.length).fill(-1);
  return {
    tableFor(frame) {
      read(frame.code, amounts);
      let sum = 0;
      for (let k = 0; k < amounts.length; k++) { amounts[k] = Math.min(Math.max(amounts[k]!, 0), 1); sum += amounts[k]!; }
      if (sum > 1) for (let k = 0; k < amounts.length; k++) amounts[k] = amounts[k]! / sum;
      let moved = 0;
      for (let k = 0; k < amounts.length; k++) moved = Math.max(moved, Math.abs(amounts[k]! - last[k]!));
      if (moved <= 1e-3) return blended;
      last.set(amounts);
      const restWeight = Math.max(0, 1 - Math.min(sum, 1));
      const out = blended.rgb;
      for (let i = 0; i < n; i++) out[i] = rest.rgb[i]! * restWeight;
      for (let k = 0; k < amounts.length; k++) {
        const a = amounts[k]!;
        if (a <= 0) continue;
        const t = tables[k]!.rgb;
        for (let i = 0; i < n; i++) out[i] = out[i]! + t[i]! * a;
      }
      blended.version++;
      return blended;
    },
  };
}
