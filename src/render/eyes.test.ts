import { describe, expect, it } from 'vitest';
import { AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { CANONICAL_POSITIONS, LANDMARK_COUNT, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { paintEyes, type RgbaImage, warpTriangles } from './cpu-warp.ts';
import { EYE_CONTOURS, EYE_OPENING_TRIANGLES, eyeTargets, fromEye, readEyes, tableAt, toEye } from './eyes.ts';
import { buildWarpGeometry, targetPositions } from './geometry.ts';
import { createPhotoRenderer } from './photo-renderer.ts';

// The canonical face drawn into a 256 px image (eyes about 40 px wide), the right eye's upper
// lid (not its corners) moved by `lift` pixels (up when positive).
const W = 256;
function faceMesh(lift = 0): Float32Array {
  const upper = new Set<number>(RIGHT_EYE_UPPER.slice(1, -1));
  return Float32Array.from({ length: LANDMARK_COUNT * 3 }, (_, k) => {
    const i = Math.floor(k / 3), v = CANONICAL_POSITIONS[k]!;
    if (k % 3 === 0) return 128 + v * 12;
    if (k % 3 === 1) return 120 - v * 12 - (upper.has(i) ? lift : 0);
    return v * 12;
  });
}

/**
 * Skin (180) with both eye openings painted: sclera (235) and, in the right eye, a dark iris
 * (40) of 0.05 eye widths around u 0.5, half way between the lids: clear of both lids' bands.
 */
function eyeImage(mesh: Float32Array, iris = { u: 0.5, r: 0.05 }, darkCorner = 0): { image: RgbaImage; iris: [number, number] } {
  const data = new Uint8ClampedArray(W * W * 4).fill(255);
  for (let p = 0; p < W * W; p++) data.fill(180, p * 4, p * 4 + 3);
  const [right] = readEyes({ data, width: W, height: W }, mesh);
  const ax = right!.axes, mid = (tableAt(right!.top, 0.5) + tableAt(right!.bottom, 0.5)) / 2;
  EYE_OPENING_TRIANGLES.forEach((tris, e) => {
    const geom = buildWarpGeometry(mesh, W, W);
    // Fill the opening by warping a sclera-coloured image through its own triangles.
    const sclera = { data: new Uint8ClampedArray(W * W * 4).fill(235), width: W, height: W };
    const dst = { data, width: W, height: W };
    warpTriangles(sclera, dst, geom.source, geom.source, tris);
    if (e !== 0) return;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const [u, v] = toEye(ax, x + 0.5, y + 0.5);
      const inOpening = v > tableAt(right!.top, u) && v < tableAt(right!.bottom, u);
      if (inOpening && Math.hypot(u - iris.u, v - mid) < iris.r) data.fill(40, (y * W + x) * 4, (y * W + x) * 4 + 3);
      // A shadowed inner corner, darker than the iris.
      if (inOpening && u > 1 - darkCorner) data.fill(15, (y * W + x) * 4, (y * W + x) * 4 + 3);
    }
  });
  return { image: { data, width: W, height: W }, iris: [iris.u, mid] };
}

/** The right eye's opening pixels in an output image: how many are dark (iris) and the rows they span. */
function irisPixels(img: Uint8ClampedArray, mesh: Float32Array): { dark: number; top: number; bottom: number; rows: number } {
  const xs = [...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER].map((i) => mesh[i * 3]!), ys = [...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER].map((i) => mesh[i * 3 + 1]!);
  let dark = 0, top = Infinity, bottom = -Infinity;
  for (let y = Math.floor(Math.min(...ys)) - 2; y <= Math.ceil(Math.max(...ys)) + 2; y++) {
    for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x++) {
      if (img[(y * W + x) * 4]! < 100) { dark++; top = Math.min(top, y); bottom = Math.max(bottom, y); }
    }
  }
  return { dark, top, bottom, rows: bottom - top + 1 };
}

describe('eye frames', () => {
  const mesh = faceMesh();
  const eyes = eyeTargets(mesh, 3);
  it('put each eye\'s corners at (0, 0) and (1, 0), its lower lid below its upper one, both eyes alike', () => {
    EYE_CONTOURS.forEach(({ upper }, e) => {
      const ax = eyes[e]!.axes;
      const a = toEye(ax, mesh[upper[0]! * 3]!, mesh[upper[0]! * 3 + 1]!), b = toEye(ax, mesh[upper.at(-1)! * 3]!, mesh[upper.at(-1)! * 3 + 1]!);
      expect(a[0]).toBeCloseTo(0, 6); expect(a[1]).toBeCloseTo(0, 6);
      expect(b[0]).toBeCloseTo(1, 6); expect(b[1]).toBeCloseTo(0, 6);
      for (const u of [0.25, 0.5, 0.75]) expect(tableAt(eyes[e]!.bottom, u) - tableAt(eyes[e]!.top, u)).toBeGreaterThan(0.1);
    });
    // The two eyes are mirror images: the same opening at the same u.
    expect(tableAt(eyes[0]!.bottom, 0.5) - tableAt(eyes[0]!.top, 0.5)).toBeCloseTo(tableAt(eyes[1]!.bottom, 0.5) - tableAt(eyes[1]!.top, 0.5), 2);
  });
  it('read a table linearly between samples, clamped at the ends, and never NaN', () => {
    const t = Float32Array.from({ length: 16 }, (_, i) => i);
    expect(tableAt(t, 0.5)).toBeCloseTo(7.5, 6);
    expect(tableAt(t, -1)).toBe(0);
    expect(tableAt(t, 2)).toBe(15);
    expect(tableAt(t, Number.NaN)).toBe(0);
  });
  it('map eye coordinates back to the same image point', () => {
    const ax = eyes[1]!.axes;
    for (const [x, y] of [[100, 90], [140.5, 101.25], [0, 0]] as const) {
      const [u, v] = toEye(ax, x, y), [x2, y2] = fromEye(ax, u, v);
      expect(x2).toBeCloseTo(x, 6); expect(y2).toBeCloseTo(y, 6);
    }
  });
});

describe('reading the photo\'s eyes', () => {
  it('finds the iris where it is darkest and reads the sclera\'s colour', () => {
    const mesh = faceMesh();
    const { image, iris } = eyeImage(mesh, { u: 0.5, r: 0.17 });
    const [right] = readEyes(image, mesh);
    expect(Math.abs(right!.iris[0] - iris[0])).toBeLessThanOrEqual(0.05);
    expect(right!.sclera[0]).toBeGreaterThan(220);
    expect(right!.scleraWeight).toBe(1);
  });
  it('finds an iris looking aside, and not the dark corner beside it', () => {
    const mesh = faceMesh();
    const { image } = eyeImage(mesh, { u: 0.38, r: 0.17 }, 0.2);
    const [right] = readEyes(image, mesh);
    expect(Math.abs(right!.iris[0] - 0.38)).toBeLessThanOrEqual(0.03);
  });
  it('leaves out an eye too small to read', () => {
    const tiny = faceMesh().map((v, k) => (k % 3 === 2 ? v : 128 + (v - 128) * 0.05));
    expect(readEyes({ data: new Uint8ClampedArray(W * W * 4), width: W, height: W }, tiny)).toEqual([undefined, undefined]);
  });
});

describe('the eye pass', () => {
  const rest = faceMesh();
  const { image } = eyeImage(rest);
  const geom = buildWarpGeometry(rest, W, W);
  const render = (mesh: Float32Array, eyes: boolean): Uint8ClampedArray => {
    const target = targetPositions(geom, mesh);
    const out = { data: Uint8ClampedArray.from(image.data), width: W, height: W };
    warpTriangles(image, out, geom.source, target, geom.triangles);
    if (eyes) paintEyes(image, out, target, readEyes(image, rest), eyeTargets(target, 2));
    return out.data;
  };

  it('changes nothing with the lids where the photo has them', () => {
    const out = render(rest, true);
    expect(Buffer.from(out).equals(Buffer.from(render(rest, false)))).toBe(true);
    let diff = 0;
    for (let i = 0; i < out.length; i++) diff = Math.max(diff, Math.abs(out[i]! - image.data[i]!));
    expect(diff).toBeLessThanOrEqual(1);
  });

  it('keeps the iris round as the upper lid rises, and uncovers bright eyeball above it', () => {
    const before = irisPixels(image.data, rest);
    const raised = faceMesh(5);
    const warped = irisPixels(render(raised, false), raised), drawn = irisPixels(render(raised, true), raised);
    // The warp pulls the iris up after the lid; the pass keeps it where it was, its size too.
    expect(warped.top).toBeLessThan(before.top);
    expect(drawn.top).toBe(before.top);
    expect(drawn.rows).toBe(before.rows);
    expect(Math.abs(drawn.dark - before.dark)).toBeLessThanOrEqual(0.1 * before.dark);
    // Just above the photo's lid, where the skin (180) was, the lifted lid shows eyeball (brighter).
    const out = render(raised, true);
    const x = Math.round(rest[159 * 3]!), yLid = rest[159 * 3 + 1]!, yNew = raised[159 * 3 + 1]!;
    expect(yNew).toBeLessThan(yLid - 4);
    // (Darkest right under the moved lid's band, its shadow; lightest near the iris.)
    expect(out[(Math.round(yLid) - 1) * W * 4 + x * 4]!).toBeGreaterThan(190);
  });

  it('lets a closing lid cover the iris instead of squashing it', () => {
    const lowered = faceMesh(-2);
    const before = irisPixels(image.data, rest), drawn = irisPixels(render(lowered, true), lowered);
    // Less iris shows, and what shows is where it was.
    expect(drawn.dark).toBeGreaterThan(0);
    expect(drawn.dark).toBeLessThan(before.dark);
    expect(drawn.bottom).toBe(before.bottom);
    // A shut eye draws no iris at all.
    const shut = faceMesh(-(rest[145 * 3 + 1]! - rest[159 * 3 + 1]!));
    expect(irisPixels(render(shut, true), shut).dark).toBe(0);
  });

  it('is on by default in the photo renderer and can be turned off', () => {
    const rig = createExpressionRig();
    const still: FrameState = { time: 0, code: new Float64Array(AU_COUNT), blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } };
    const wide = { ...still, code: Float64Array.from({ length: AU_COUNT }, (_, i) => (i === 2 ? 1 : 0)) };
    const on = createPhotoRenderer({ image, mesh: rest }, rig).render(wide);
    const off = createPhotoRenderer({ image, mesh: rest }, rig, { eyes: false }).render(wide);
    const atRest = createPhotoRenderer({ image, mesh: rest }, rig).render(still), atRestOff = createPhotoRenderer({ image, mesh: rest }, rig, { eyes: false }).render(still);
    expect(Buffer.from(atRest).equals(Buffer.from(atRestOff))).toBe(true);
    expect(Buffer.from(on).equals(Buffer.from(off))).toBe(false);
  });
});
