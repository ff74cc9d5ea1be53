import { describe, expect, it } from 'vitest';
import { ACTION_UNITS, AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { CANONICAL_POSITIONS, LANDMARK_COUNT, LIPS_INNER_LOWER, LIPS_INNER_UPPER, MOUTH_TRIANGLES } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { paintMouth } from './cpu-warp.ts';
import { buildWarpGeometry, mouthGaps, mouthOpenness, targetPositions } from './geometry.ts';
import {
  binPosition, checkTable, chromaWeight, estimateSkin, fixedMouth, interiorColour, lipOpenness, lookupMouth, MOUTH_U, type MouthTable, sampleMouthGrid,
} from './mouth-interior.ts';
import { createPhotoRenderer } from './photo-renderer.ts';

/** Two bins: bin 0 all 0.2, bin 1 all 0.8 (relative to skin), red channel ramping along u in bin 1. */
function table(): MouthTable {
  const cols = 4, rows = 2, bins = 2;
  const rgb = new Float32Array(bins * rows * cols * 3);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    const o0 = (r * cols + c) * 3, o1 = ((rows + r) * cols + c) * 3;
    rgb.fill(0.2, o0, o0 + 3);
    rgb[o1] = c / (cols - 1); rgb[o1 + 1] = 0.8; rgb[o1 + 2] = 0.8;
  }
  return { cols, rows, bins, openness: Float32Array.from([0.1, 0.3]), rgb };
}

describe('mouth table lookup', () => {
  const t = table();
  it('is the bin itself at its centre, clamped outside the centres', () => {
    expect(lookupMouth(t, 0.5, 0.5, 0.1)[1]).toBeCloseTo(0.2, 6);
    expect(lookupMouth(t, 0.5, 0.5, 0.01)[1]).toBeCloseTo(0.2, 6);
    expect(lookupMouth(t, 0.5, 0.5, 0.3)[1]).toBeCloseTo(0.8, 6);
    expect(lookupMouth(t, 0.5, 0.5, 0.9)[1]).toBeCloseTo(0.8, 6);
  });
  it('interpolates linearly between bins in openness', () => {
    for (const f of [0.25, 0.5, 0.75]) expect(lookupMouth(t, 0.3, 0.7, 0.1 + 0.2 * f)[2]).toBeCloseTo(0.2 + 0.6 * f, 5);
    expect(binPosition(t, 0.2)).toEqual({ b0: 0, b1: 1, f: expect.closeTo(0.5, 6) as number });
  });
  it('interpolates bilinearly along u between texel centres and clamps at the corners', () => {
    // Texel centres at u = 0.125, 0.375, ...: red 0, 1/3, 2/3, 1 in bin 1.
    expect(lookupMouth(t, 0.125, 0.5, 0.3)[0]).toBeCloseTo(0, 6);
    expect(lookupMouth(t, 0.25, 0.5, 0.3)[0]).toBeCloseTo(1 / 6, 6);
    expect(lookupMouth(t, 0, 0.5, 0.3)[0]).toBeCloseTo(0, 6);
    expect(lookupMouth(t, 1, 0.5, 0.3)[0]).toBeCloseTo(1, 6);
  });
  it('drops the chroma on a grey photo and keeps it on a colour one', () => {
    expect(chromaWeight([120, 120, 120])).toBe(0);
    expect(chromaWeight([190, 140, 120])).toBe(1);
    const grey = interiorColour(t, 0, 0.5, 0.3, [100, 100, 100], 0, [0, 0, 0]);
    expect(grey[0]).toBeCloseTo(grey[1], 6);
    expect(grey[1]).toBeCloseTo(grey[2], 6);
    const colour = interiorColour(t, 0, 0.5, 0.3, [100, 100, 100], 1, [0, 0, 0]);
    expect(colour[0]).toBeCloseTo(0, 3);
    expect(colour[1]).toBeCloseTo(80, 4);
  });
  it('refuses a table whose sizes disagree', () => {
    expect(() => checkTable({ ...t, rgb: new Float32Array(5) })).toThrow(/values/);
    expect(() => checkTable({ ...t, openness: Float32Array.from([0.3, 0.1]) })).toThrow(/increase/);
  });
  it('puts the mouth corners at u 0 and 1 and every inner-lip point in between', () => {
    expect(MOUTH_U[78]).toBe(0);
    expect(MOUTH_U[308]).toBe(1);
    for (const i of [...LIPS_INNER_UPPER, ...LIPS_INNER_LOWER]) expect(MOUTH_U[i]).toBeGreaterThanOrEqual(0);
    expect(MOUTH_U[13]).toBeGreaterThan(0.4);
    expect(MOUTH_U[13]).toBeLessThan(0.6);
  });
});

// The canonical face drawn into a 256 px image, mouth opened by moving the lower inner lip down.
const W = 256;
function faceMesh(open: number): Float32Array {
  const lower = new Set<number>(LIPS_INNER_LOWER.filter((i) => i !== 78 && i !== 308));
  return Float32Array.from({ length: LANDMARK_COUNT * 3 }, (_, k) => {
    const i = Math.floor(k / 3), v = CANONICAL_POSITIONS[k]!;
    if (k % 3 === 0) return 128 + v * 12;
    if (k % 3 === 1) return 120 - v * 12 + (lower.has(i) ? open : 0);
    return v * 12;
  });
}

describe('sampling and skin', () => {
  it('samples between the inner lips: a stripe image gives the stripe colours top to bottom', () => {
    const mesh = faceMesh(20);
    const y13 = mesh[13 * 3 + 1]!, y14 = mesh[14 * 3 + 1]!;
    const data = new Uint8ClampedArray(W * W * 4);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      const top = y < (y13 + y14) / 2;
      data[o] = top ? 200 : 40; data[o + 1] = top ? 200 : 40; data[o + 2] = top ? 200 : 40; data[o + 3] = 255;
    }
    const g = sampleMouthGrid({ data, width: W, height: W, channels: 4 }, mesh, 8, 4);
    // Centre column, top row bright and bottom row dark.
    expect(g[(0 * 8 + 4) * 3]).toBeGreaterThan(150);
    expect(g[(3 * 8 + 4) * 3]).toBeLessThan(90);
    expect(lipOpenness(mesh)).toBeGreaterThan(0.1);
  });
  it('reads the skin from the cheeks, ignoring a dark hole in one patch', () => {
    const mesh = faceMesh(0);
    const data = new Uint8ClampedArray(W * W * 4);
    for (let p = 0; p < W * W; p++) { data[p * 4] = 200; data[p * 4 + 1] = 150; data[p * 4 + 2] = 120; data[p * 4 + 3] = 255; }
    const x = Math.round(mesh[50 * 3]!), y = Math.round(mesh[50 * 3 + 1]!);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) data[((y + dy) * W + x + dx) * 4] = 0;
    const skin = estimateSkin({ data, width: W, height: W, channels: 4 }, mesh)!;
    expect(skin[0]).toBeCloseTo(200, 0);
    expect(skin[1]).toBeCloseTo(150, 0);
    expect(skin[2]).toBeCloseTo(120, 0);
  });
});

describe('the learned interior on the photo renderer', () => {
  const rig = createExpressionRig();
  const still: FrameState = { time: 0, code: new Float64Array(AU_COUNT), blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } };
  const data = new Uint8ClampedArray(W * W * 4);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const o = (y * W + x) * 4;
    data[o] = 150 + ((x * 3) % 60); data[o + 1] = 110 + ((y * 5) % 40); data[o + 2] = 90 + ((x + y) % 30); data[o + 3] = 255;
  }
  const image = { data, width: W, height: W };

  it('paints nothing when the mouth is closed', () => {
    const mesh = faceMesh(0);
    const plain = createPhotoRenderer({ image, mesh }, rig).render(still);
    const learned = createPhotoRenderer({ image, mesh }, rig, { mouth: fixedMouth(table()) }).render(still);
    expect(Buffer.from(learned).equals(Buffer.from(plain))).toBe(true);
  });

  it('asks its source for the table of every frame: a dark table and a bright one paint the same open mouth differently', () => {
    const mesh = faceMesh(0);
    const open: FrameState = { ...still, code: Float64Array.from({ length: AU_COUNT }, (_, i) => (ACTION_UNITS[i] === 'AU26' || ACTION_UNITS[i] === 'AU25' ? 1 : 0)) };
    const scaled = (k: number): MouthTable => ({ ...table(), rgb: table().rgb.map((x) => x * k) });
    const dark = scaled(0.3), bright = scaled(1.5);
    const asked: number[] = [];
    const source = { tableFor: (f: FrameState) => { asked.push(f.time); return f.time < 1 ? dark : bright; } };
    const r = createPhotoRenderer({ image, mesh }, rig, { mouth: source });
    const a = r.render(open), b = r.render({ ...open, time: 2 });
    expect(asked).toEqual([0, 2]);
    const plain = createPhotoRenderer({ image, mesh }, rig).render(open);
    let darker = 0, brighter = 0;
    for (let i = 0; i < a.length; i += 4) {
      if (a[i + 1]! < plain[i + 1]! - 8) darker++;
      if (b[i + 1]! > a[i + 1]! + 20) brighter++;
    }
    expect(darker).toBeGreaterThan(50);
    expect(brighter).toBeGreaterThan(50);
  });

  it('changes only the pixels of the mouth opening, with the table times the skin', () => {
    const mesh = faceMesh(0), geom = buildWarpGeometry(mesh, W, W);
    const target = targetPositions(geom, faceMesh(24));
    const gaps = new Float32Array(geom.vertexCount);
    const mw = mouthGaps(target, gaps);
    const before = new Uint8ClampedArray(data);
    const dst = { data: new Uint8ClampedArray(data), width: W, height: W };
    paintMouth(dst, geom, target, gaps, mw, 1, { table: table(), skin: [200, 150, 100] });
    // Inside the opening's triangles (even-odd over the mouth polygon, with a pixel of margin).
    const poly = [...LIPS_INNER_UPPER, ...[...LIPS_INNER_LOWER].reverse()].map((i) => [target[i * 2]!, target[i * 2 + 1]!] as const);
    const near = (x: number, y: number) => {
      for (let dy = -1.5; dy <= 1.5; dy += 0.5) for (let dx = -1.5; dx <= 1.5; dx += 0.5) {
        let inside = false;
        for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
          const [xa, ya] = poly[a]!, [xb, yb] = poly[b]!;
          if ((ya > y + dy) !== (yb > y + dy) && x + dx < ((xb - xa) * (y + dy - ya)) / (yb - ya) + xa) inside = !inside;
        }
        if (inside) return true;
      }
      return false;
    };
    let changedOutside = 0, changedInside = 0;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      const same = dst.data[o] === before[o] && dst.data[o + 1] === before[o + 1] && dst.data[o + 2] === before[o + 2];
      if (same) continue;
      if (near(x + 0.5, y + 0.5)) changedInside++; else changedOutside++;
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(200);
    expect(MOUTH_TRIANGLES.length).toBeGreaterThan(0);
    // At the opening's centre (fully opaque there): the faces's openness is above bin 1's centre, so G = 0.8 x 150.
    const cx = Math.round((target[13 * 2]! + target[14 * 2]!) / 2 - 0.5), cy = Math.round((target[13 * 2 + 1]! + target[14 * 2 + 1]!) / 2 - 0.5);
    expect(gaps[13]! / mw).toBeGreaterThan(0.3);
    expect(Math.abs(dst.data[(cy * W + cx) * 4 + 1]! - 120)).toBeLessThanOrEqual(1);
  });

  it('differs from the procedural interior, which stays available', () => {
    const mesh = faceMesh(0);
    const frame: FrameState = { ...still, code: (() => { const c = new Float64Array(AU_COUNT); return c; })() };
    const geom = buildWarpGeometry(mesh, W, W), target = targetPositions(geom, faceMesh(24));
    const gaps = new Float32Array(geom.vertexCount), mw = mouthGaps(target, gaps);
    const a = { data: new Uint8ClampedArray(data), width: W, height: W }, b = { data: new Uint8ClampedArray(data), width: W, height: W };
    paintMouth(a, geom, target, gaps, mw, 1);
    paintMouth(b, geom, target, gaps, mw, 1, { table: table(), skin: [200, 150, 100] });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
    expect(frame.time).toBe(0);
  });
});

describe('how much interior is laid on (mouthOpenness)', () => {
  // faceMesh(open) moves the lower inner lip down by `open` pixels.
  const at = (photoOpen: number, frameOpen: number) => {
    const geom = buildWarpGeometry(faceMesh(photoOpen), W, W);
    const target = targetPositions(geom, faceMesh(frameOpen));
    const gap = Math.hypot(target[13 * 2]! - target[14 * 2]!, target[13 * 2 + 1]! - target[14 * 2 + 1]!);
    return { open: mouthOpenness(geom, target), geom, gap };
  };
  it('is 0 until the lips part beyond the photo\'s, and 1 once a closed mouth has opened', () => {
    expect(at(0, 0).open).toBe(0);
    expect(at(12, 8).open).toBe(0);
    // (The canonical face's lips are a little apart: -5 px closes them.)
    const closed = at(-5, 30);
    expect(closed.geom.sourceLipGap / closed.geom.sourceMouthWidth).toBeLessThan(0.08);
    expect(closed.open).toBe(1);
  });
  it('leaves a photo\'s own open mouth the share of the gap it already showed', () => {
    const open = at(12, 36);
    expect(open.geom.sourceLipGap / open.geom.sourceMouthWidth).toBeGreaterThan(0.15);
    expect(open.open).toBeCloseTo(1 - open.geom.sourceLipGap / open.gap, 6);
    expect(open.open).toBeLessThan(0.75);
    expect(open.open).toBeGreaterThan(at(12, 24).open);
  });
});
