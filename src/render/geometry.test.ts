import { describe, expect, it } from 'vitest';
import { MOUTH_EDGE_FEATHER, MOUTH_EDGE_MIN_PIXELS, mouthEdgeCoverage } from './geometry.ts';

describe('mouthEdgeCoverage', () => {
  it('is 0 at the lips and 1 from the feather width in, rising smoothly between', () => {
    const width = 120, feather = MOUTH_EDGE_FEATHER * width;
    expect(mouthEdgeCoverage(0, width)).toBe(0);
    expect(mouthEdgeCoverage(feather, width)).toBe(1);
    expect(mouthEdgeCoverage(3 * feather, width)).toBe(1);
    expect(mouthEdgeCoverage(feather / 2, width)).toBeCloseTo(0.5, 12);
    let last = 0;
    for (let e = 0; e <= feather; e += feather / 50) {
      const c = mouthEdgeCoverage(e, width);
      expect(c).toBeGreaterThanOrEqual(last);
      last = c;
    }
    // Smooth at both ends: the step from the lip is small.
    expect(mouthEdgeCoverage(feather / 50, width)).toBeLessThan(0.002);
  });

  it('scales with the mouth, and never sharper than its minimum width in pixels', () => {
    expect(mouthEdgeCoverage(3, 120)).toBeCloseTo(mouthEdgeCoverage(6, 240), 12);
    // A tiny mouth: the feather is MOUTH_EDGE_MIN_PIXELS, not a share of its width.
    expect(mouthEdgeCoverage(MOUTH_EDGE_MIN_PIXELS / 2, 4)).toBeCloseTo(0.5, 12);
    expect(mouthEdgeCoverage(MOUTH_EDGE_MIN_PIXELS, 0)).toBe(1);
  });

  it('is 0 outside the opening (a negative distance) and never NaN', () => {
    expect(mouthEdgeCoverage(-2, 100)).toBe(0);
    expect(mouthEdgeCoverage(Number.NaN, 100)).toBe(0);
    expect(mouthEdgeCoverage(MOUTH_EDGE_MIN_PIXELS, Number.NaN)).toBe(1);
  });
});
