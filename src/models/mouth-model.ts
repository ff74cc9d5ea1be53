/**
 * The learned mouth interior as a versioned model (models/mouth-interior/, trained by
 * `emotebot train mouth`): per openness bin, real open mouths' colours relative to
 * each face's skin (render/mouth-interior.ts). Pure: decoding and checking bytes (the same
 * checks as every model: format, name, version, SHA-256), in Node and the page.
 *
 * Tensors: `openness` [bins] (each bin's centre: the mean openness of its faces) and `rgb`
 * [bins, rows, cols, 3].
 */
import { checkTable, type MouthTable } from '../render/mouth-interior.ts';
import { decodeModel, type LoadedModel, ModelError, type ModelManifest } from './manifest.ts';

export const MOUTH_MODEL_NAME = 'mouth-interior';
export const MOUTH_MODEL_VERSION = 1;
export const MOUTH_MODEL_VERSIONS: readonly number[] = [MOUTH_MODEL_VERSION];

export interface MouthModel {
  readonly manifest: ModelManifest;
  readonly table: MouthTable;
}

export function mouthModelFromLoaded(m: LoadedModel): MouthModel {
  const arch = m.manifest.architecture as { cols?: unknown; rows?: unknown; bins?: unknown };
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 256;
  if (!int(arch.cols) || !int(arch.rows) || !int(arch.bins)) throw new ModelError('the mouth-interior manifest does not give its grid (cols, rows, bins)');
  const openness = m.tensor('openness'), rgb = m.tensor('rgb');
  const shape = (name: string) => m.manifest.tensors.find((t) => t.name === name)?.shape.join('x');
  if (shape('openness') !== `${arch.bins}` || shape('rgb') !== `${arch.bins}x${arch.rows}x${arch.cols}x3`) {
    throw new ModelError(`the mouth-interior tensors do not match its grid ${arch.bins} x ${arch.rows} x ${arch.cols}`);
  }
  const table: MouthTable = { cols: arch.cols, rows: arch.rows, bins: arch.bins, openness: Float32Array.from(openness), rgb: Float32Array.from(rgb) };
  try {
    checkTable(table);
  } catch (e) {
    throw new ModelError(`the mouth-interior model is not usable: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!table.rgb.every((x) => Number.isFinite(x) && x >= 0)) throw new ModelError('the mouth-interior colours are not finite and non-negative');
  return { manifest: m.manifest, table };
}

/** Checks the manifest and weights (name, version, SHA-256) and returns the model. */
export async function loadMouthModel(manifestJson: unknown, weights: Uint8Array): Promise<MouthModel> {
  return mouthModelFromLoaded(await decodeModel(manifestJson, weights, { name: MOUTH_MODEL_NAME, versions: MOUTH_MODEL_VERSIONS }));
}
