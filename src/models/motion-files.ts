/** The motion model on disk (edge): the shipped copy in models/motion-gru/, or any folder. */
import { fileURLToPath } from 'node:url';
import { readModelDir, writeModelDir } from './files.ts';
import type { ModelManifest } from './manifest.ts';
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
