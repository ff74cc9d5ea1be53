/** The motion model on disk (edge): the shipped copy in models/motion-gru/, or any folder. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelDir, writeModelDir } from './files.ts';
import { type LoadedModel, MODEL_FORMAT, ModelError, type ModelManifest } from './manifest.ts';
import { encodeMotionModel, MOTION_MODEL_EXPECT, motionModelFromLoaded } from './motion-model.ts';
import type { LearnedMotionModel } from '../motion/learned-animator.ts';

/** The folder of the model that ships in the repository. */
export const SHIPPED_MOTION_MODEL_DIR = fileURLToPath(new URL('../../models/motion-gru/', import.meta.url));

export async function loadMotionModel(dir: string = SHIPPED_MOTION_MODEL_DIR): Promise<LearnedMotionModel & { manifest: ModelManifest }> {
  const loaded = await readModelDir(dir, MOTION_MODEL_EXPECT);
  return { ...motionModelFromLoaded(loaded), manifest: loaded.manifest };
}

export async function saveMotionModel(
  dir: string, model: LearnedMotionModel, meta: { created: string; training: ModelManifest['training']; metrics: Record<string, unknown> },
): Promise<ModelManifest> {
  const { manifest, weights } = await encodeMotionModel(model, meta);
  await writeModelDir(dir, manifest, weights);
  return manifest;
}

/**
 * The same, synchronously (for measurements that run inside synchronous code, such as the
 * evaluation's animation figures): the same checks as decodeModel (name, version, size,
 * SHA-256, tensor table), the hash by node:crypto.
 */
export function loadMotionModelSync(dir: string = SHIPPED_MOTION_MODEL_DIR): LearnedMotionModel & { manifest: ModelManifest } {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
  if (manifest.format !== MODEL_FORMAT || manifest.name !== MOTION_MODEL_EXPECT.name || !(MOTION_MODEL_EXPECT.versions as readonly number[]).includes(manifest.version)) {
    throw new ModelError(`${dir}: not a ${MOTION_MODEL_EXPECT.name} model this EmoteBot reads`);
  }
  const file = manifest.weights?.file;
  if (typeof file !== 'string' || file.includes('/') || file.includes('\\')) throw new ModelError(`${dir}: the manifest names no weights file`);
  const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
  if (bytes.byteLength !== manifest.weights.bytes) throw new ModelError(`${dir}: the weights file has ${bytes.byteLength} bytes; the manifest says ${manifest.weights.bytes}`);
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.weights.sha256) throw new ModelError(`${dir}: the weights do not match the manifest's SHA-256`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const all = Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  const loaded: LoadedModel = {
    manifest,
    tensor(name) {
      const t = manifest.tensors.find((x) => x.name === name);
      const n = t ? t.shape.reduce((a, b) => a * b, 1) : 0;
      if (!t || !Number.isInteger(t.offset) || t.offset < 0 || t.offset + n > all.length) throw new ModelError(`the ${manifest.name} model has no tensor "${name}" that fits its weights`);
      return all.subarray(t.offset, t.offset + n);
    },
  };
  return { ...motionModelFromLoaded(loaded), manifest };
}
