import { describe, expect, it } from 'vitest';
import { EMOTIONS } from './emotions.ts';
import { featuresFromMesh } from './features.ts';
import { AU_COUNT, codeFromEmotions, createExpressionRig } from './rig.ts';
import { createRng } from './rng.ts';
import { canonicalFace, LIPS_INNER_LOWER, LIPS_INNER_UPPER } from './topology.ts';

const rig = createExpressionRig();
const neutral = canonicalFace();
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('expression rig', () => {
  it('is linear in the action-unit code', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 10; trial++) {
      const a = Float64Array.from({ length: AU_COUNT }, () => rng());
      const b = Float64Array.from({ length: AU_COUNT }, () => rng());
      const k = rng() * 2;
      const da = rig.displace(neutral, a).map((v, i) => v - neutral[i]!);
      const db = rig.displace(neutral, b).map((v, i) => v - neutral[i]!);
      const sum = Float64Array.from(a, (v, i) => k * v + b[i]!);
      const dsum = rig.displace(neutral, sum).map((v, i) => v - neutral[i]!);
      expect(maxAbsDiff(dsum, da.map((v, i) => k * v + db[i]!))).toBeLessThan(1e-9);
    }
  });

  it('intensity 0 is the neutral face for every emotion', () => {
    for (const e of EMOTIONS) {
      const code = codeFromEmotions({ [e]: 1 }, 0);
      expect(code.every((c) => c === 0)).toBe(true);
      expect(maxAbsDiff(rig.apply(neutral, code, 0, 0), neutral)).toBe(0);
    }
  });

  it('moves the face for every emotion, more at higher intensity', () => {
    for (const e of EMOTIONS.filter((x) => x !== 'neutral')) {
      const half = maxAbsDiff(rig.apply(neutral, codeFromEmotions({ [e]: 1 }, 0.5), 0, 0), neutral);
      const full = maxAbsDiff(rig.apply(neutral, codeFromEmotions({ [e]: 1 }, 1), 0, 0), neutral);
      expect(half, e).toBeGreaterThan(0.1); // centimetres on the canonical face
      expect(full, e).toBeGreaterThan(half * 1.5);
    }
  });

  it('moves features the way EMFACS says each emotion does', () => {
    const f = (e: (typeof EMOTIONS)[number]) => featuresFromMesh(neutral, rig.apply(neutral, codeFromEmotions({ [e]: 1 }, 1), 0, 0));
    expect(f('happy').mouthSmileLeft).toBeGreaterThan(0.5);
    expect(f('happy').cheekRaise).toBeGreaterThan(0.5);
    expect(f('sad').mouthSmileLeft).toBeLessThan(-0.3);
    expect(f('sad').browInnerUp).toBeGreaterThan(0.4);
    expect(f('surprised').jawOpen).toBeGreaterThan(0.4);
    expect(f('surprised').eyeOpenLeft).toBeGreaterThan(1.1);
    expect(f('angry').browDownLeft).toBeGreaterThan(0.6);
    expect(f('disgusted').noseWrinkle).toBeGreaterThan(0.5);
    const c = f('contempt');
    expect(c.mouthSmileLeft - c.mouthSmileRight).toBeGreaterThan(0.5); // unilateral
  });

  it('blends emotions as a weighted sum of prototypes, capped at full strength', () => {
    const blend = codeFromEmotions({ happy: 0.6, surprised: 0.4 }, 1);
    const h = codeFromEmotions({ happy: 1 }, 1), s = codeFromEmotions({ surprised: 1 }, 1);
    for (let i = 0; i < AU_COUNT; i++) expect(blend[i]).toBeCloseTo(0.6 * h[i]! + 0.4 * s[i]!, 12);
    const over = codeFromEmotions({ happy: 2, sad: 2 }, 1);
    const even = codeFromEmotions({ happy: 0.5, sad: 0.5 }, 1);
    expect(maxAbsDiff(over, even)).toBeLessThan(1e-12);
  });

  it('closes the eyes fully on a blink, whatever the expression', () => {
    for (const e of ['neutral', 'surprised', 'happy'] as const) {
      const m = rig.apply(neutral, codeFromEmotions({ [e]: 1 }, 1), 1, 1);
      const f = featuresFromMesh(neutral, m);
      expect(f.eyeOpenLeft, e).toBeLessThan(0.02);
      expect(f.eyeOpenRight, e).toBeLessThan(0.02);
    }
    const one = featuresFromMesh(neutral, rig.apply(neutral, new Float64Array(AU_COUNT), 1, 0));
    expect(one.eyeOpenRight).toBeLessThan(0.02);
    expect(one.eyeOpenLeft).toBeCloseTo(1, 6);
  });

  it('never pushes the lower lip through the upper lip', () => {
    // A face with its lips closed (gap 0), then lips pressed hard.
    const closed = Float64Array.from(neutral);
    for (let k = 1; k < LIPS_INNER_UPPER.length - 1; k++) {
      const u = LIPS_INNER_UPPER[k]!, l = LIPS_INNER_LOWER[k]!;
      const mid = (closed[u * 3 + 1]! + closed[l * 3 + 1]!) / 2;
      closed[u * 3 + 1] = mid; closed[l * 3 + 1] = mid;
    }
    const m = rig.apply(closed, codeFromEmotions({ angry: 1 }, 1), 0, 0);
    for (let k = 1; k < LIPS_INNER_UPPER.length - 1; k++) {
      expect(m[LIPS_INNER_UPPER[k]! * 3 + 1]! - m[LIPS_INNER_LOWER[k]! * 3 + 1]!).toBeGreaterThanOrEqual(-1e-9);
    }
  });
});
