import { describe, expect, it } from 'vitest';
import { createExpressionFitter } from './expression-fit.ts';
import { AU_COUNT, codeFromEmotions, createExpressionRig } from './rig.ts';
import { createRng } from './rng.ts';
import { canonicalFace, LANDMARK_COUNT } from './topology.ts';

describe('expression fit (NNLS on the rig fields)', () => {
  const rig = createExpressionRig();
  const neutral = canonicalFace();

  it('recovers the code of a face the rig made', () => {
    const fitter = createExpressionFitter({ basis: rig.basis, reference: neutral, ridge: 1e-9, sweeps: 500 });
    for (const e of ['happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted', 'contempt'] as const) {
      const code = codeFromEmotions({ [e]: 1 }, 0.8);
      const { code: got, rms } = fitter.fit(rig.displace(neutral, code));
      for (let a = 0; a < AU_COUNT; a++) expect(got[a]!, `${e} AU ${a}`).toBeCloseTo(code[a]!, 2);
      expect(rms).toBeLessThan(1e-3);
    }
  });

  it('gives 0 for the reference itself and never a negative activation under noise', () => {
    const fitter = createExpressionFitter({ basis: rig.basis, reference: neutral });
    expect(Math.max(...fitter.fit(neutral).code)).toBe(0);
    const rng = createRng(5);
    const noisy = Float64Array.from(neutral, (v) => v + (rng() - 0.5) * 0.05);
    const { code } = fitter.fit(noisy);
    expect(Math.min(...code)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...code)).toBeLessThan(0.3);
  });

  it('ignores what an identity basis explains', () => {
    // Identity direction: a wider face (x scaled about the midline), normalised.
    const dir = new Float64Array(LANDMARK_COUNT * 3);
    for (let i = 0; i < LANDMARK_COUNT; i++) dir[i * 3] = neutral[i * 3]!;
    const norm = Math.hypot(...dir);
    for (let t = 0; t < dir.length; t++) dir[t] = dir[t]! / norm;
    const wide = Float64Array.from(neutral, (v, t) => v + 3 * dir[t]!);
    const code = codeFromEmotions({ happy: 1 }, 1);
    const face = rig.displace(wide, code);
    const plain = createExpressionFitter({ basis: rig.basis, reference: neutral }).fit(face);
    const withId = createExpressionFitter({ basis: rig.basis, reference: neutral, identity: { vectors: dir, count: 1 } }).fit(face);
    const err = (c: Float64Array) => Math.hypot(...Array.from(c, (v, a) => v - code[a]!));
    expect(withId.rms).toBeLessThan(plain.rms);
    expect(err(withId.code)).toBeLessThan(err(plain.code));
    expect(err(withId.code)).toBeLessThan(0.1);
  });
});
