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
import { BROW_BAND, browShiftField, browShiftProfile, canonicalCmPerV, resampleProfile, type ShiftBand, unshiftMap, UPPER_LID_BAND } from '../core/brow-shift.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { faceDetailMask } from '../render/detail.ts';
import { UV_SIZE } from '../render/uv-texture.ts';
import { DETAIL_SIZE, type DetailSet, detailSetOf, emotionLines, neutralMeans, slotOf } from './detail-data.ts';
import { type FaceSet, PART_FIT } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';
import { ModelError } from './manifest.ts';

const MESH_DIM = LANDMARK_COUNT * 3;

/** Where each move is read, and on which map: the brows on the detail map, the lids on the full texture. The readers below and textureShiftsOf share it. */
const MOVES = {
  brows: { key: 'browFromTexture', band: BROW_BAND, size: DETAIL_SIZE },
  lids: { key: 'lidsFromTexture', band: UPPER_LID_BAND, size: UV_SIZE },
} as const;

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
  return shiftFromTexture(faces, intensity, learned, MOVES.brows.band, MOVES.brows.size, faceDetailMask(MOVES.brows.size));
}

/** The same for the upper lids: read on the full-resolution texture (UV_SIZE), unmasked. */
export function lidsFromTexture(faces: FaceSet, intensity: ArrayLike<number>, learned: readonly boolean[]): BrowFromTexture {
  return shiftFromTexture(faces, intensity, learned, MOVES.lids.band, MOVES.lids.size, new Float32Array(MOVES.lids.size * MOVES.lids.size).fill(1));
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

/**
 * One band move an expression model plays: the shifts its trainer read (texels of a map of
 * `size`, + down the face) for one emotion, in its band.
 */
export interface TextureShift {
  emotion: (typeof GAN_EMOTIONS)[number];
  what: 'brows' | 'lids';
  band: ShiftBand;
  /** Side of the map the profile was read on. */
  size: number;
  profile: Float64Array;
}

/**
 * The brow and lid moves an expression model's manifest records (`architecture.shape.browFromTexture`,
 * read on the 64-texel detail map, and `lidsFromTexture`, on the 128-texel texture): what its learned
 * shape moves beyond the tracked meshes. None when it records neither. A malformed record is a
 * ModelError that names the record as `whose` does.
 */
export function textureShiftsOf(manifest: { architecture?: unknown }, whose = 'the expression model\'s '): TextureShift[] {
  const shape = (manifest.architecture as { shape?: Record<string, unknown> } | undefined)?.shape;
  const out: TextureShift[] = [];
  for (const what of ['brows', 'lids'] as const) {
    const { key, band, size } = MOVES[what];
    const record = shape?.[key];
    if (record === undefined) continue;
    const shifts = (record as { shifts?: unknown } | null)?.shifts;
    if (!shifts || typeof shifts !== 'object') throw new ModelError(`${whose}${key} has no shifts`);
    for (const [emotion, profile] of Object.entries(shifts)) {
      const slot = GAN_EMOTIONS.indexOf(emotion as (typeof GAN_EMOTIONS)[number]);
      if (slot < 0) throw new ModelError(`${whose}${key} names an emotion it does not have ("${emotion}")`);
      if (!Array.isArray(profile) || profile.length !== size || !profile.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new ModelError(`${whose}${key} shifts for ${emotion} must be ${size} finite numbers`);
      }
      out.push({ emotion: GAN_EMOTIONS[slot]!, what, band, size, profile: Float64Array.from(profile as number[]) });
    }
  }
  return out;
}

/**
 * Re-registers the faces' textures to the geometry the expression model plays (`train detail
 * --register-shifts`): each face of an emotion whose brows or lids the model moves beyond its
 * tracked mesh has that band read where the move puts it (core/brow-shift.ts unshiftMap, by the
 * face's intensity), so its detail no longer draws as shading the move the mesh now makes (a pale
 * brow with a dark band beside it, on top of the moved brow). In place, on set.shading. Returns
 * the faces re-registered per emotion.
 */
export function registerTextureShifts(set: DetailSet, intensity: ArrayLike<number>, shifts: readonly TextureShift[]): Record<string, number> {
  if (intensity.length !== set.n) throw new Error(`registerTextureShifts: ${set.n} intensities expected, got ${intensity.length}`);
  const texels = set.size * set.size;
  const bySlot = GAN_EMOTIONS.map((e) => shifts.filter((s) => s.emotion === e).map((s) => ({ band: s.band, profile: resampleProfile(s.profile, s.size, set.size) })));
  const counts: Record<string, number> = Object.fromEntries([...new Set(shifts.map((s) => s.emotion))].map((e) => [e, 0]));
  for (let i = 0; i < set.n; i++) {
    const slot = slotOf(set.emotion[i]!);
    const moves = slot >= 0 ? bySlot[slot]! : [];
    const t = Math.max(0, intensity[i]!);
    if (moves.length === 0 || !(t > 0)) continue;
    const map = set.shading.subarray(i * texels, (i + 1) * texels), cover = set.cover.subarray(i * texels, (i + 1) * texels);
    for (const m of moves) unshiftMap(map, cover, set.size, m.profile, t, m.band);
    counts[GAN_EMOTIONS[slot]!] = counts[GAN_EMOTIONS[slot]!]! + 1;
  }
  return counts;
}

/**
 * The detail manifest's record of the moves its textures were re-registered to
 * (`architecture.registeredShifts`), in the expression manifest's own form, so that
 * `emotebot eval detail` reads its held-out faces the same way (registeredShiftsOf).
 */
export function registeredShiftsRecord(shifts: readonly TextureShift[]): Record<string, unknown> {
  const of = (what: TextureShift['what']) => Object.fromEntries(shifts.filter((s) => s.what === what).map((s) => [s.emotion, Array.from(s.profile)]));
  const brows = of('brows'), lids = of('lids');
  return {
    meaning: 'each face\'s texture read where the expression model moves its brows (browFromTexture: texels of a 64-texel map) and upper lids (lidsFromTexture: of the 128-texel texture), by the face\'s intensity (core/brow-shift.ts unshiftMap), before anything was learned from it',
    ...(Object.keys(brows).length ? { [MOVES.brows.key]: { shifts: brows } } : {}),
    ...(Object.keys(lids).length ? { [MOVES.lids.key]: { shifts: lids } } : {}),
  };
}

/** The moves a detail model's textures were re-registered to (none for a model trained without --register-shifts). */
export function registeredShiftsOf(detailManifest: { architecture?: unknown }): TextureShift[] {
  const record = (detailManifest.architecture as { registeredShifts?: unknown } | undefined)?.registeredShifts;
  if (record === undefined) return [];
  if (!record || typeof record !== 'object') throw new ModelError('the detail model\'s registeredShifts must be an object');
  return textureShiftsOf({ architecture: { shape: record } }, 'the detail model\'s registeredShifts.');
}
