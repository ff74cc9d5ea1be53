import { describe, expect, it } from 'vitest';
import { cropSquare } from './crop.ts';
import { fillBeyondPhoto, photoExtentInCrop, type PhotoExtent } from './fill.ts';

const SIZE = 96;

/** A crop whose photo part is vertical stripes 0/255 two pixels wide, red only; zeros elsewhere. */
function stripedCrop(e: PhotoExtent): Uint8ClampedArray {
  const d = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let y = e.y0; y < e.y1; y++) {
    for (let x = e.x0; x < e.x1; x++) {
      const p = (y * SIZE + x) * 4;
      d[p] = Math.floor(x / 2) % 2 ? 255 : 0;
      d[p + 1] = 100;
      d[p + 2] = 50;
      d[p + 3] = 255;
    }
  }
  return d;
}

const at = (d: Uint8ClampedArray, x: number, y: number, c: number) => d[(y * SIZE + x) * 4 + c]!;

describe('photoExtentInCrop', () => {
  it('gives the whole crop when the square lies inside the photo', () => {
    const sq = cropSquare({ x: 200, y: 200, width: 100, height: 100 }, 800, 800);
    expect(sq.pad).toEqual({ left: 0, top: 0, right: 0, bottom: 0 });
    expect(photoExtentInCrop(sq, 800, 800, SIZE)).toEqual({ x0: 0, y0: 0, x1: SIZE, y1: SIZE });
  });

  it('keeps only crop pixels wholly inside the photo where the square leaves it', () => {
    // A 300 x 300 photo, face box 10..290: the square (side 420 at most) leaves it on every side.
    const sq = cropSquare({ x: 10, y: 10, width: 280, height: 280 }, 300, 300);
    const e = photoExtentInCrop(sq, 300, 300, SIZE);
    const k = SIZE / sq.side;
    expect(e.x0).toBe(Math.ceil(sq.pad.left * k));
    expect(e.y0).toBe(Math.ceil(sq.pad.top * k));
    expect(e.x1).toBe(Math.floor((300 - sq.left) * k));
    expect(e.y1).toBe(Math.floor((300 - sq.top) * k));
    expect(e.x0).toBeGreaterThan(0);
    expect(e.y1).toBeLessThan(SIZE);
  });
});

describe('fillBeyondPhoto', () => {
  const e: PhotoExtent = { x0: 20, y0: 30, x1: 80, y1: 70 };

  it('leaves the photo\'s pixels untouched and fills every other pixel, opaque', () => {
    const d = stripedCrop(e);
    const before = d.slice();
    fillBeyondPhoto(d, SIZE, e);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const inside = x >= e.x0 && x < e.x1 && y >= e.y0 && y < e.y1;
        for (let c = 0; c < 4; c++) {
          if (inside) expect(at(d, x, y, c)).toBe(before[(y * SIZE + x) * 4 + c]);
        }
        if (!inside) {
          expect(at(d, x, y, 3)).toBe(255);
          // Green and blue are constant along the photo's edges: the fill keeps them exactly.
          expect(at(d, x, y, 1)).toBe(100);
          expect(at(d, x, y, 2)).toBe(50);
        }
      }
    }
  });

  it('continues the edge next to the photo and spreads its streaks out farther away', () => {
    const d = stripedCrop(e);
    fillBeyondPhoto(d, SIZE, e);
    // The row just above the photo: the edge row under a 3-pixel box, so the stripes still show.
    let near = 0;
    for (let x = e.x0 + 2; x < e.x1 - 2; x++) near = Math.max(near, Math.abs(at(d, x, e.y0 - 1, 0) - at(d, x + 1, e.y0 - 1, 0)));
    expect(near).toBeGreaterThan(60);
    // 25 rows above it: spread over about 12 pixels either way, near the stripes' mean (a plain
    // stretch is 127.5 off everywhere).
    for (let x = e.x0; x < e.x1; x++) expect(Math.abs(at(d, x, e.y0 - 25, 0) - 127.5)).toBeLessThan(16);
    // 5 pixels left of the photo (boxes of radius 1, 2, 2, 2, 3 in turn: 10 pixels either way),
    // beside rows whose reach stays on its edge column (one stripe, constant): that stripe exactly.
    for (let y = e.y0 + 10; y < e.y1 - 10; y++) expect(at(d, e.x0 - 5, y, 0)).toBe(at(d, e.x0, y, 0));
  });

  it('fills a corner from the rows filled beside it', () => {
    const d = stripedCrop(e);
    fillBeyondPhoto(d, SIZE, e);
    // Top-left corner, 15 pixels out both ways: between the stripe values, spread.
    const v = at(d, e.x0 - 15, e.y0 - 15, 0);
    expect(v).toBeGreaterThan(40);
    expect(v).toBeLessThan(215);
  });

  it('is the identity when the photo covers the crop, and refuses an empty or foreign extent', () => {
    const full = { x0: 0, y0: 0, x1: SIZE, y1: SIZE };
    const d = stripedCrop(full);
    const before = d.slice();
    fillBeyondPhoto(d, SIZE, full);
    expect(d).toEqual(before);
    expect(() => fillBeyondPhoto(d, SIZE, { x0: 10, y0: 10, x1: 10, y1: 20 })).toThrow(/empty/);
    expect(() => fillBeyondPhoto(d, SIZE, { x0: 0, y0: 0, x1: SIZE + 1, y1: SIZE })).toThrow(/outside/);
    expect(() => fillBeyondPhoto(new Uint8ClampedArray(10), SIZE, full)).toThrow(/bytes/);
  });

  it('gives the same pixels every time', () => {
    const a = stripedCrop(e), b = stripedCrop(e);
    fillBeyondPhoto(a, SIZE, e);
    fillBeyondPhoto(b, SIZE, e);
    expect(a).toEqual(b);
  });
});
