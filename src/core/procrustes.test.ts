import { describe, expect, it } from 'vitest';
import { eulerToMat3 } from './linalg.ts';
import { applySimilarity, fitSimilarity, invertSimilarityApply, rmsDistance } from './procrustes.ts';
import { createRng } from './rng.ts';
import { canonicalFace, STABLE_POINTS } from './topology.ts';

describe('fitSimilarity', () => {
  it('recovers a known scale, rotation and translation exactly', () => {
    const rng = createRng(7);
    const a = canonicalFace();
    for (let trial = 0; trial < 20; trial++) {
      const truth = {
        scale: 0.5 + rng() * 30,
        rotation: eulerToMat3((rng() - 0.5) * 2, (rng() - 0.5) * 2, (rng() - 0.5) * 6),
        translation: [rng() * 500, rng() * 500, rng() * 50] as [number, number, number],
      };
      const b = applySimilarity(truth, a);
      const fit = fitSimilarity(a, b);
      expect(fit.scale).toBeCloseTo(truth.scale, 8);
      for (let k = 0; k < 9; k++) expect(fit.rotation[k]).toBeCloseTo(truth.rotation[k]!, 8);
      expect(rmsDistance(applySimilarity(fit, a), b)).toBeLessThan(1e-8 * truth.scale);
      // The inverse maps the image back onto the canonical face.
      expect(rmsDistance(invertSimilarityApply(fit, b), a)).toBeLessThan(1e-8);
    }
  });

  it('returns a proper rotation (det +1), even for a mirrored target', () => {
    const a = canonicalFace();
    const b = a.map((v, i) => (i % 3 === 0 ? -v : v));
    const { rotation: r } = fitSimilarity(a, b);
    const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
    expect(det).toBeCloseTo(1, 9);
  });

  it('ignores points outside the chosen subset', () => {
    const a = canonicalFace();
    const truth = { scale: 12, rotation: eulerToMat3(0.2, -0.1, 0.3), translation: [100, 200, 0] as [number, number, number] };
    const b = applySimilarity(truth, a);
    // Move the jaw a lot: stable points must still give the exact transform.
    for (let i = 0; i < 468; i++) if (!(STABLE_POINTS as readonly number[]).includes(i)) b[i * 3 + 1] = b[i * 3 + 1]! + 40;
    const fit = fitSimilarity(a, b, STABLE_POINTS);
    expect(fit.scale).toBeCloseTo(12, 8);
  });

  it('rejects degenerate input', () => {
    expect(() => fitSimilarity(new Float64Array(9), new Float64Array(9))).toThrow(/degenerate/);
    expect(() => fitSimilarity(new Float64Array(6), new Float64Array(6))).toThrow(/at least 3/);
  });
});
