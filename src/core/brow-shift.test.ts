import { describe, expect, it } from 'vitest';
import { BROW_BAND, browBandWeight, browColumns, browShiftField, browShiftProfile, canonicalCmPerV } from './brow-shift.ts';
import { CANONICAL_POSITIONS, CANONICAL_UVS } from './canonical-data.ts';

const S = 64;
const ones = new Float32Array(S * S).fill(1);
/** A neutral map with a dark brow band centred on row `row` (Gaussian across v, the same in every column) and a mild gradient. */
function neutralWithBrow(row = 16): Float64Array {
  const m = new Float64Array(S * S);
  for (let v = 0; v < S; v++) for (let u = 0; u < S; u++) m[v * S + u] = -0.5 * Math.exp(-(((v - row) / 1.6) ** 2)) + 0.002 * v;
  return m;
}
/** The detail of the neutral map moved down by shift(u) texels: N(v - s) - N(v), exactly (analytic band). */
function movedDetail(shift: (u: number) => number, row = 16): Float64Array {
  const n = neutralWithBrow(row);
  const moved = new Float64Array(S * S);
  for (let v = 0; v < S; v++) for (let u = 0; u < S; u++) {
    const s = shift(u);
    moved[v * S + u] = -0.5 * Math.exp(-(((v - s - row) / 1.6) ** 2)) + 0.002 * (v - s) - n[v * S + u]!;
  }
  return moved;
}
const [c0, c1] = browColumns(S);
const middle = Math.round((c0 + c1) / 2);

describe('browShiftProfile', () => {
  it('reads a known shift of the brow band, down and up, in the middle of each brow', () => {
    const n = neutralWithBrow();
    for (const s of [1.5, -1.2]) {
      const p = browShiftProfile(movedDetail(() => s), n, ones, S);
      expect(p[middle]).toBeCloseTo(s, 1);
      expect(p[S - 1 - middle]).toBeCloseTo(s, 1);
    }
  });

  it('reads nothing where the detail is zero, and nothing outside the brows', () => {
    const n = neutralWithBrow();
    expect(Array.from(browShiftProfile(new Float64Array(S * S), n, ones, S)).every((x) => x === 0)).toBe(true);
    const p = browShiftProfile(movedDetail(() => 2), n, ones, S);
    for (let u = 0; u < S; u++) if (u < c0 || u > S - 1 - c0 || (u > c1 && u < S - 1 - c1)) expect(p[u]).toBe(0);
  });

  it('is mirror-symmetric: a move of one brow only is shared by both, at half', () => {
    const n = neutralWithBrow();
    const p = browShiftProfile(movedDetail((u) => (u < S / 2 ? 2 : 0)), n, ones, S);
    for (let u = 0; u < S; u++) expect(p[u]).toBeCloseTo(p[S - 1 - u]!, 12);
    expect(p[middle]).toBeCloseTo(1, 1);
  });

  it('tapers to nothing between the brows', () => {
    const p = browShiftProfile(movedDetail(() => 1.5), neutralWithBrow(), ones, S);
    expect(p[c1]).toBe(0);
    expect(p[c1 - 1]).toBeCloseTo(p[c1 - 2]! / 2, 1);
  });

  it('reads only where the mask lets the detail show', () => {
    const n = neutralWithBrow();
    const masked = new Float32Array(S * S); // nothing shows: no shift is read
    expect(Array.from(browShiftProfile(movedDetail(() => 1.5), n, masked, S)).every((x) => x === 0)).toBe(true);
  });

  it('refuses maps of the wrong size', () => {
    expect(() => browShiftProfile(new Float64Array(10), new Float64Array(S * S), ones, S)).toThrow(/texels/);
  });
});

describe('browShiftField', () => {
  const cmPerV = canonicalCmPerV(CANONICAL_UVS, CANONICAL_POSITIONS);

  it('has the canonical face about 20 cm of y per unit of v, y up as v runs down', () => {
    expect(cmPerV).toBeLessThan(-15);
    expect(cmPerV).toBeGreaterThan(-25);
  });

  it('moves only the brow band, only in y, down for a shift down the map', () => {
    const profile = new Float64Array(S);
    for (let u = c0; u <= c1; u++) { profile[u] = 1; profile[S - 1 - u] = 1; }
    const field = browShiftField(profile, S, CANONICAL_UVS, cmPerV);
    let moved = 0;
    for (let i = 0; i < CANONICAL_UVS.length / 2; i++) {
      expect(field[i * 3]).toBe(0);
      expect(field[i * 3 + 2]).toBe(0);
      const v = CANONICAL_UVS[i * 2 + 1]!;
      if (v < BROW_BAND.fadeTop || v > BROW_BAND.fadeBottom) expect(field[i * 3 + 1]).toBe(0);
      if (field[i * 3 + 1] !== 0) { moved++; expect(field[i * 3 + 1]).toBeLessThan(0); }
    }
    expect(moved).toBeGreaterThan(10);
    // Mid-brow points (105: image-left brow's upper middle; 334: its mirror) move the full s / size x cmPerV.
    for (const i of [105, 334]) expect(field[i * 3 + 1]).toBeCloseTo((1 / S) * cmPerV * browBandWeight(CANONICAL_UVS[i * 2 + 1]!), 9);
    expect(browBandWeight(CANONICAL_UVS[105 * 2 + 1]!)).toBe(1);
  });

  it('leaves the eyes and lips where they are', () => {
    const profile = new Float64Array(S).fill(2);
    const field = browShiftField(profile, S, CANONICAL_UVS, cmPerV);
    for (const i of [159, 145, 386, 374, 13, 14, 61, 291]) expect(field[i * 3 + 1]).toBe(0);
  });
});
