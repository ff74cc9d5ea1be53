import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { createRng } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';
import { browFromTexture, lidsFromTexture } from './brow-texture.ts';
import { type FaceSet, PART_FIT } from './expression-data.ts';
import { GAN_EMOTIONS } from './expression-gan.ts';

/**
 * Faces whose stored textures (UV_SIZE, int8 steps) carry a dark brow band at row 32, a little
 * seeded grain, and for the angry ones the band `down` texels lower: what a mesh that missed the
 * brows' move would unwrap.
 */
function facesWithBrows(down: number): { faces: FaceSet; intensity: Float32Array } {
  const perEmotion = 40, n = perEmotion * 2, texels = UV_SIZE * UV_SIZE;
  const rng = createRng(7);
  const texture = new Int8Array(n * texels);
  const emotion = new Uint8Array(n), intensity = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const angry = i >= perEmotion;
    emotion[i] = EMOTIONS.indexOf(angry ? 'angry' : 'neutral');
    intensity[i] = angry ? 1 : 0;
    const row = 32 + (angry ? down : 0);
    for (let v = 0; v < UV_SIZE; v++) for (let u = 0; u < UV_SIZE; u++) {
      const value = -0.6 * Math.exp(-(((v - row) / 3) ** 2)) + 0.02 * (rng() - 0.5);
      texture[i * texels + v * UV_SIZE + u] = Math.round(value / TEXTURE_STEP);
    }
  }
  const faces = {
    n, mesh: new Float32Array(n * LANDMARK_COUNT * 3), emotion, part: new Uint8Array(n).fill(PART_FIT), source: new Uint8Array(n),
    person: new Int32Array(n).fill(-1), sources: [{ file: 'synthetic', faces: n, used: n, dropped: 0 }], texture,
  } as unknown as FaceSet;
  return { faces, intensity };
}

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
  /** Faces whose textures carry a dark lash line at row 45.5 of the stored map; the surprised ones' `up` texels higher. */
  function facesWithLids(up: number): { faces: FaceSet; intensity: Float32Array } {
    const perEmotion = 30, n = perEmotion * 2, texels = UV_SIZE * UV_SIZE;
    const rng = createRng(11);
    const texture = new Int8Array(n * texels);
    const emotion = new Uint8Array(n), intensity = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const surprised = i >= perEmotion;
      emotion[i] = EMOTIONS.indexOf(surprised ? 'surprised' : 'neutral');
      intensity[i] = surprised ? 1 : 0;
      const row = 45.5 - (surprised ? up : 0);
      for (let v = 0; v < UV_SIZE; v++) for (let u = 0; u < UV_SIZE; u++) {
        texture[i * texels + v * UV_SIZE + u] = Math.round((-0.6 * Math.exp(-(((v - row) / 1.5) ** 2)) + 0.02 * (rng() - 0.5)) / TEXTURE_STEP);
      }
    }
    const faces = {
      n, mesh: new Float32Array(n * LANDMARK_COUNT * 3), emotion, part: new Uint8Array(n).fill(PART_FIT), source: new Uint8Array(n),
      person: new Int32Array(n).fill(-1), sources: [{ file: 'synthetic', faces: n, used: n, dropped: 0 }], texture,
    } as unknown as FaceSet;
    return { faces, intensity };
  }
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
