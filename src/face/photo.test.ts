/**
 * preparePhoto on tightly framed headshots: the face fills the frame and runs past its edges, as in
 * a profile picture. Made from the Mona Lisa fixture: a square around her face, cut at the chin
 * and forehead, enlarged to 350x350 (a muxspace photo's size and framing). The mesh found there,
 * moved back into the painting, must land where the mesh found on the whole painting does.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropSquare, meshInPhoto, UNCERTAIN_FLIP } from './crop.ts';
import { photoExtentInCrop } from './fill.ts';
import { createHumanDetector } from './human-node.ts';
import { decodeImage, readImageFile } from './image.ts';
import { MIN_REFINE_SIZE, preparePhoto, type PreparedPhoto } from './photo.ts';
import type { FaceDetector, RasterImage } from './types.ts';

const MONA = path.resolve(import.meta.dirname, '../../test/fixtures/mona-lisa.jpg');
const SIZE = 512;

/** The prepared mesh in the pixels of the photo it was prepared from (x, y, z per landmark). */
function meshOnPhoto(p: PreparedPhoto, photo: RasterImage): Float64Array {
  return meshInPhoto(p.mesh, cropSquare(p.box, photo.width, photo.height), SIZE);
}

describe('preparePhoto on a headshot that fills the frame', () => {
  let detector: FaceDetector;
  let painting: RasterImage;
  let reference: Float64Array;
  let wholeFlip: number;

  beforeAll(async () => {
    detector = await createHumanDetector();
    painting = await readImageFile(MONA);
    const whole = await preparePhoto(painting, detector, SIZE);
    wholeFlip = whole.flipDiscrepancy;
    reference = meshOnPhoto(whole, painting);
  });
  afterAll(() => detector?.dispose());

  // Squares of the painting (left, top, side), around her face (about 190 x 220 px, nose tip near
  // 322, 313). Detected without a border, the first three were "no face found" and the last two
  // had their lips placed 50 to 60 px too high.
  const squares = [[237, 195, 170], [237, 235, 170], [227, 225, 190], [227, 205, 190], [217, 195, 210]] as const;

  it.each(squares)('finds her face in the square at (%i, %i), %i px, with its features in place', async (left, top, side) => {
    const bytes = await sharp(MONA).extract({ left, top, width: side, height: side }).resize(350, 350).jpeg({ quality: 92 }).toBuffer();
    const photo = await decodeImage(bytes);
    const prepared = await preparePhoto(photo, detector, SIZE);
    const mesh = meshOnPhoto(prepared, photo);
    const k = side / 350;
    let sum = 0;
    for (let i = 0; i < 468; i++) {
      sum += Math.hypot(mesh[i * 3]! * k + left - reference[i * 3]!, mesh[i * 3 + 1]! * k + top - reference[i * 3 + 1]!);
    }
    // Mean landmark distance, in painting pixels: under 5% of her face's height.
    expect(sum / 468).toBeLessThan(11);
    // The lips (landmark 13, the upper lip's inner middle) within 8 px of the whole painting's.
    expect(Math.abs(mesh[13 * 3 + 1]! * k + top - reference[13 * 3 + 1]!)).toBeLessThan(8);
    // Read the same way on the mirrored photo: no warning.
    expect(prepared.flipDiscrepancy).toBeLessThan(UNCERTAIN_FLIP);
    // The crop is made from the part of the box inside the photo.
    expect(prepared.box.x).toBeGreaterThanOrEqual(0);
    expect(prepared.box.y).toBeGreaterThanOrEqual(0);
    expect(prepared.box.x + prepared.box.width).toBeLessThanOrEqual(350);
    expect(prepared.box.y + prepared.box.height).toBeLessThanOrEqual(350);
  });

  it('fills the part of the square outside the photo from its edge, spread out (no mirrored eyes, no streaks)', async () => {
    const bytes = await sharp(MONA).extract({ left: 237, top: 235, width: 170, height: 170 }).resize(350, 350).jpeg({ quality: 92 }).toBuffer();
    const photo = await decodeImage(bytes);
    const prepared = await preparePhoto(photo, detector, SIZE);
    const sq = cropSquare(prepared.box, photo.width, photo.height);
    const e = photoExtentInCrop(sq, photo.width, photo.height, SIZE);
    // The square leaves the photo above her brows.
    expect(e.y0).toBeGreaterThan(40);
    const px = prepared.image.data;
    const lum = (x: number, y: number) => px[(y * SIZE + x) * 4]! + px[(y * SIZE + x) * 4 + 1]! + px[(y * SIZE + x) * 4 + 2]!;
    /** Mean absolute step between neighbouring pixels of row y, over the photo's columns. */
    const roughness = (y: number) => {
      let s = 0;
      for (let x = e.x0; x < e.x1 - 1; x++) s += Math.abs(lum(x + 1, y) - lum(x, y)) / 3;
      return s / (e.x1 - 1 - e.x0);
    };
    // The row next to the photo continues its top row; 30 rows out the streaks have spread out.
    let near = 0;
    for (let x = e.x0; x < e.x1; x++) near = Math.max(near, Math.abs(lum(x, e.y0 - 1) - lum(x, e.y0)) / 3);
    expect(near).toBeLessThan(40);
    expect(roughness(e.y0 - 30)).toBeLessThan(roughness(e.y0) / 4);
  });

  it('says when the mesh is uncertain: the painting turned 60 degrees is read differently in a mirror', async () => {
    expect(wholeFlip).toBeLessThan(0.05);
    const bytes = await sharp(MONA).extract({ left: 200, top: 150, width: 280, height: 320 }).rotate(60, { background: '#808080' }).jpeg({ quality: 92 }).toBuffer();
    const turned = await preparePhoto(await decodeImage(bytes), detector, SIZE);
    // Its mesh is drawn across her cheek (0.64 eye widths apart from the mirror's, seen here).
    expect(turned.flipDiscrepancy).toBeGreaterThan(UNCERTAIN_FLIP);
  });

  it('measures the mesh of a small output on a crop of MIN_REFINE_SIZE pixels', async () => {
    const small = await preparePhoto(painting, detector, 256);
    const full = await preparePhoto(painting, detector, MIN_REFINE_SIZE);
    expect(small.image.width).toBe(256);
    // The same detection on the same 512-pixel crop, scaled to the small crop's pixels.
    for (let i = 0; i < 468 * 3; i++) expect(small.mesh[i]).toBeCloseTo(full.mesh[i]! * (256 / MIN_REFINE_SIZE), 3);
  });
});
