import { describe, expect, it } from 'vitest';
import { BROW_BAND, browBandWeight, browColumns, browShiftField, browShiftProfile, canonicalCmPerV, resampleProfile, unshiftMap, UPPER_LID_BAND } from './brow-shift.ts';
import { LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER } from './topology.ts';
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

describe('the upper-lid band', () => {
  const L = 128;
  const lidOnes = new Float32Array(L * L).fill(1);
  const lidBand = { band: UPPER_LID_BAND };
  /** A 128 map with a dark lash line at row `row` (Gaussian across v) and, under it, a darker iris disc's rows in the iris columns. */
  const lidMap = (shift: (u: number) => number, row = 45.5) => {
    const m = new Float64Array(L * L);
    for (let v = 0; v < L; v++) for (let u = 0; u < L; u++) m[v * L + u] = -0.6 * Math.exp(-(((v - shift(u) - row) / 1.4) ** 2)) + 0.003 * v;
    return m;
  };
  const detailOf = (shift: (u: number) => number) => { const n = lidMap(() => 0), d = lidMap(shift); return { n, d: d.map((x, k) => x - n[k]!) }; };
  const [l0, l1] = browColumns(L, UPPER_LID_BAND);
  const b0 = Math.round(UPPER_LID_BAND.bridge!.from * L), b1 = Math.round(UPPER_LID_BAND.bridge!.to * L) - 1;

  it('spans the image-left eye between its corners, and its bridge lies inside', () => {
    const uOf = (i: number) => CANONICAL_UVS[i * 2]! * L;
    expect(l0).toBeGreaterThan(uOf(33) - 0.5);
    expect(l1).toBeLessThan(uOf(133) - 0.5);
    expect(b0).toBeGreaterThan(l0);
    expect(b1).toBeLessThan(l1);
  });

  it('reads a lid moved up as a negative shift, the same on both eyes, bridged over the iris', () => {
    const { n, d } = detailOf(() => -1.2);
    const p = browShiftProfile(d, n, lidOnes, L, lidBand);
    for (const u of [l0 + 2, b0 - 1, b1 + 1, l1 - 2]) { expect(p[u]).toBeCloseTo(-1.2, 1); expect(p[L - 1 - u]).toBeCloseTo(p[u]!, 12); }
    for (let u = b0; u <= b1; u++) expect(p[u]).toBeCloseTo(-1.2, 1);
    expect(p[l0]).toBeCloseTo(p[l0 + 1]! / 2, 1);
    expect(p[l1]).toBeCloseTo(p[l1 - 1]! / 2, 1);
    for (let u = 0; u < L; u++) if (u < l0 || (u > l1 && u < L - 1 - l1) || u > L - 1 - l0) expect(p[u]).toBe(0);
  });

  it('does not read the iris columns themselves: a move there alone is not taken', () => {
    const { n, d } = detailOf((u) => (u >= b0 && u <= b1) || (u >= L - 1 - b1 && u <= L - 1 - b0) ? 2 : 0);
    const p = browShiftProfile(d, n, lidOnes, L, lidBand);
    for (let u = b0 - 3; u <= b1 + 3; u++) expect(Math.abs(p[u]!)).toBeLessThan(0.05);
  });

  it('moves the upper lids up for a shift up the map, and never the lower lids or the eyes\' corners', () => {
    const cmPerV = canonicalCmPerV(CANONICAL_UVS, CANONICAL_POSITIONS);
    const profile = new Float64Array(L);
    for (let u = l0; u <= l1; u++) { profile[u] = -1.5; profile[L - 1 - u] = -1.5; }
    const field = browShiftField(profile, L, CANONICAL_UVS, cmPerV, UPPER_LID_BAND);
    for (const i of [159, 386]) expect(field[i * 3 + 1]).toBeCloseTo((-1.5 / L) * cmPerV, 9);
    expect(field[159 * 3 + 1]).toBeGreaterThan(0);
    const corners = new Set([RIGHT_EYE_UPPER[0], RIGHT_EYE_UPPER.at(-1), LEFT_EYE_UPPER[0], LEFT_EYE_UPPER.at(-1)]);
    for (const i of [...RIGHT_EYE_LOWER, ...LEFT_EYE_LOWER]) expect(Math.abs(field[i * 3 + 1]!)).toBe(0);
    for (const i of corners) expect(Math.abs(field[i! * 3 + 1]!)).toBe(0);
    for (const i of [...RIGHT_EYE_UPPER, ...LEFT_EYE_UPPER]) if (!corners.has(i)) expect(field[i * 3 + 1]).toBeGreaterThan(0);
    for (const i of [13, 14, 61, 291, 105, 334]) expect(Math.abs(field[i * 3 + 1]!)).toBe(0);
  });
});

describe('unshiftMap', () => {
  /** The face's own map: the neutral map moved down by s (what a mesh that stayed unwraps), as float32. */
  const movedFace = (s: number) => {
    const n = neutralWithBrow(), d = movedDetail(() => s);
    return Float32Array.from(n, (x, t) => x + d[t]!);
  };
  const fullRows: number[] = [];
  for (let v = 0; v < S; v++) if (browBandWeight((v + 0.5) / S) === 1) fullRows.push(v);

  it('puts the band back where a mesh moved by the profile has it: the moved brow reads as the neutral one, and no shift is left to read', () => {
    const n = neutralWithBrow();
    for (const s of [1.4, -1.2]) {
      const face = movedFace(s);
      const before = Math.max(...fullRows.map((v) => Math.abs(face[v * S + middle]! - n[v * S + middle]!)));
      unshiftMap(face, null, S, new Float64Array(S).fill(s), 1);
      const after = Math.max(...fullRows.map((v) => Math.abs(face[v * S + middle]! - n[v * S + middle]!)));
      expect(before).toBeGreaterThan(0.2);
      expect(after).toBeLessThan(0.15 * before);
      const left = browShiftProfile(Float64Array.from(face, (x, t) => x - n[t]!), n, ones, S);
      expect(Math.abs(left[middle]!)).toBeLessThan(0.2);
      expect(Math.abs(left[S - 1 - middle]!)).toBeLessThan(0.2);
    }
  });

  it('scales with the amount: half the amount takes half the shift out', () => {
    const n = neutralWithBrow();
    const face = movedFace(2);
    unshiftMap(face, null, S, new Float64Array(S).fill(2), 0.5);
    const p = browShiftProfile(Float64Array.from(face, (x, t) => x - n[t]!), n, ones, S);
    expect(p[middle]).toBeCloseTo(1, 0);
  });

  it('leaves columns with no shift, rows outside the band and uncovered texels as they were', () => {
    const face = movedFace(1.5), copy = Float32Array.from(face);
    const profile = new Float64Array(S);
    profile[middle] = 1.5;
    const cover = new Uint8Array(S * S).fill(1);
    cover[16 * S + middle] = 0;
    cover[14 * S + middle] = 0; // read from by row 13 (13 + 1.5 = 14.5): row 13 stays too, and row 15 reads row 16
    unshiftMap(face, cover, S, profile, 1);
    for (let v = 0; v < S; v++) for (let u = 0; u < S; u++) {
      const t = v * S + u;
      if (u !== middle || browBandWeight((v + 0.5) / S) === 0 || v === 16 || v === 14 || v === 13) expect(face[t]).toBe(copy[t]);
    }
    expect(face[18 * S + middle]).not.toBe(copy[18 * S + middle]); // reads rows 19 and 20, both covered
  });

  it('refuses maps or profiles of the wrong size', () => {
    expect(() => unshiftMap(new Float32Array(10), null, S, new Float64Array(S), 1)).toThrow(/texels/);
    expect(() => unshiftMap(new Float32Array(S * S), null, S, new Float64Array(S / 2), 1)).toThrow(/columns/);
    expect(() => unshiftMap(new Float32Array(S * S), null, S, new Float64Array(S), Number.NaN)).toThrow(/finite/);
  });
});

describe('resampleProfile', () => {
  it('averages the columns a coarser map covers and rescales the shift to its texels', () => {
    const p = Float64Array.from({ length: 128 }, (_, u) => (u === 40 ? 2 : u === 41 ? 1 : 0));
    const q = resampleProfile(p, 128, 64);
    expect(q).toHaveLength(64);
    expect(q[20]).toBeCloseTo(0.75, 10); // (2 + 1) / 2 columns, halved texels
    expect(q.reduce((a, x) => a + Math.abs(x), 0)).toBeCloseTo(0.75, 10);
    expect(Array.from(resampleProfile(q, 64, 64))).toEqual(Array.from(q));
    expect(() => resampleProfile(p, 64, 32)).toThrow(/columns/);
    expect(() => resampleProfile(p, 128, 48)).toThrow(/divide/);
  });
});
