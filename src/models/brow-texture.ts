/**
 * `train expressions --brow-from-texture`: the brow movement the tracked meshes miss, read from
 * the faces' textures (core/brow-shift.ts), added to the learned shape.
 *
 * Per emotion, the detail at intensity 1 (detail-data.ts emotionLines: the line through neutral of
 * each face's texture minus its dataset's neutral mean, with the detail model's mask) is read
 * against the fit part's neutral mean texture as a vertical shift of the brow band, column by
 * column; the mesh field that moves the brow band by that shift is added to the emotion's shape
 * residual, so the amount of the emotion a frame shows moves the brows with it.
 */
import { CANONICAL_POSITIONS, CANONICAL_UVS } from '../core/canonical-data.ts';
import { browShiftField, browShiftProfile, canonicalCmPerV } from '../core/brow-shift.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { faceDetailMask } from '../render/detail.ts';
import { DETAIL_SIZE, detailSetOf, emotionLines, neutralMeans } from './detail-data.ts';
import { type FaceSet, PART_FIT } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';

const MESH_DIM = LANDMARK_COUNT * 3;

export interface BrowFromTexture {
  /** Per GAN_EMOTIONS slot: the shift per column of the DETAIL_SIZE map (texels, + down the face); zeros for emotions not learned. */
  profiles: Float64Array[];
  /** GAN_EMOTIONS.length x MESH_DIM: the mesh fields (canonical cm) that move the brows by them. */
  fields: Float32Array;
  /** Canonical cm per unit of texture v used. */
  cmPerV: number;
  /** Per slot: the largest vertical move of a point, cm. */
  maxMoveCm: number[];
}

/**
 * From faces read with their textures and each face's intensity label: the brow shifts and
 * fields, for the slots `learned` marks. The mask is the detail model's default
 * (render/detail.ts faceDetailMask at DETAIL_SIZE), so the detail read is the detail model's own.
 */
export function browFromTexture(faces: FaceSet, intensity: ArrayLike<number>, learned: readonly boolean[]): BrowFromTexture {
  const set = detailSetOf(faces, DETAIL_SIZE);
  const texels = DETAIL_SIZE * DETAIL_SIZE;
  const mask = faceDetailMask(DETAIL_SIZE);
  const perSource = neutralMeans(set, [PART_FIT]);
  const lines = emotionLines(set, perSource, mask, intensity, [PART_FIT]);
  // The neutral mean texture over all sources together: the same mean, with every face read as of one source.
  const neutral = neutralMeans({ ...set, source: new Uint8Array(set.n), sources: 1 }, [PART_FIT]);
  const cmPerV = canonicalCmPerV(CANONICAL_UVS, CANONICAL_POSITIONS);
  const fields = new Float32Array(GAN_EMOTIONS.length * MESH_DIM);
  const profiles: Float64Array[] = [];
  const maxMoveCm: number[] = [];
  GAN_EMOTIONS.forEach((_, slot) => {
    if (!learned[slot]) { profiles.push(new Float64Array(DETAIL_SIZE)); maxMoveCm.push(0); return; }
    const profile = browShiftProfile(lines.subarray(slot * texels, (slot + 1) * texels), neutral, mask, DETAIL_SIZE);
    const field = browShiftField(profile, DETAIL_SIZE, CANONICAL_UVS, cmPerV);
    fields.set(field, slot * MESH_DIM);
    profiles.push(profile);
    maxMoveCm.push(field.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
  });
  return { profiles, fields, cmPerV, maxMoveCm };
}
