/**
 * What the crop shows where its square leaves the photo (a headshot that fills the frame): the
 * photo's edge, blurred more the farther it reaches. Next to the photo the fill continues its
 * edge; a few pixels out, its streaks have spread into the edge's broad colours. A mirror there
 * drew ghost copies of the eyes and glasses; a plain stretch of the edge drew hard streaks across
 * the whole pad.
 *
 * The fill runs on the crop at its output size, the same arithmetic in the command line and the
 * page, so both show the same pixels.
 *
 * Pure: pixels in, pixels out; no DOM, no I/O.
 */
import type { CropSquare } from './crop.ts';

/**
 * The photo's pixels in a size x size crop: columns x0..x1 - 1 and rows y0..y1 - 1, the crop's
 * pixels wholly inside the photo (crop pixels, x to the image's right, y down).
 */
export interface PhotoExtent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Where a width x height photo lies in the size x size crop of its square `sq`. */
export function photoExtentInCrop(sq: CropSquare, width: number, height: number, size: number): PhotoExtent {
  const k = size / sq.side;
  // A hair of slack: a photo edge that lands on a pixel boundary keeps that pixel.
  const inward = (v: number, up: boolean) => Math.min(size, Math.max(0, up ? Math.ceil(v - 1e-6) : Math.floor(v + 1e-6)));
  return {
    x0: inward(-sq.left * k, true),
    y0: inward(-sq.top * k, true),
    x1: inward((width - sq.left) * k, false),
    y1: inward((height - sq.top) * k, false),
  };
}

/** The blur added at each step away from the photo: a box of this radius (variance r(r + 1) / 3). */
function stepRadius(d: number): number {
  // Steps of variance about d / 2 add up to d^2 / 4: the edge spreads with a spread about d / 2.
  return Math.max(1, Math.round(Math.sqrt(1.5 * d)));
}

/**
 * Fills every pixel of the size x size RGBA crop outside `extent` (in place), line by line away
 * from the photo: each line is the line before it (first the photo's edge) under a box blur that
 * widens with the distance, so a line d pixels out is the edge blurred with a spread of about
 * d / 2, smooth (repeated boxes), with the edge's ends held. First the rows above and below the
 * photo, over its columns; then the columns left and right of it, over every row (the corners
 * spread from the rows just filled). Pixels inside the extent are untouched; filled pixels are
 * opaque.
 */
export function fillBeyondPhoto(data: Uint8ClampedArray | Uint8Array, size: number, extent: PhotoExtent): void {
  const { x0, y0, x1, y1 } = extent;
  if (data.length !== size * size * 4) throw new Error(`fillBeyondPhoto: ${data.length} bytes for a ${size} x ${size} RGBA crop`);
  if (!(x0 >= 0 && y0 >= 0 && x1 <= size && y1 <= size && x0 < x1 && y0 < y1)) {
    throw new Error(`fillBeyondPhoto: the photo's extent ${x0},${y0}..${x1},${y1} is empty or outside the ${size}-pixel crop`);
  }
  const line = new Float64Array(size * 3);
  const prefix = new Float64Array((size + 1) * 3);
  /**
   * From the edge line (pixels at(0..n - 1)) outwards: `count` lines, line d (1..count) written
   * to out(d, j), each the one before under a box of stepRadius(d), clamped to the line's ends.
   */
  const spread = (n: number, at: (j: number) => number, count: number, out: (d: number, j: number) => number) => {
    for (let j = 0; j < n; j++) for (let c = 0; c < 3; c++) line[j * 3 + c] = data[at(j) + c]!;
    for (let d = 1; d <= count; d++) {
      for (let j = 0; j < n; j++) for (let c = 0; c < 3; c++) prefix[(j + 1) * 3 + c] = prefix[j * 3 + c]! + line[j * 3 + c]!;
      const r = stepRadius(d);
      for (let j = 0; j < n; j++) {
        const a = Math.max(0, j - r), b = Math.min(n - 1, j + r), m = b - a + 1;
        const q = out(d, j);
        for (let c = 0; c < 3; c++) {
          const v = (prefix[(b + 1) * 3 + c]! - prefix[a * 3 + c]!) / m;
          line[j * 3 + c] = v;
          data[q + c] = Math.round(v);
        }
        data[q + 3] = 255;
      }
    }
  };
  const w = x1 - x0;
  // Rows above and below the photo, over its columns.
  spread(w, (j) => (y0 * size + x0 + j) * 4, y0, (d, j) => ((y0 - d) * size + x0 + j) * 4);
  spread(w, (j) => ((y1 - 1) * size + x0 + j) * 4, size - y1, (d, j) => ((y1 - 1 + d) * size + x0 + j) * 4);
  // Columns left and right of it, over every row.
  spread(size, (j) => (j * size + x0) * 4, x0, (d, j) => (j * size + x0 - d) * 4);
  spread(size, (j) => (j * size + x1 - 1) * 4, size - x1, (d, j) => (j * size + x1 - 1 + d) * 4);
}
