import { describe, expect, it } from 'vitest';
import { warpTriangles } from './cpu-warp.ts';

function pattern(w: number, h: number): Uint8ClampedArray {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 4;
    d[o] = (x * 7) % 256; d[o + 1] = (y * 5) % 256; d[o + 2] = ((x + y) * 3) % 256; d[o + 3] = 255;
  }
  return d;
}

describe('warpTriangles', () => {
  const w = 64, h = 48;
  const quad = Float32Array.from([0, 0, w, 0, w, h, 0, h]);
  const tris = Uint16Array.from([0, 1, 2, 0, 2, 3]);

  it('reproduces the image exactly under the identity warp', () => {
    const src = { data: pattern(w, h), width: w, height: h };
    const dst = { data: new Uint8ClampedArray(w * h * 4), width: w, height: h };
    warpTriangles(src, dst, quad, quad, tris);
    expect(Buffer.from(dst.data).equals(Buffer.from(src.data))).toBe(true);
  });

  it('moves content by a translation of the target', () => {
    const src = { data: pattern(w, h), width: w, height: h };
    const dst = { data: new Uint8ClampedArray(w * h * 4), width: w, height: h };
    const shifted = quad.map((v, i) => (i % 2 === 0 ? v + 5 : v));
    warpTriangles(src, dst, quad, shifted, tris);
    for (const [x, y] of [[10, 10], [40, 30], [60, 5]] as const) {
      const o = (y * w + x) * 4, s = (y * w + (x - 5)) * 4;
      expect(dst.data[o]).toBe(src.data[s]);
      expect(dst.data[o + 1]).toBe(src.data[s + 1]);
    }
    // Pixels left of the moved quad are untouched.
    expect(dst.data[(10 * w + 2) * 4 + 3]).toBe(0);
  });

  it('skips degenerate triangles', () => {
    const src = { data: pattern(w, h), width: w, height: h };
    const dst = { data: new Uint8ClampedArray(w * h * 4), width: w, height: h };
    warpTriangles(src, dst, quad, Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1]), tris);
    expect(dst.data.every((v) => v === 0)).toBe(true);
  });
});
