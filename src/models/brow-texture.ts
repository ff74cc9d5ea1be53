/**
 * `train expressions --brow-from-texture` and `--lids-from-texture`: the brow and upper-lid
 * movement the tracked meshes miss, read from the faces' textures (core/brow-shift.ts), added to
 * the learned shape.
 *
 * Per emotion, the detail at intensity 1 (detail-data.ts emotionLines: the line through neutral of
 * each face's texture minus its dataset's neutral mean, with the detail model's mask) is read
 * against the fit part's neutral mean texture as a vertical shift of the brow band, column by
 * column; the mesh field that moves the brow band by that shift is added to the emotion's shape
 * residual, so the amount of the emotion a frame shows moves the brows with it.
 *
 * The upper lids are read the same way in their band (UPPER_LID_BAND) of the full-resolution
 * texture (UV_SIZE: the eye opening is 6 texels tall there, 3 at the detail size), with no mask:
 * the detail model's mask fades the eye openings out, and the opening is what shows the lid's move.
 */
import { CANONICAL_POSITIONS, CANONICAL_UVS } from '../core/canonical-data.ts';
import { BROW_BAND, browShiftField, browShiftProfile, canonicalCmPerV, type ShiftBand, UPPER_LID_BAND } from '../core/brow-shift.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { faceDetailMask } from '../render/detail.ts';
import { UV_SIZE } from '../render/uv-texture.ts';
import { DETAIL_SIZE, detailSetOf, emotionLines, neutralMeans } from './detail-data.ts';
import { type FaceSet, PART_FIT } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';

const MESH_DIM = LANDMARK_COUNT * 3;

/** What `browFromTexture` and `lidsFromTexture` read. */
export interface BrowFromTexture {
  /** Per GAN_EMOTIONS slot: the shift per column of the map read (`size` texels; + down the face); zeros for emotions not learned. */
  profiles: Float64Array[];
  /** GAN_EMOTIONS.length x MESH_DIM: the mesh fields (canonical cm) that move the band (brows or upper lids) by them. */
  fields: Float32Array;
  /** Canonical cm per unit of texture v used. */
  cmPerV: number;
  /** Per slot: the largest vertical move of a point, cm. */
  maxMoveCm: number[];
  /** Side of the map the shifts were read on (texels). */
  size: number;
}

/**
 * From faces read with their textures and each face's intensity label: the brow shifts and
 * fields, for the slots `learned` marks. The mask is the detail model's default
 * (render/detail.ts faceDetailMask at DETAIL_SIZE), so the detail read is the detail model's own.
 */
export function browFromTexture(faces: FaceSet, intensity: ArrayLike<number>, learned: readonly boolean[]): BrowFromTexture {
  return shiftFromTexture(faces, intensity, learned, BROW_BAND, DETAIL_SIZE, faceDetailMask(DETAIL_SIZE));
}

/** The same for the upper lids: read on the full-resolution texture (UV_SIZE), unmasked. */
export function lidsFromTexture(faces: FaceSet, intensity: ArrayLike<number>, learned: readonly boolean[]): BrowFromTexture {
  return shiftFromTexture(faces, intensity, learned, UPPER_LID_BAND, UV_SIZE, new Float32Array(UV_SIZE * UV_SIZE).fill(1));
}

function shiftFromTexture(faces: FaceSet, intensity: ArrayLike<number>, learned: readonly boolean[], band: ShiftBand, size: number, mask: Float32Array): BrowFromTexture {
  const set = detailSetOf(faces, size);
  const texels = size * size;
  const perSource = neutralMeans(set, [PART_FIT]);
  const lines = emotionLines(set, perSource, mask, intensity, [PART_FIT]);
  // The neutral mean texture over all sources together: the same mean, with every face read as of one source.
  const neutral = neutralMeans({ ...set, source: new Uint8Array(set.n), sources: 1 }, [PART_FIT]);
  const cmPerV = canonicalCmPerV(CANONICAL_UVS, CANONICAL_POSITIONS);
  const fields = new Float32Array(GAN_EMOTIONS.length * MESH_DIM);
  const profiles: Float64Array[] = [];
  const maxMoveCm: number[] = [];
  GAN_EMOTIONS.forEach((_, slot) => {
    if (!learned[slot]) { profiles.push(new Float64Array(size)); maxMoveCm.push(0); return; }
    const profile = browShiftProfile(lines.subarray(slot * texels, (slot + 1) * texels), neutral, mask, size, { band });
    const field = browShiftField(profile, size, CANONICAL_UVS, cmPerV, band);
    fields.set(field, slot * MESH_DIM);
    profiles.push(profile);
    maxMoveCm.push(field.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
  });
  return { profiles, fields, cmPerV, maxMoveCm, size };
}
