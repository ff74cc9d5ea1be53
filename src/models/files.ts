/** Models on disk: a folder with manifest.json and the weights file it names. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeModel, ModelError, type LoadedModel, type ModelManifest } from './manifest.ts';

export async function readModelDir(dir: string, expect: { name: string; versions: readonly number[] }): Promise<LoadedModel> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new ModelError(`cannot read ${path.join(dir, 'manifest.json')}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const file = (manifest as Partial<ModelManifest>).weights?.file;
  if (typeof file !== 'string' || file.includes('/') || file.includes('\\')) throw new ModelError(`${dir}: the manifest names no weights file`);
  let weights: Uint8Array;
  try {
    weights = new Uint8Array(await readFile(path.join(dir, file)));
  } catch (e) {
    throw new ModelError(`cannot read the weights ${path.join(dir, file)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return decodeModel(manifest, weights, expect);
}

/** Writes manifest.json and the weights (each through a temporary file, then renamed). */
export async function writeModelDir(dir: string, manifest: ModelManifest, weights: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  const w = path.join(dir, manifest.weights.file);
  await writeFile(w + '.tmp', weights);
  await rename(w + '.tmp', w);
  const m = path.join(dir, 'manifest.json');
  await writeFile(m + '.tmp', JSON.stringify(manifest, null, 2) + '\n');
  await rename(m + '.tmp', m);
}
