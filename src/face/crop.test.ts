import { describe, expect, it } from 'vitest';
import { chooseFace, CROP_FACTOR, cropSquare, fillsFrame, flipDiscrepancy, meshInPhoto, meshIntoCrop, MIN_CROP_FACTOR, needsBorder, UNCERTAIN_FLIP, uncertainMeshNote } from './crop.ts';

describe('cropSquare', () => {
  it('is CROP_FACTOR times the face when the photo has room, centred a little above the box centre', () => {
    const sq = cropSquare({ x: 300, y: 300, width: 200, height: 240 }, 2000, 1500);
    expect(sq.side).toBe(Math.round(CROP_FACTOR * 240));
    expect(sq.left + sq.side / 2).toBeCloseTo(400, 0);
    expect(sq.top + sq.side / 2).toBeCloseTo(300 + 0.42 * 240, 0);
    expect(sq.pad).toEqual({ left: 0, top: 0, right: 0, bottom: 0 });
  });

  it('shrinks and shifts for a tightly framed portrait instead of padding it', () => {
    // A 350x350 photo whose face fills most of it (as in muxspace).
    const box = { x: 40, y: 30, width: 270, height: 290 };
    const sq = cropSquare(box, 350, 350);
    expect(sq.side).toBe(Math.round(MIN_CROP_FACTOR * 290));
    // Padding only where even the smallest crop leaves the photo, and the face stays inside the square.
    expect(sq.pad.left + sq.pad.right).toBe(sq.side - 350);
    expect(sq.left).toBeLessThanOrEqual(box.x);
    expect(sq.left + sq.side).toBeGreaterThanOrEqual(box.x + box.width);
    expect(sq.top).toBeLessThanOrEqual(box.y);
    expect(sq.top + sq.side).toBeGreaterThanOrEqual(box.y + box.height);
  });

  it('stays inside the photo when it fits, even for a face at the edge', () => {
    const box = { x: 0, y: 10, width: 100, height: 100 };
    const sq = cropSquare(box, 400, 300);
    expect(sq.side).toBe(210);
    expect(sq.left).toBe(0);
    expect(sq.pad).toEqual({ left: 0, top: 0, right: 0, bottom: 0 });
    expect(sq.top + sq.side).toBeGreaterThanOrEqual(110);
  });
});

describe('fillsFrame and chooseFace', () => {
  const face = (x: number, y: number, width: number, height: number) => ({ box: { x, y, width, height }, score: 1, mesh: new Float32Array(468 * 3) });

  it('counts a face as filling the frame when its box comes within 5% of its size of an edge', () => {
    expect(fillsFrame({ x: 100, y: 100, width: 200, height: 200 }, 600, 600)).toBe(false);
    // A box ending one pixel inside the right edge (as the detector gives for a face cut by it).
    expect(fillsFrame({ x: 90, y: 15, width: 259, height: 292 }, 350, 350)).toBe(true);
    expect(fillsFrame({ x: 100, y: 9, width: 200, height: 200 }, 600, 600)).toBe(true);
    expect(fillsFrame({ x: 100, y: 11, width: 200, height: 200 }, 600, 600)).toBe(false);
    expect(fillsFrame({ x: -40, y: 100, width: 200, height: 200 }, 600, 600)).toBe(true);
  });

  it('asks for a border when the first detection found no face or one that fills the frame', () => {
    expect(needsBorder([], 1, 350, 350)).toBe(true);
    // Found on the photo scaled by 0.5: the box is 200..600 of an 800 px photo, or 0..400 when it starts at 0.
    expect(needsBorder([face(100, 100, 200, 200)], 0.5, 800, 800)).toBe(false);
    expect(needsBorder([face(0, 100, 200, 200)], 0.5, 800, 800)).toBe(true);
  });

  it('clips a box that reaches past the photo to the photo, and leaves others as found', () => {
    expect(chooseFace([face(-45, -64, 483, 501)], 1, 350, 350).box).toEqual({ x: 0, y: 0, width: 350, height: 350 });
    expect(chooseFace([face(100, 50, 200, 220)], 0.5, 800, 800).box).toEqual({ x: 200, y: 100, width: 400, height: 440 });
    expect(() => chooseFace([], 1, 350, 350)).toThrow(/no face found/);
    expect(() => chooseFace([face(0, 0, 30, 30)], 1, 350, 350)).toThrow(/too small/);
  });
});

/** A face-like mesh: 468 points on a 10 x 47 grid, outer eye corners (33, 263) 100 px apart. */
function gridMesh(): Float64Array {
  const m = new Float64Array(468 * 3);
  for (let i = 0; i < 468; i++) { m[i * 3] = 200 + (i % 10) * 8; m[i * 3 + 1] = 150 + Math.floor(i / 10) * 4; m[i * 3 + 2] = i % 7; }
  m[33 * 3] = 200; m[33 * 3 + 1] = 200; m[263 * 3] = 300; m[263 * 3 + 1] = 200;
  return m;
}

describe('meshInPhoto', () => {
  it('undoes meshIntoCrop (scale 1)', () => {
    const sq = cropSquare({ x: 40, y: 30, width: 200, height: 220 }, 300, 280);
    const m = gridMesh();
    const back = meshInPhoto(meshIntoCrop(m, 1, sq, 512), sq, 512);
    for (let i = 0; i < m.length; i++) expect(back[i]).toBeCloseTo(m[i]!, 3);
  });
});

describe('flipDiscrepancy and uncertainMeshNote', () => {
  it('is 0 for the same mesh, the shift in eye widths for a shifted one, Infinity for none', () => {
    const m = gridMesh();
    expect(flipDiscrepancy(m, m)).toBe(0);
    const shifted = m.map((v, i) => (i % 3 === 1 ? v + 30 : v));
    // Every point 30 px down but the two eye corners, which stay: the eye distance is still 100 px.
    shifted[33 * 3 + 1] = 200; shifted[263 * 3 + 1] = 200;
    expect(flipDiscrepancy(m, shifted)).toBeCloseTo(0.3, 6);
    expect(flipDiscrepancy(m, null)).toBe(Infinity);
  });

  it('speaks only above UNCERTAIN_FLIP', () => {
    expect(uncertainMeshNote(0.02)).toBeNull();
    expect(uncertainMeshNote(UNCERTAIN_FLIP)).toBeNull();
    expect(uncertainMeshNote(UNCERTAIN_FLIP + 0.01)).toMatch(/hard to read.*wrong place/);
    expect(uncertainMeshNote(Infinity)).toMatch(/hard to read/);
  });
});
