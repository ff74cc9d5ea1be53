import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { NEUTRAL_FEATURES, type FaceFeatures } from '../core/features.ts';
import { renderCharacterRGBA } from './character-node.ts';
import { sanitiseFeatures } from './character.ts';

const GOLDEN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Full-intensity feature targets per emotion (the lead's rig values). */
const FULL: Record<string, Partial<FaceFeatures>> = {
  happy: { mouthSmileLeft: 0.9, mouthSmileRight: 0.9, cheekRaise: 0.8, eyeOpenLeft: 0.75, eyeOpenRight: 0.75, mouthStretch: 0.3, jawOpen: 0.15 },
  sad: { browInnerUp: 0.9, mouthSmileLeft: -0.7, mouthSmileRight: -0.7, eyeOpenLeft: 0.8, eyeOpenRight: 0.8, lipPress: 0.2 },
  surprised: { browInnerUp: 1, browOuterUpLeft: 1, browOuterUpRight: 1, eyeOpenLeft: 1.5, eyeOpenRight: 1.5, jawOpen: 0.8 },
  angry: { browDownLeft: 1, browDownRight: 1, eyeOpenLeft: 0.85, eyeOpenRight: 0.85, lipPress: 0.9, mouthSmileLeft: -0.2, mouthSmileRight: -0.2 },
  fearful: {
    browInnerUp: 0.9, browOuterUpLeft: 0.5, browOuterUpRight: 0.5, browDownLeft: 0.4, browDownRight: 0.4,
    eyeOpenLeft: 1.4, eyeOpenRight: 1.4, mouthStretch: 0.8, jawOpen: 0.4,
  },
  disgusted: {
    noseWrinkle: 1, upperLipRaise: 0.9, mouthSmileLeft: -0.5, mouthSmileRight: -0.5, browDownLeft: 0.4, browDownRight: 0.4,
    cheekRaise: 0.4, eyeOpenLeft: 0.8, eyeOpenRight: 0.8,
  },
  contempt: { mouthSmileLeft: 0.7, mouthSmileRight: 0, lipPress: 0.3 },
};
const KEYS = Object.keys(NEUTRAL_FEATURES) as (keyof FaceFeatures)[];

/** Neutral blended towards an emotion's full-intensity features by t. */
function emotion(name: string, t: number): FaceFeatures {
  const out: FaceFeatures = { ...NEUTRAL_FEATURES };
  const target = FULL[name] ?? {};
  for (const k of KEYS) {
    const v = target[k];
    if (v !== undefined) out[k] = NEUTRAL_FEATURES[k] + (v - NEUTRAL_FEATURES[k]) * t;
  }
  return out;
}

const BLINK: FaceFeatures = { ...NEUTRAL_FEATURES, eyeOpenLeft: 0, eyeOpenRight: 0 };

/** Mean absolute channel difference (0..255 units) over a region given in fractions of the size. */
function meanDiff(a: Uint8ClampedArray, b: Uint8ClampedArray, size: number, region = { x0: 0, y0: 0, x1: 1, y1: 1 }): number {
  const xs = Math.floor(region.x0 * size);
  const xe = Math.ceil(region.x1 * size);
  const ys = Math.floor(region.y0 * size);
  const ye = Math.ceil(region.y1 * size);
  let sum = 0;
  let n = 0;
  for (let y = ys; y < ye; y++) {
    for (let x = xs; x < xe; x++) {
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(a[i + c]! - b[i + c]!);
      n += 3;
    }
  }
  return sum / n;
}

/** Fraction of pixels whose largest channel difference exceeds `threshold`. */
function fractionOver(a: Uint8ClampedArray, b: Uint8ClampedArray, threshold: number): number {
  let over = 0;
  const pixels = a.length / 4;
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.max(Math.abs(a[i]! - b[i]!), Math.abs(a[i + 1]! - b[i + 1]!), Math.abs(a[i + 2]! - b[i + 2]!), Math.abs(a[i + 3]! - b[i + 3]!));
    if (d > threshold) over++;
  }
  return over / pixels;
}

const FACE_REGION = { x0: 0.18, y0: 0.28, x1: 0.82, y1: 0.9 };

describe('EmoteBot character golden images', () => {
  const SIZE = 256;
  const cases: [string, FaceFeatures][] = [
    ['neutral', { ...NEUTRAL_FEATURES }],
    ['happy', emotion('happy', 1)],
    ['angry-half', emotion('angry', 0.5)],
    ['blink', BLINK],
  ];
  for (const [name, features] of cases) {
    it(`matches test/golden/character-${name}.png`, async () => {
      const rgba = renderCharacterRGBA(features, SIZE);
      expect(rgba.length).toBe(SIZE * SIZE * 4);
      const file = resolve(GOLDEN_DIR, `character-${name}.png`);
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) throw new Error(`missing golden ${file}; run with UPDATE_GOLDEN=1 to create it`);
        mkdirSync(GOLDEN_DIR, { recursive: true });
        await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: SIZE, height: SIZE, channels: 4 } })
          .png({ compressionLevel: 9 })
          .toFile(file);
        return;
      }
      const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(SIZE);
      expect(info.height).toBe(SIZE);
      const golden = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
      expect(meanDiff(rgba, golden, SIZE)).toBeLessThan(0.5);
      expect(fractionOver(rgba, golden, 16)).toBeLessThan(0.005);
    });
  }
});

describe('EmoteBot character properties', () => {
  const SIZE = 128;
  const neutral = renderCharacterRGBA({ ...NEUTRAL_FEATURES }, SIZE);

  it('renders an opaque image', () => {
    for (let i = 3; i < neutral.length; i += 4) expect(neutral[i]).toBe(255);
  });

  it('is deterministic', () => {
    for (const f of [NEUTRAL_FEATURES, emotion('happy', 0.7), emotion('fearful', 1), BLINK]) {
      const a = renderCharacterRGBA(f, SIZE);
      const b = renderCharacterRGBA(f, SIZE);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }
  });

  it('every emotion visibly differs from neutral in the face region, even at half intensity', () => {
    for (const name of [...Object.keys(FULL), 'blink']) {
      for (const t of [0.5, 1]) {
        const f = name === 'blink' ? BLINK : emotion(name, t);
        const d = meanDiff(renderCharacterRGBA(f, SIZE), neutral, SIZE, FACE_REGION);
        expect(d, `${name} at ${t}`).toBeGreaterThan(t === 1 ? 4 : 2);
      }
    }
  });

  it('the emotions are distinguishable from each other', () => {
    const names = Object.keys(FULL);
    const imgs = names.map((n) => renderCharacterRGBA(emotion(n, 1), SIZE));
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        expect(meanDiff(imgs[i]!, imgs[j]!, SIZE, FACE_REGION), `${names[i]} vs ${names[j]}`).toBeGreaterThan(3);
      }
    }
  });

  it('is continuous: a tiny change in any feature gives a nearly identical image', () => {
    const eps = 1e-4;
    for (const base of [NEUTRAL_FEATURES, emotion('happy', 0.5), emotion('sad', 1), emotion('contempt', 1), emotion('fearful', 0.6), emotion('angry', 0.5), emotion('disgusted', 1), emotion('surprised', 1), BLINK]) {
      const a = renderCharacterRGBA(base, SIZE);
      for (const k of KEYS) {
        const b = renderCharacterRGBA({ ...base, [k]: base[k] + eps }, SIZE);
        // Anti-aliasing quantises coverage, so a few edge pixels may flicker a little and a
        // rotation switches rasteriser paths (±1 everywhere); a real pop changes many pixels a lot.
        expect(meanDiff(a, b, SIZE), `${k}`).toBeLessThan(0.25);
        expect(fractionOver(a, b, 64), `${k}`).toBeLessThan(0.0005);
        expect(fractionOver(a, b, 96), `${k}`).toBeLessThan(0.0002);
      }
    }
  });

  it('has no pops along a neutral-to-emotion sweep', () => {
    const steps = 24;
    for (const name of Object.keys(FULL)) {
      const diffs: number[] = [];
      let prev = renderCharacterRGBA(emotion(name, 0), SIZE);
      for (let s = 1; s <= steps; s++) {
        const cur = renderCharacterRGBA(emotion(name, s / steps), SIZE);
        diffs.push(meanDiff(prev, cur, SIZE));
        prev = cur;
      }
      const mean = diffs.reduce((x, y) => x + y, 0) / diffs.length;
      // Each step changes the picture by a similar small amount: no single step jumps.
      for (const d of diffs) expect(d, name).toBeLessThan(Math.max(3 * mean, 0.3));
    }
  });

  it('treats NaN and missing features as neutral and does not crash', () => {
    const allNaN = Object.fromEntries(KEYS.map((k) => [k, Number.NaN])) as unknown as FaceFeatures;
    const img = renderCharacterRGBA(allNaN, SIZE);
    expect(Buffer.from(img).equals(Buffer.from(neutral))).toBe(true);

    const partial = { ...emotion('happy', 1), jawOpen: Number.NaN, gazeX: Number.POSITIVE_INFINITY };
    const expected = renderCharacterRGBA({ ...emotion('happy', 1), jawOpen: 0, gazeX: 0 }, SIZE);
    expect(Buffer.from(renderCharacterRGBA(partial, SIZE)).equals(Buffer.from(expected))).toBe(true);

    expect(() => renderCharacterRGBA({} as FaceFeatures, SIZE)).not.toThrow();
  });

  it('clamps out-of-range values instead of breaking', () => {
    const wild = Object.fromEntries(KEYS.map((k) => [k, 50])) as unknown as FaceFeatures;
    const s = sanitiseFeatures(wild);
    for (const k of KEYS) expect(Number.isFinite(s[k])).toBe(true);
    expect(() => renderCharacterRGBA(wild, SIZE)).not.toThrow();
    const negative = Object.fromEntries(KEYS.map((k) => [k, -50])) as unknown as FaceFeatures;
    expect(() => renderCharacterRGBA(negative, SIZE)).not.toThrow();
  });
});
