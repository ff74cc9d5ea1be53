import { describe, expect, it } from 'vitest';
import { AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { CANONICAL_POSITIONS, CANONICAL_UVS, FACE_OVAL, LANDMARK_COUNT, LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { compositeDetail, type DetailLayer, type DetailMap, faceDetailMask, shadingFactors } from './detail.ts';
import { createPhotoRenderer } from './photo-renderer.ts';

const W = 256;
/** The canonical face drawn into a 256 px image: 12 px per cm, y down. */
const mesh = Float32Array.from({ length: LANDMARK_COUNT * 3 }, (_, k) => {
  const v = CANONICAL_POSITIONS[k]!;
  return k % 3 === 0 ? 128 + v * 12 : k % 3 === 1 ? 120 - v * 12 : v * 12;
});
/** A colourful photo: every channel different, so colour ratios can be checked. */
function photo(): Uint8ClampedArray {
  const d = new Uint8ClampedArray(W * W * 4);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const o = (y * W + x) * 4;
    d[o] = 120 + ((x * 3) % 100); d[o + 1] = 80 + ((y * 5) % 60); d[o + 2] = 60 + ((x + y) % 40); d[o + 3] = 255;
  }
  return d;
}
const still: FrameState = { time: 0, code: new Float64Array(AU_COUNT), blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } };
const uvAt = (i: number): [number, number] => [CANONICAL_UVS[i * 2]!, CANONICAL_UVS[i * 2 + 1]!];
const SIZE = 64;

function constantLayer(value: number, masked: boolean): DetailLayer {
  const mask = faceDetailMask(SIZE);
  const map: DetailMap = { size: SIZE, shading: Float32Array.from(mask, (m) => (masked ? m * value : value)) };
  return { name: 'constant', detailFor: () => map };
}

/** Inside the face oval (by the even-odd rule on the oval's image points), with a margin in pixels. */
function insideOval(x: number, y: number): boolean {
  let inside = false;
  for (let k = 0, j = FACE_OVAL.length - 1; k < FACE_OVAL.length; j = k++) {
    const a = FACE_OVAL[k]!, b = FACE_OVAL[j]!;
    const xa = mesh[a * 3]!, ya = mesh[a * 3 + 1]!, xb = mesh[b * 3]!, yb = mesh[b * 3 + 1]!;
    if ((ya > y) !== (yb > y) && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}

/** A mask's texel at a UV point. */
const texelAt = (m: Float32Array, [u, v]: [number, number]) => m[Math.min(SIZE - 1, Math.floor(v * SIZE)) * SIZE + Math.min(SIZE - 1, Math.floor(u * SIZE))]!;

describe('faceDetailMask', () => {
  const mask = faceDetailMask(SIZE);
  const at = (uv: [number, number]) => texelAt(mask, uv);
  it('fades in from the outline over the width asked for: wider only lowers the mask, and only near the outline', () => {
    // train detail's default (--outline-feather, size/10) is the mask's own default, texel for texel.
    expect(Array.from(faceDetailMask(SIZE, undefined, SIZE / 10))).toEqual(Array.from(mask));
    const wide = faceDetailMask(SIZE, undefined, SIZE / 5);
    expect(wide.every((m, i) => m <= mask[i]! + 1e-12)).toBe(true);
    expect(wide.some((m, i) => m < mask[i]! - 0.2)).toBe(true);
    expect(texelAt(wide, uvAt(9))).toBe(1); // between the brows: far from the outline either way
    expect(texelAt(wide, uvAt(151))).toBeLessThan(at(uvAt(151))); // mid-forehead, nearer the outline
  });
  it('fades in from the eye openings and lips over the width asked for, leaving the outline\'s fade as it is', () => {
    // train detail's default (--opening-feather, size/32) is the mask's own default.
    expect(Array.from(faceDetailMask(SIZE, SIZE / 32, SIZE / 5))).toEqual(Array.from(faceDetailMask(SIZE, undefined, SIZE / 5)));
    const base = faceDetailMask(SIZE, SIZE / 32, SIZE / 5), wide = faceDetailMask(SIZE, SIZE / 16, SIZE / 5);
    expect(wide.every((m, i) => m <= base[i]! + 1e-12)).toBe(true);
    // Just below the right eye's lower lid: lower with the wider fade; the cheek and the forehead, far from any opening, as they were.
    const belowEye: [number, number] = [uvAt(145)[0], uvAt(145)[1] + 2.5 / SIZE];
    expect(texelAt(wide, belowEye)).toBeLessThan(texelAt(base, belowEye));
    expect(texelAt(wide, uvAt(50))).toBe(texelAt(base, uvAt(50)));
    expect(texelAt(wide, uvAt(151))).toBe(texelAt(base, uvAt(151)));
  });
  it('fades in from the eye openings over their own width when asked, leaving the lips\' fade and the outline\'s as they are', () => {
    // Without an eye width the eyes take the openings' width, texel for texel.
    const base = faceDetailMask(SIZE, SIZE / 32, SIZE / 10);
    expect(Array.from(faceDetailMask(SIZE, SIZE / 32, SIZE / 10, SIZE / 32))).toEqual(Array.from(base));
    const wide = faceDetailMask(SIZE, SIZE / 32, SIZE / 10, SIZE / 8);
    expect(wide.every((m, i) => m <= base[i]! + 1e-12)).toBe(true);
    // Just below the right eye's lower lid and just above the left eye's upper lid: lower.
    const belowEye: [number, number] = [uvAt(145)[0], uvAt(145)[1] + 2.5 / SIZE];
    const aboveEye: [number, number] = [uvAt(386)[0], uvAt(386)[1] - 2.5 / SIZE];
    expect(texelAt(wide, belowEye)).toBeLessThan(texelAt(base, belowEye) - 0.1);
    expect(texelAt(wide, aboveEye)).toBeLessThan(texelAt(base, aboveEye) - 0.1);
    // Below the lower lip (as near the lips as belowEye is to the eye), the chin and the cheek: unchanged.
    const belowLip: [number, number] = [uvAt(17)[0], uvAt(17)[1] + 2.5 / SIZE];
    expect(texelAt(wide, belowLip)).toBe(texelAt(base, belowLip));
    expect(texelAt(wide, uvAt(152))).toBe(texelAt(base, uvAt(152)));
    expect(texelAt(wide, uvAt(50))).toBe(texelAt(base, uvAt(50)));
  });
  it('is 1 on the cheeks and forehead, 0 off the face, in the eye openings and on the lips', () => {
    expect(mask.every((m) => m >= 0 && m <= 1)).toBe(true);
    expect(at(uvAt(50))).toBe(1); // right cheek
    expect(at(uvAt(280))).toBe(1); // left cheek
    expect(at(uvAt(9))).toBe(1); // forehead, between the brows
    expect(at(uvAt(151))).toBeGreaterThan(0.9); // mid-forehead: just inside the outline's wider fade
    expect(at([0.01, 0.01])).toBe(0);
    const mid = (a: number, b: number): [number, number] => [(uvAt(a)[0] + uvAt(b)[0]) / 2, (uvAt(a)[1] + uvAt(b)[1]) / 2];
    expect(at(mid(159, 145))).toBe(0); // right eye opening
    expect(at(mid(386, 374))).toBe(0); // left eye opening
    expect(at(mid(13, 14))).toBe(0); // between the lips
    expect(at(mid(0, 13))).toBe(0); // the upper lip
    expect(at(mid(14, 17))).toBe(0); // the lower lip
  });
  it('fades rather than steps at its edge', () => {
    const between = mask.filter((m) => m > 0.05 && m < 0.95).length;
    const full = mask.filter((m) => m === 1).length;
    expect(between).toBeGreaterThan(100);
    expect(full).toBeGreaterThan(between);
  });

  /** Texel centres (in texels) outside the face oval's UV polygon, and the eye lid lines' points. */
  const ovalUv = FACE_OVAL.map((i) => uvAt(i).map((c) => c * SIZE) as [number, number]);
  const offFace: [number, number][] = [];
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
    let inside = false;
    for (let k = 0, j = ovalUv.length - 1; k < ovalUv.length; j = k++) {
      const [xa, ya] = ovalUv[k]!, [xb, yb] = ovalUv[j]!;
      if ((ya > y + 0.5) !== (yb > y + 0.5) && x + 0.5 < ((xb - xa) * (y + 0.5 - ya)) / (yb - ya) + xa) inside = !inside;
    }
    if (!inside) offFace.push([x + 0.5, y + 0.5]);
  }
  const lids = [...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER, ...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER].map((i) => uvAt(i).map((c) => c * SIZE) as [number, number]);
  const nearest = (x: number, y: number, points: [number, number][]) => Math.min(...points.map(([px, py]) => Math.hypot(px - x, py - y)));
  const texels = (pick: (m: number) => boolean) => [...mask.keys()].filter((i) => pick(mask[i]!)).map((i) => [(i % SIZE) + 0.5, Math.floor(i / SIZE) + 0.5] as const);

  it('fades over the wider outline feather (size / 10) towards the face\'s outline, measured from the front', () => {
    const outlineFeather = SIZE / 10;
    // Down the middle of the forehead from the top of the outline (landmark 10), where the map
    // and the front view agree in scale: full again about one outline feather in.
    const [u10, v10] = uvAt(10).map((c) => c * SIZE) as [number, number];
    const col = Math.floor(u10);
    let first = -1;
    for (let y = Math.floor(v10); y < SIZE / 2 && first < 0; y++) if (mask[y * SIZE + col] === 1) first = y + 0.5 - v10;
    expect(first).toBeGreaterThan(outlineFeather * 0.85);
    expect(first).toBeLessThan(outlineFeather + 2);
    // Across the temple from the side of the outline (landmark 234): the map unrolls the side of
    // the face that turns away from the camera, so the fade covers more of the map there.
    const [u234, v234] = uvAt(234).map((c) => c * SIZE) as [number, number];
    const row = Math.floor(v234);
    let sideFirst = -1;
    for (let x = Math.floor(u234); x < SIZE / 2 && sideFirst < 0; x++) if (mask[row * SIZE + x] === 1) sideFirst = x + 0.5 - u234;
    expect(sideFirst).toBeGreaterThan(outlineFeather * 1.5);
    // Nowhere full right beside the outline, and well short of 1 two to three texels in.
    const full = texels((m) => m === 1).map(([x, y]) => nearest(x, y, offFace));
    expect(Math.min(...full)).toBeGreaterThan(outlineFeather / 2);
    const band = texels((m) => m > 0).filter(([x, y]) => { const d = nearest(x, y, offFace); return d > 2 && d < 3 && nearest(x, y, lids) > 8; });
    expect(band.length).toBeGreaterThan(20);
    for (const [x, y] of band) expect(mask[Math.floor(y) * SIZE + Math.floor(x)]!).toBeLessThan(0.75);
  });

  it('keeps the narrow feather (size / 32) at the eye openings', () => {
    const feather = SIZE / 32;
    const full = texels((m) => m === 1).map(([x, y]) => nearest(x, y, lids));
    expect(Math.min(...full)).toBeLessThan(feather + 1.5);
    // The texels right on a lid line are cut out or barely shaded.
    for (const [x, y] of lids) expect(mask[Math.floor(y) * SIZE + Math.floor(x)]!).toBeLessThan(0.3);
  });

  it('fades more of the face the wider the outline feather', () => {
    const narrow = faceDetailMask(SIZE, SIZE / 32, SIZE / 32);
    const wide = faceDetailMask(SIZE, SIZE / 32, SIZE / 5);
    for (let i = 0; i < mask.length; i++) {
      expect(mask[i]!).toBeLessThanOrEqual(narrow[i]!);
      expect(wide[i]!).toBeLessThanOrEqual(mask[i]! + 1e-6);
    }
    expect(narrow.filter((m) => m === 1).length).toBeGreaterThan(mask.filter((m) => m === 1).length);
  });
});

describe('detail on the photo renderer', () => {
  const rig = createExpressionRig();
  const image = { data: photo(), width: W, height: W };
  const plain = createPhotoRenderer({ image, mesh }, rig).render(still);

  it('changes nothing when the shading is zero', () => {
    const out = createPhotoRenderer({ image, mesh }, rig, { detail: constantLayer(0, true) }).render(still);
    expect(Buffer.from(out).equals(Buffer.from(plain))).toBe(true);
  });

  it('darkens the face as luminance, keeps its colours and leaves everything off the face untouched', () => {
    const out = createPhotoRenderer({ image, mesh }, rig, { detail: constantLayer(Math.log(0.5), true) }).render(still);
    let changedOutside = 0, darkened = 0, checked = 0;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      const same = out[o] === plain[o] && out[o + 1] === plain[o + 1] && out[o + 2] === plain[o + 2];
      if (!insideOval(x + 0.5, y + 0.5)) { if (!same) changedOutside++; continue; }
      if (!same) darkened++;
    }
    expect(changedOutside).toBe(0);
    expect(darkened).toBeGreaterThan(3000);
    // On the cheek: every channel halved (the same factor), so hue and saturation stay.
    for (const v of [50, 280, 9, 205]) {
      const x = Math.round(mesh[v * 3]!), y = Math.round(mesh[v * 3 + 1]!);
      const o = (y * W + x) * 4;
      for (let c = 0; c < 3; c++) expect(Math.abs(out[o + c]! - plain[o + c]! * 0.5)).toBeLessThanOrEqual(1);
      checked++;
    }
    expect(checked).toBe(4);
    expect(out[3]).toBe(255);
  });

  it('shades every pixel once, also where triangles share an edge', () => {
    // An unmasked constant factor: every face pixel is the warped pixel times exactly 0.8.
    const dst = { data: new Uint8ClampedArray(plain), width: W, height: W };
    const target = new Float32Array(LANDMARK_COUNT * 2);
    for (let i = 0; i < LANDMARK_COUNT; i++) { target[i * 2] = mesh[i * 3]!; target[i * 2 + 1] = mesh[i * 3 + 1]!; }
    const map: DetailMap = { size: SIZE, shading: new Float32Array(SIZE * SIZE).fill(Math.log(0.8)) };
    compositeDetail(dst, target, shadingFactors(map), SIZE);
    let changed = 0;
    for (let k = 0; k < plain.length; k += 4) {
      if (dst.data[k] === plain[k]) continue;
      changed++;
      expect(Math.abs(dst.data[k]! - plain[k]! * 0.8)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
    expect(changed).toBeGreaterThan(5000);
  });

  it('recomputes the factors when a reused map changes (its version), not otherwise', () => {
    const mask = faceDetailMask(SIZE);
    const map = { size: SIZE, shading: Float32Array.from(mask, (m) => m * Math.log(0.5)), version: 1 };
    const renderer = createPhotoRenderer({ image, mesh }, rig, { detail: { name: 'mutable', detailFor: () => map } });
    const dark = Uint8ClampedArray.from(renderer.render(still));
    expect(Buffer.from(renderer.render(still)).equals(Buffer.from(dark))).toBe(true);
    map.shading.fill(0);
    map.version = 2;
    expect(Buffer.from(renderer.render(still)).equals(Buffer.from(plain))).toBe(true);
  });

  it('refuses a target with too few points or a map of the wrong size', () => {
    const dst = { data: new Uint8ClampedArray(plain), width: W, height: W };
    expect(() => compositeDetail(dst, new Float32Array(10), new Float32Array(SIZE * SIZE), SIZE)).toThrow(/468/);
    expect(() => compositeDetail(dst, new Float32Array(LANDMARK_COUNT * 2), new Float32Array(5), SIZE)).toThrow(/factors/);
  });
});
