/**
 * Turns the user's `--face` choice into a renderer: the built-in EmoteBot character ("bot") or
 * a photo on disk, analysed once.
 */
import type { ExpressionRig } from '../core/rig.ts';
import { createHumanDetector } from '../face/human-node.ts';
import { readImageFile } from '../face/image.ts';
import { uncertainMeshNote } from '../face/crop.ts';
import { preparePhoto } from '../face/photo.ts';
import type { FaceDetector } from '../face/types.ts';
import { createCharacterRenderer } from '../render/character-renderer.ts';
import { createPhotoRenderer, type PhotoRendererOptions } from '../render/photo-renderer.ts';
import type { FaceRenderer } from '../render/types.ts';

export interface FaceSourceInfo {
  kind: 'bot' | 'photo';
  /** Notes for the user (for example: several faces found). */
  notes: string[];
}

export async function openFace(face: string, size: number, rig: ExpressionRig, detector?: FaceDetector, photoOptions?: PhotoRendererOptions): Promise<{ renderer: FaceRenderer; info: FaceSourceInfo }> {
  if (face === 'bot') {
    return { renderer: createCharacterRenderer(size, rig), info: { kind: 'bot', notes: [] } };
  }
  // Decode first: a bad file fails fast, before the face models load.
  const raster = await readImageFile(face);
  const det = detector ?? (await createHumanDetector());
  try {
    const photo = await preparePhoto(raster, det, size);
    const notes: string[] = [];
    if (photo.faceCount > 1) notes.push(`found ${photo.faceCount} faces; animating the largest`);
    const uncertain = uncertainMeshNote(photo.flipDiscrepancy);
    if (uncertain) notes.push(uncertain);
    return {
      renderer: createPhotoRenderer(photo, rig, photoOptions),
      info: { kind: 'photo', notes },
    };
  } finally {
    if (!detector) det.dispose();
  }
}
