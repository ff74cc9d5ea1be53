import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { createRng } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';
import { browFromTexture, lidsFromTexture, registeredShiftsOf, registeredShiftsRecord, registerTextureShifts, textureShiftsOf } from './brow-texture.ts';
import { detailSetOf } from './detail-data.ts';
import { ModelError } from './manifest.ts';
import { type FaceSet, PART_FIT } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';

/**
 * Faces whose stored textures (UV_SIZE, int8 steps) carry a dark horizontal band (a brow, a lash
 * line) at row `row` for the neutral ones and `moved` for the faces of `emotion`, with a little
 * seeded grain: what a mesh that missed the band's move would unwrap.
 */
function facesWithBand(emotion: 'angry' | 'surprised', row: number, moved: number, o: { perEmotion: number; width: number; seed: number }): { faces: FaceSet; intensity: Float32Array } {
  const n = o.perEmotion * 2, texels = UV_SIZE * UV_SIZE;
  const rng = createRng(o.seed);
  const texture = new Int8Array(n * texels);
  const emotions = new Uint8Array(n), intensity = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const expressive = i >= o.perEmotion;
    emotions[i] = EMOTIONS.indexOf(expressive ? emotion : 'neutral');
    intensity[i] = expressive ? 1 : 0;
    const r = expressive ? moved : row;
    for (let v = 0; v < UV_SIZE; v++) for (let u = 0; u < UV_SIZE; u++) {
      const value = -0.6 * Math.exp(-(((v - r) / o.width) ** 2)) + 0.02 * (rng() - 0.5);
      texture[i * texels + v * UV_SIZE + u] = Math.round(value / TEXTURE_STEP);
    }
  }
  const faces = {
    n, mesh: new Float32Array(n * LANDMARK_COUNT * 3), emotion: emotions, part: new Uint8Array(n).fill(PART_FIT), source: new Uint8Array(n),
    person: new Int32Array(n).fill(-1), sources: [{ file: 'synthetic', faces: n, used: n, dropped: 0 }], texture,
  } as unknown as FaceSet;
  return { faces, intensity };
}

/** Angry faces' brow band `down` texels under the neutral ones' (row 32). */
const facesWithBrows = (down: number) => facesWithBand('angry', 32, 32 + down, { perEmotion: 40, width: 3, seed: 7 });

describe('browFromTexture', () => {
  const learned = GAN_EMOTIONS.map((e) => e === 'angry');
  const angry = GAN_EMOTIONS.indexOf('angry');
  const dim = LANDMARK_COUNT * 3;

  it('reads the angry faces\' brow band 2 stored texels lower as 1 texel of the detail map, and moves the brows down', () => {
    const { faces, intensity } = facesWithBrows(2);
    const brow = browFromTexture(faces, intensity, learned);
    const middle = 22; // a column in the middle of the image-left brow at 64 texels
    expect(brow.profiles[angry]![middle]).toBeCloseTo(1, 0);
    expect(Math.abs(brow.profiles[angry]![middle]! - 1)).toBeLessThan(0.2);
    // Mid-brow point 105 moves down (y up) by about a texel of the map: cmPerV / 64.
    const dy = brow.fields[angry * dim + 105 * 3 + 1]!;
    expect(dy).toBeLessThan(0);
    expect(dy).toBeCloseTo(brow.profiles[angry]![middle]! * brow.cmPerV / 64, 1);
    expect(brow.maxMoveCm[angry]).toBeGreaterThan(0.2);
    // Emotions not learned get nothing; nothing moves but y.
    GAN_EMOTIONS.forEach((_, k) => { if (k !== angry) expect(brow.fields.subarray(k * dim, (k + 1) * dim).every((x) => x === 0)).toBe(true); });
    for (let i = 0; i < LANDMARK_COUNT; i++) { expect(brow.fields[angry * dim + i * 3]).toBe(0); expect(brow.fields[angry * dim + i * 3 + 2]).toBe(0); }
  });

  it('reads no move when the angry faces\' brows sit where the neutral ones do', () => {
    const { faces, intensity } = facesWithBrows(0);
    const brow = browFromTexture(faces, intensity, learned);
    expect(Math.max(...Array.from(brow.profiles[angry]!, Math.abs))).toBeLessThan(0.15);
  });
});

describe('lidsFromTexture', () => {
  /** Surprised faces' lash line `up` texels above the neutral ones' (row 45.5 of the stored map). */
  const facesWithLids = (up: number) => facesWithBand('surprised', 45.5, 45.5 - up, { perEmotion: 30, width: 1.5, seed: 11 });
  const learned = GAN_EMOTIONS.map((e) => e === 'surprised');
  const surprised = GAN_EMOTIONS.indexOf('surprised');
  const dim = LANDMARK_COUNT * 3;

  it('reads the surprised faces\' lash line 1.5 texels higher as -1.5 on the full-resolution map and raises the upper lids only', () => {
    const { faces, intensity } = facesWithLids(1.5);
    const lids = lidsFromTexture(faces, intensity, learned);
    expect(lids.size).toBe(UV_SIZE);
    expect(lids.profiles[surprised]![44]).toBeCloseTo(-1.5, 0);
    expect(Math.abs(lids.profiles[surprised]![44]! + 1.5)).toBeLessThan(0.2);
    const up = lids.fields[surprised * dim + 159 * 3 + 1]!;
    expect(up).toBeGreaterThan(0);
    expect(up).toBeCloseTo(lids.profiles[surprised]![44]! * lids.cmPerV / UV_SIZE, 1);
    expect(Math.abs(lids.fields[surprised * dim + 145 * 3 + 1]!)).toBe(0);
    GAN_EMOTIONS.forEach((_, k) => { if (k !== surprised) expect(lids.fields.subarray(k * dim, (k + 1) * dim).every((x) => x === 0)).toBe(true); });
  });

  it('reads no move when the lash lines sit where the neutral ones do', () => {
    const { faces, intensity } = facesWithLids(0);
    const lids = lidsFromTexture(faces, intensity, learned);
    expect(Math.max(...Array.from(lids.profiles[surprised]!, Math.abs))).toBeLessThan(0.15);
  });
});

describe('registerTextureShifts (train detail --register-shifts)', () => {
  const angry = GAN_EMOTIONS.indexOf('angry');
  const learned = GAN_EMOTIONS.map((e) => e === 'angry');
  const middle = 22;
  /** Mean angry map minus mean neutral map down the middle column of the image-left brow, rows 10 to 21 of the 64-texel map: largest absolute value. */
  const bandGap = (set: ReturnType<typeof detailSetOf>) => {
    const S = set.size, texels = S * S, mean = (e: string) => {
      const out = new Float64Array(S);
      let n = 0;
      for (let i = 0; i < set.n; i++) if (EMOTIONS[set.emotion[i]!] === e) { n++; for (let v = 0; v < S; v++) out[v] = out[v]! + set.shading[i * texels + v * S + middle]!; }
      return out.map((x) => x / n);
    };
    const a = mean('angry'), n = mean('neutral');
    let gap = 0;
    for (let v = 10; v <= 21; v++) gap = Math.max(gap, Math.abs(a[v]! - n[v]!));
    return gap;
  };

  it('reads the angry faces\' textures where the expression model\'s move puts their brows: the band they showed moved lines up with the neutral one', () => {
    const { faces, intensity } = facesWithBrows(2);
    const brow = browFromTexture(faces, intensity, learned);
    const shifts = textureShiftsOf({ architecture: { shape: { browFromTexture: { shifts: { angry: Array.from(brow.profiles[angry]!) } } } } });
    expect(shifts).toHaveLength(1);
    const set = detailSetOf(faces);
    const neutralBefore = Float32Array.from(set.shading.subarray(0, 40 * set.size * set.size));
    const before = bandGap(set);
    const moved = registerTextureShifts(set, intensity, shifts);
    expect(moved).toEqual({ angry: 40 });
    expect(before).toBeGreaterThan(0.1);
    expect(bandGap(set)).toBeLessThan(0.25 * before);
    // The neutral faces (the first 40) are untouched.
    expect(Array.from(set.shading.subarray(0, neutralBefore.length))).toEqual(Array.from(neutralBefore));
  });

  it('moves nothing for a face of intensity 0', () => {
    const { faces, intensity } = facesWithBrows(2);
    const set = detailSetOf(faces), copy = Float32Array.from(set.shading);
    const shifts = textureShiftsOf({ architecture: { shape: { browFromTexture: { shifts: { angry: Array.from({ length: 64 }, () => 1) } } } } });
    expect(registerTextureShifts(set, new Float32Array(intensity.length), shifts)).toEqual({ angry: 0 });
    expect(Array.from(set.shading)).toEqual(Array.from(copy));
  });

  it('reads the moves from an expression manifest, keeps them in the detail manifest\'s record, and refuses malformed ones', () => {
    const brows = Array.from({ length: 64 }, (_, u) => (u === 20 ? 1.2 : 0)), lids = Array.from({ length: 128 }, (_, u) => (u === 40 ? -1.5 : 0));
    const manifest = { architecture: { shape: { browFromTexture: { emotions: ['sad'], shifts: { sad: brows } }, lidsFromTexture: { shifts: { surprised: lids } } } } };
    const shifts = textureShiftsOf(manifest);
    expect(shifts.map((x) => [x.emotion, x.what, x.size])).toEqual([['sad', 'brows', 64], ['surprised', 'lids', 128]]);
    const back = registeredShiftsOf({ architecture: { registeredShifts: registeredShiftsRecord(shifts) } });
    expect(back.map((x) => [x.emotion, x.what, x.size, x.profile[20], x.profile[40]])).toEqual([['sad', 'brows', 64, 1.2, 0], ['surprised', 'lids', 128, 0, -1.5]]);
    expect(textureShiftsOf({ architecture: {} })).toEqual([]);
    expect(registeredShiftsOf({ architecture: {} })).toEqual([]);
    expect(() => textureShiftsOf({ architecture: { shape: { browFromTexture: { shifts: { sad: brows.slice(1) } } } } })).toThrow(ModelError);
    expect(() => textureShiftsOf({ architecture: { shape: { browFromTexture: { shifts: { sad: [...brows.slice(1), Number.NaN] } } } } })).toThrow(/finite/);
    expect(() => textureShiftsOf({ architecture: { shape: { lidsFromTexture: { shifts: { neutral: lids } } } } })).toThrow(/does not have/);
    expect(() => textureShiftsOf({ architecture: { shape: { lidsFromTexture: {} } } })).toThrow(/no shifts/);
    expect(() => registeredShiftsOf({ architecture: { registeredShifts: { browFromTexture: { shifts: { sad: [1] } } } } })).toThrow(/the detail model's registeredShifts\.browFromTexture shifts for sad must be 64/);
    expect(() => registeredShiftsOf({ architecture: { registeredShifts: 'all' } })).toThrow(/must be an object/);
  });
});
