/**
 * Turns the user's `--face` choice into a renderer: the built-in EmoteBot character ("bot") or
 * a photo on disk, analysed once.
 */
import type { ExpressionRig } from '../core/rig.ts';
import { createHumanDetector } from '../face/human-node.ts';
import { readImageFile } from '../face/image.ts';
import { preparePhoto } from '../face/photo.ts';
import type { FaceDetector } from '../face/types.ts';
import { createCharacterRenderer } from '../render/character-renderer.ts';
import { createPhotoRenderer } from '../render/photo-renderer.ts';
import type { FaceRenderer } from '../render/types.ts';

export interface FaceSourceInfo {
  kind: 'bot' | 'photo';
  /** Notes for the user (for example: several faces found). */
  notes: string[];
  /** Milliseconds spent: model load, photo decode + analysis. */
  timings: { loadModels?: number; analyse?: number };
}

export async function openFace(face: string, size: number, rig: ExpressionRig, detector?: FaceDetector): Promise<{ renderer: FaceRenderer; info: FaceSourceInfo }> {
  if (face === 'bot') {
    return { renderer: createCharacterRenderer(size, rig), info: { kind: 'bot', notes: [], timings: {} } };
  }
  const t0 = performance.now();
  // Decode first: a bad file fails fast, before the face models load.
  const raster = await readImageFile(face);
  const t1 = performance.now();
  const det = detector ?? (await createHumanDetector());
  const t2 = performance.now();
  try {
    const photo = await preparePhoto(raster, det, size);
    const t3 = performance.now();
    const notes: string[] = [];
    if (photo.faceCount > 1) notes.push(`found ${photo.faceCount} faces; animating the largest`);
    return {
      renderer: createPhotoRenderer(photo, rig),
      info: { kind: 'photo', notes, timings: { loadModels: t2 - t1, analyse: t1 - t0 + (t3 - t2) } },
    };
  } finally {
    if (!detector) det.dispose();
  }
}
