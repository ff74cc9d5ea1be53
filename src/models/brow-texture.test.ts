import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { createRng } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';
import { browFromTexture, lidsFromTexture } from './brow-texture.ts';
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
