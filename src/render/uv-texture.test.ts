import { describe, expect, it } from 'vitest';
import { CANONICAL_POSITIONS, CANONICAL_TRIANGLES, CANONICAL_UVS } from '../core/topology.ts';
import type { RgbaImage } from './cpu-warp.ts';
import {
  decodeTexture, encodeTexture, meshScale, MIN_AREA_FRACTION, normaliseLighting, projectTexture, TEXTURE_MISSING, TEXTURE_STEP,
  unwrapLuminance, unwrapTexture, UV_SIZE, visibleTriangles,
} from './uv-texture.ts';

const IMG = 256;
const SCALE = 12; // pixels per canonical centimetre: the face is about 210 px tall

/** The canonical face turned by `yawDeg` (positive: towards its own left, nose to image right), in a 256 px image. */
function canonicalMesh(yawDeg = 0, pitchDeg = 0): Float32Array {
  const yaw = (yawDeg * Math.PI) / 180, pitch = (pitchDeg * Math.PI) / 180;
  const mesh = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    const x = CANONICAL_POSITIONS[i * 3]!, y0 = CANONICAL_POSITIONS[i * 3 + 1]!, z0 = CANONICAL_POSITIONS[i * 3 + 2]!;
    const y = Math.cos(pitch) * y0 - Math.sin(pitch) * z0, z1 = Math.sin(pitch) * y0 + Math.cos(pitch) * z0;
    const xr = Math.cos(yaw) * x + Math.sin(yaw) * z1, zr = -Math.sin(yaw) * x + Math.cos(yaw) * z1;
    mesh[i * 3] = IMG / 2 + xr * SCALE;
    mesh[i * 3 + 1] = IMG / 2 + 6 - y * SCALE;
    mesh[i * 3 + 2] = -zr * SCALE;
  }
  return mesh;
}

/** A known UV-space luminance texture: smooth ramps plus stripes a few texels wide (like folds). */
function knownTexture(size = UV_SIZE): Float32Array {
  const t = new Float32Array(size * size);
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) {
    t[j * size + i] = 0.45 + 0.12 * Math.sin((2 * Math.PI * i) / 14) * Math.cos((2 * Math.PI * j) / 10) + 0.15 * (i / size - 0.5) + 0.1 * (j / size - 0.5);
  }
  return t;
}

/** Projects a UV luminance texture onto a grey image through the mesh, times a lighting gain per image pixel. */
function synthesise(texture: Float32Array, mesh: Float32Array, gain: (x: number, y: number) => number = () => 1): RgbaImage {
  const { values, mask } = projectTexture(texture, undefined, mesh, IMG, IMG);
  const data = new Uint8ClampedArray(IMG * IMG * 4);
  for (let p = 0; p < IMG * IMG; p++) {
    const x = (p % IMG) + 0.5, y = Math.floor(p / IMG) + 0.5;
    const l = (mask[p] ? values[p]! : 0.5) * gain(x, y) * 255;
    data[p * 4] = l; data[p * 4 + 1] = l; data[p * 4 + 2] = l; data[p * 4 + 3] = 255;
  }
  return { data, width: IMG, height: IMG };
}

/** Covered texels whose 4-neighbours are covered too (the edge of the covered region samples the background). */
function interior(coverage: Uint8Array, size = UV_SIZE): number[] {
  const out: number[] = [];
  for (let j = 1; j < size - 1; j++) for (let i = 1; i < size - 1; i++) {
    const p = j * size + i;
    if (coverage[p] && coverage[p - 1] && coverage[p + 1] && coverage[p - size] && coverage[p + size]) out.push(p);
  }
  return out;
}

function stats(errors: number[]): { mean: number; p99: number; max: number } {
  const s = [...errors].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p99: s[Math.floor(0.99 * (s.length - 1))]!, max: s[s.length - 1]! };
}

describe('uv-texture', () => {
  const texture = knownTexture();

  it('finds the scale of a turned face', () => {
    for (const yaw of [0, 25, 60]) expect(meshScale(canonicalMesh(yaw, 10))).toBeCloseTo(SCALE, 6);
  });

  it('gets a projected texture back by unwrapping it (front view and turned 25 degrees)', () => {
    for (const yaw of [0, 25]) {
      const mesh = canonicalMesh(yaw);
      const { luminance, coverage } = unwrapLuminance(synthesise(texture, mesh), mesh);
      const inner = interior(coverage);
      const s = stats(inner.map((p) => Math.abs(luminance[p]! - texture[p]!)));
      // Measured (luminance 0..1): yaw 0: 8,714 interior texels, mean error 0.0027, p99 0.0086, max 0.012;
      // yaw 25: 7,659 texels, mean 0.0026, p99 0.0086, max 0.012 (two bilinear resamplings of stripes 7 texels wide, 8-bit image).
      expect(inner.length).toBeGreaterThan(yaw === 0 ? 8500 : 7400);
      expect(s.mean).toBeLessThan(0.005);
      expect(s.p99).toBeLessThan(0.015);
      expect(s.max).toBeLessThan(0.025);
    }
  });

  it('covers nothing of a face seen from behind or mirrored (image winding opposite to UV winding)', () => {
    const img = synthesise(texture, canonicalMesh());
    const back = canonicalMesh(180);
    expect(unwrapLuminance(img, back).coverage.every((c) => c === 0)).toBe(true);
    const mirrored = canonicalMesh().map((v, i) => (i % 3 === 0 ? IMG - v : v));
    expect(unwrapLuminance(img, mirrored).coverage.every((c) => c === 0)).toBe(true);
  });

  it('leaves out the side of a face turned away and triangles folded over', () => {
    const mesh = canonicalMesh(60); // turned to its own left, nose towards image right: its right side (u < 0.5) faces the camera
    const { coverage } = unwrapLuminance(synthesise(texture, mesh), mesh);
    let near = 0, far = 0;
    for (let j = 0; j < UV_SIZE; j++) for (let i = 0; i < UV_SIZE; i++) {
      if (!coverage[j * UV_SIZE + i]) continue;
      if (i < UV_SIZE * 0.25) near++;
      if (i > UV_SIZE * 0.75) far++;
    }
    expect(far).toBe(0);
    expect(near).toBeGreaterThan(500);

    // Fold one triangle over by moving one of its corners across the opposite edge: that triangle is dropped.
    const front = canonicalMesh();
    const visibleBefore = visibleTriangles(front);
    const t = 300, [a, b, c] = [CANONICAL_TRIANGLES[t * 3]!, CANONICAL_TRIANGLES[t * 3 + 1]!, CANONICAL_TRIANGLES[t * 3 + 2]!];
    expect(visibleBefore[t]).toBe(1);
    const folded = Float32Array.from(front);
    // Reflect a across the line b-c.
    const bx = front[b * 3]!, by = front[b * 3 + 1]!, cx = front[c * 3]!, cy = front[c * 3 + 1]!;
    const dx = cx - bx, dy = cy - by, ax = front[a * 3]! - bx, ay = front[a * 3 + 1]! - by;
    const k = (ax * dx + ay * dy) / (dx * dx + dy * dy);
    folded[a * 3] = bx + 2 * k * dx - ax; folded[a * 3 + 1] = by + 2 * k * dy - ay;
    expect(visibleTriangles(folded)[t]).toBe(0);
  });

  it('drops triangles seen more obliquely than MIN_AREA_FRACTION', () => {
    // A triangle's visible fraction is the cosine of its angle to the view: turning the face further never adds coverage on the far side.
    expect(MIN_AREA_FRACTION).toBeGreaterThan(0.2);
    const counts = [0, 20, 40, 60].map((yaw) => visibleTriangles(canonicalMesh(yaw)).reduce((a, v) => a + v, 0));
    for (let k = 1; k < counts.length; k++) expect(counts[k]!).toBeLessThan(counts[k - 1]!);
  });

  it('samples the mouth-opening triangles too (at 512 texels: at 128 the closed canonical mouth is under half a texel tall)', () => {
    // Open the mouth: move the lower inner lip and everything below the mouth down by 1.2 cm.
    const mesh = canonicalMesh();
    const lower = new Set([95, 88, 178, 87, 14, 317, 402, 318, 324]);
    for (let i = 0; i < 468; i++) {
      const y = CANONICAL_POSITIONS[i * 3 + 1]!;
      if (lower.has(i) || y < -4.6) mesh[i * 3 + 1] = mesh[i * 3 + 1]! + 1.2 * SCALE;
    }
    const size = 512;
    const { coverage } = unwrapLuminance(synthesise(texture, mesh), mesh, size);
    // The mouth opening in UV: between the inner lips, landmarks 13 (upper) and 14 (lower), v 0.6924 to 0.6953.
    const u = CANONICAL_UVS[13 * 2]!, v = (CANONICAL_UVS[13 * 2 + 1]! + CANONICAL_UVS[14 * 2 + 1]!) / 2;
    expect(coverage[Math.floor(v * size) * size + Math.floor(u * size)]).toBe(1);
  });

  it('removes a brightness gradient across the face (lit from the side) and keeps local shading', () => {
    const mesh = canonicalMesh(15);
    const even = unwrapLuminance(synthesise(texture, mesh), mesh);
    const side = unwrapLuminance(synthesise(texture, mesh, (x) => 0.35 + 1.1 * (x / IMG)), mesh);
    const top = unwrapLuminance(synthesise(texture, mesh, (x, y) => 0.5 + 0.9 * ((x / IMG - 0.3) ** 2 + (y / IMG) * 0.5)), mesh);
    const a = normaliseLighting(even.luminance, even.coverage);
    const both = even.coverage.map((c, p) => (c && side.coverage[p] && top.coverage[p] ? 1 : 0));
    const inner = interior(both);
    const b = normaliseLighting(side.luminance, side.coverage), c = normaliseLighting(top.luminance, top.coverage);
    const raw = stats(inner.map((p) => Math.abs(Math.log(side.luminance[p]! + 1 / 255) - Math.log(even.luminance[p]! + 1 / 255))));
    const lin = stats(inner.map((p) => Math.abs(b[p]! - a[p]!)));
    const quad = stats(inner.map((p) => Math.abs(c[p]! - a[p]!)));
    const signal = stats(inner.map((p) => Math.abs(a[p]!)));
    // Measured: the side light changes ln-luminance by 0.25 on average (up to 0.77); after
    // normalisation the shading differs from the evenly lit face's by 0.011 on average (p99 0.041)
    // for the linear gain and 0.008 (p99 0.027) for the quadratic one, against shading of 0.108.
    expect(raw.mean).toBeGreaterThan(0.2);
    expect(signal.mean).toBeGreaterThan(0.1);
    expect(lin.mean).toBeLessThan(0.02);
    expect(quad.mean).toBeLessThan(0.015);
    expect(lin.p99).toBeLessThan(0.06);
    expect(quad.p99).toBeLessThan(0.04);
    // Uncovered texels are 0.
    for (let p = 0; p < a.length; p++) if (!even.coverage[p]) expect(a[p]).toBe(0);
  });

  it('takes out a quadratic surface exactly', () => {
    const n = UV_SIZE * UV_SIZE, lum = new Float32Array(n), cov = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const u = ((p % UV_SIZE) + 0.5) / UV_SIZE, v = (Math.floor(p / UV_SIZE) + 0.5) / UV_SIZE;
      cov[p] = (u - 0.5) ** 2 + (v - 0.5) ** 2 < 0.16 ? 1 : 0;
      lum[p] = Math.exp(-1 + 0.8 * u - 0.5 * v + 0.6 * u * u - 0.3 * u * v + 0.9 * v * v) - 1 / 255;
    }
    const s = normaliseLighting(lum, cov);
    expect(Math.max(...s.map(Math.abs))).toBeLessThan(1e-4);
  });

  it('stores shading as int8 and reads it back', () => {
    const n = UV_SIZE * UV_SIZE, shading = new Float32Array(n), cov = new Uint8Array(n);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let p = 0; p < n; p++) { shading[p] = (rnd() - 0.5) * 5; cov[p] = rnd() < 0.8 ? 1 : 0; }
    const q = encodeTexture(shading, cov);
    expect(q).toBeInstanceOf(Int8Array);
    const back = decodeTexture(q);
    const limit = 127 * TEXTURE_STEP;
    let wrong = 0, worst = 0;
    for (let p = 0; p < n; p++) {
      if (back.coverage[p] !== cov[p]) wrong++;
      if (!cov[p]) { if (q[p] !== TEXTURE_MISSING || back.shading[p] !== 0) wrong++; continue; }
      const want = Math.min(limit, Math.max(-limit, shading[p]!));
      worst = Math.max(worst, Math.abs(back.shading[p]! - want));
    }
    expect(wrong).toBe(0);
    expect(worst).toBeLessThanOrEqual(TEXTURE_STEP / 2 + 1e-7);
    expect(encodeTexture(back.shading, back.coverage)).toEqual(q);
  });

  it('re-projects a stored texture onto the face it came from', () => {
    // The whole chain the pipeline and a renderer use: unwrap, normalise, int8, decode, project.
    const mesh = canonicalMesh(10);
    const img = synthesise(texture, mesh);
    const stored = unwrapTexture(img, mesh);
    const { shading, coverage } = decodeTexture(stored);
    const { values, mask } = projectTexture(shading, coverage, mesh, IMG, IMG);
    // Compare with the image's own normalised ln-luminance, unwrapped the same way, then projected.
    const { luminance, coverage: c2 } = unwrapLuminance(img, mesh);
    const ref = projectTexture(normaliseLighting(luminance, c2), c2, mesh, IMG, IMG);
    const errs: number[] = [];
    for (let p = 0; p < IMG * IMG; p++) if (mask[p] && ref.mask[p]) errs.push(Math.abs(values[p]! - ref.values[p]!));
    expect(errs.length).toBeGreaterThan(20000);
    // Measured: 31,354 pixels, mean 0.0028, max 0.0076 (int8 rounding: at most TEXTURE_STEP / 2 = 0.0078).
    expect(stats(errs).max).toBeLessThanOrEqual(TEXTURE_STEP / 2 + 1e-4);
  });
});
