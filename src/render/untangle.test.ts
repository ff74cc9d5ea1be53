import { describe, expect, it } from 'vitest';
import { CANONICAL_POSITIONS, CANONICAL_TRIANGLES, LANDMARK_COUNT } from '../core/topology.ts';
import { signedAreas, untangleMesh, windingOf } from './untangle.ts';

/** A grid of n x n points, 10 units apart, two triangles per cell, all wound the same way. */
function grid(n: number): { xy: Float64Array; tris: number[] } {
  const xy = new Float64Array(n * n * 2), tris: number[] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) { xy[(j * n + i) * 2] = i * 10; xy[(j * n + i) * 2 + 1] = j * 10; }
  for (let j = 0; j + 1 < n; j++) for (let i = 0; i + 1 < n; i++) {
    const a = j * n + i, b = a + 1, c = a + n, d = c + 1;
    tris.push(a, b, d, a, d, c);
  }
  return { xy, tris };
}

/** The canonical face turned `deg` degrees about its vertical axis, projected (x, y) into pixels. */
function turnedFace(deg: number): Float64Array {
  const a = (deg * Math.PI) / 180;
  return Float64Array.from({ length: LANDMARK_COUNT * 2 }, (_, k) => {
    const i = k >> 1, x = CANONICAL_POSITIONS[i * 3]!, y = CANONICAL_POSITIONS[i * 3 + 1]!, z = CANONICAL_POSITIONS[i * 3 + 2]!;
    return k % 2 === 0 ? 128 + 12 * (x * Math.cos(a) + z * Math.sin(a)) : 120 - 12 * y;
  });
}

describe('untangleMesh', () => {
  it('leaves a mesh with no fold exactly as it was', () => {
    const { xy, tris } = grid(6);
    const r = untangleMesh(xy, tris);
    expect(r.flippedBefore).toBe(0);
    expect(r.flippedAfter).toBe(0);
    expect(Array.from(r.xy)).toEqual(Array.from(xy));
    expect(r.xy).not.toBe(xy);
  });

  it('flattens a fold: a column pushed past its neighbour ends with every triangle wound the same way, the far side untouched', () => {
    const n = 8, { xy, tris } = grid(n);
    // Column 4 folded back over column 3 (x 40 -> 25): the cells either side of it flip.
    for (let j = 0; j < n; j++) xy[(j * n + 4) * 2] = 25;
    const before = windingOf(signedAreas(xy, tris));
    expect(before.flipped).toBeGreaterThan(0);
    const r = untangleMesh(xy, tris);
    expect(r.flippedBefore).toBe(before.flipped);
    expect(r.flippedAfter).toBe(0);
    const areas = signedAreas(r.xy, tris);
    for (const a of areas) expect(a * before.sign).toBeGreaterThan(0);
    // Columns 0 and 1 are two cells from the fold and do not move.
    for (let j = 0; j < n; j++) for (const i of [0, 1]) {
      expect(r.xy[(j * n + i) * 2]).toBe(xy[(j * n + i) * 2]);
      expect(r.xy[(j * n + i) * 2 + 1]).toBe(xy[(j * n + i) * 2 + 1]);
    }
  });

  it('never moves a locked vertex, and reports a fold it could not flatten', () => {
    const n = 5, { xy, tris } = grid(n);
    for (let j = 0; j < n; j++) xy[(j * n + 2) * 2] = 5;
    const locked = new Set<number>(Array.from({ length: n * n }, (_, i) => i));
    const r = untangleMesh(xy, tris, { locked });
    expect(Array.from(r.xy)).toEqual(Array.from(xy));
    expect(r.flippedAfter).toBe(r.flippedBefore);
    expect(r.flippedAfter).toBeGreaterThan(0);
  });

  it('untangles the canonical face turned 20 and 40 degrees with small moves, the same every time', () => {
    for (const deg of [20, 40]) {
      const xy = turnedFace(deg);
      const r = untangleMesh(xy, CANONICAL_TRIANGLES);
      expect(r.flippedBefore).toBeGreaterThan(deg === 20 ? 20 : 100);
      expect(r.flippedAfter).toBe(0);
      let maxShift = 0;
      for (let i = 0; i < LANDMARK_COUNT; i++) maxShift = Math.max(maxShift, Math.hypot(r.xy[i * 2]! - xy[i * 2]!, r.xy[i * 2 + 1]! - xy[i * 2 + 1]!));
      // The face is about 170 px wide: the fold is flattened, not the face redrawn.
      expect(maxShift).toBeLessThan(deg === 20 ? 6 : 25);
      expect(Array.from(untangleMesh(xy, CANONICAL_TRIANGLES).xy)).toEqual(Array.from(r.xy));
    }
  });

  it('refuses triangles that do not come in threes', () => {
    expect(() => untangleMesh([0, 0, 1, 0, 0, 1], [0, 1])).toThrow(/threes/);
  });
});
