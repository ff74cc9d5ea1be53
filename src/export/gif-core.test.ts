// The pure GIF rules shared by the CLI and the page: palette reuse, centisecond timing, the byte stream.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  GifFrameStream,
  GifIndexer,
  gifStartCs,
  mappingStats,
  paletteSampleStep,
  paletteStillFits,
  REUSE_MEAN_FACTOR,
  REUSE_MEAN_OFFSET,
  type GifencApi,
  type MappingStats,
} from './gif-core.ts';
import { syntheticFrame } from './synthetic.ts';

const lib = createRequire(import.meta.url)('gifenc') as GifencApi;

/** The rule before the fix: mean error only. */
const meanOnly = (reused: MappingStats, fresh: MappingStats): boolean => reused.mean <= fresh.mean * REUSE_MEAN_FACTOR + REUSE_MEAN_OFFSET;

const S = 512;

/**
 * A character-like 512x512 frame: a pale background gradient, a big teal "shell" with a darker rim and a
 * cream face plate; with `irises`, two small blue radial-gradient discs (#7fb3ff to #3d6fd1, ~170 px each),
 * the palette of src/render/character.ts.
 */
function faceFrame(irises: boolean): { rgba: Uint8ClampedArray; iris: number[] } {
  const rgba = new Uint8ClampedArray(S * S * 4);
  const iris: number[] = [];
  const eyes = [
    [200, 250],
    [312, 250],
  ] as const;
  const ir = 7.5;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const o = (y * S + x) * 4;
      const t = y / S;
      let r = 253 - 52 * t;
      let g = 246 - 30 * t;
      let b = 255 - 10 * t;
      const d = Math.hypot(x - 256, y - 270);
      if (d < 200) {
        const k = d / 200;
        r = 0x5e - 0x24 * k * k;
        g = 0xc4 - 0x2a * k * k;
        b = 0xc1 - 0x22 * k * k;
      }
      if (Math.abs(x - 256) < 130 && Math.abs(y - 270) < 100) {
        const k = (y - 170) / 200;
        r = 0xff - 12 * k;
        g = 0xf6 - 26 * k;
        b = 0xea - 36 * k;
      }
      for (const [ex, ey] of eyes) {
        const e = Math.hypot(x - ex, y - ey);
        if (Math.abs(x - ex) < 24 && Math.abs(y - ey) < 18) [r, g, b] = [255, 255, 255];
        if (irises && e < ir) {
          const k = e / ir;
          r = 0x7f + (0x3d - 0x7f) * k;
          g = 0xb3 + (0x6f - 0xb3) * k;
          b = 0xff + (0xd1 - 0xff) * k;
          iris.push(y * S + x);
        }
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  return { rgba, iris };
}

/** Mean |dR|,|dG|,|dB| over the listed pixels of the indexed frame. */
function regionError(rgba: Uint8ClampedArray, index: Uint8Array, palette: number[][], pixels: readonly number[]): number {
  let sum = 0;
  for (const p of pixels) {
    const c = palette[index[p]!]!;
    sum += Math.abs(c[0]! - rgba[p * 4]!) + Math.abs(c[1]! - rgba[p * 4 + 1]!) + Math.abs(c[2]! - rgba[p * 4 + 2]!);
  }
  return sum / (3 * pixels.length);
}

/** Frame delays (cs) and whether each frame carries a local colour table, read from GIF bytes. */
function readGif(bytes: Uint8Array): { width: number; height: number; delays: number[]; local: boolean[]; loop: number | null } {
  const ascii = String.fromCharCode(...bytes.subarray(0, 6));
  expect(ascii).toBe('GIF89a');
  const u16 = (i: number): number => bytes[i]! | (bytes[i + 1]! << 8);
  const width = u16(6);
  const height = u16(8);
  let p = 13;
  if (bytes[10]! & 0x80) p += 3 * (2 << (bytes[10]! & 7));
  const delays: number[] = [];
  const local: boolean[] = [];
  let loop: number | null = null;
  let delay = 0;
  const skipSubBlocks = (): void => {
    while (bytes[p]! !== 0) p += bytes[p]! + 1;
    p++;
  };
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) delay = u16(p + 2);
      if (label === 0xff && String.fromCharCode(...bytes.subarray(p + 1, p + 12)) === 'NETSCAPE2.0') loop = u16(p + 14);
      skipSubBlocks();
    } else if (b === 0x2c) {
      const packed = bytes[p + 8]!;
      p += 9;
      local.push((packed & 0x80) !== 0);
      if (packed & 0x80) p += 3 * (2 << (packed & 7));
      p++; // LZW minimum code size
      skipSubBlocks();
      delays.push(delay);
    } else {
      throw new Error(`unexpected GIF block 0x${(b ?? 0).toString(16)} at ${p - 1}`);
    }
  }
  expect(p).toBe(bytes.length);
  return { width, height, delays, local, loop };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of parts) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

function encode(frames: Uint8ClampedArray[], width: number, height: number, fps: number): { bytes: Uint8Array; stream: GifFrameStream } {
  const stream = new GifFrameStream(lib, width, height, fps);
  const parts = frames.map((f) => stream.add(f));
  parts.push(stream.finish());
  return { bytes: concat(parts), stream };
}

describe('palette reuse', () => {
  it('re-quantizes when a small saturated region appears that the palette lacks (the teal-irises defect)', () => {
    const closed = faceFrame(false);
    const open = faceFrame(true);
    expect(open.iris.length).toBeGreaterThan(200);
    expect(open.iris.length).toBeLessThan(500);
    const step = paletteSampleStep(S, S);

    // Before: the mean-only rule keeps the palette made while the eyes were shut; the irises map to another hue.
    const before = new GifIndexer(lib, 'adaptive', step, meanOnly);
    before.index(closed.rgba);
    const b = before.index(open.rgba);
    const beforeIris = regionError(open.rgba, b.index, b.palette, open.iris);
    const beforeStats = before.lastStats;

    // After: the bad-pixel bound notices the region and the frame gets a fresh palette.
    const after = new GifIndexer(lib, 'adaptive', step);
    after.index(closed.rgba);
    const a = after.index(open.rgba);
    const afterIris = regionError(open.rgba, a.index, a.palette, open.iris);

    console.info(
      `iris pixels ${open.iris.length}: mean-only rule reused the palette (frame mean error ${beforeStats.mean.toFixed(2)}, ` +
        `${beforeStats.bad} badly mapped pixels) -> iris error ${beforeIris.toFixed(1)}/channel; ` +
        `with the bad-pixel bound: ${after.quantizeCount} palettes, iris error ${afterIris.toFixed(1)}/channel`,
    );
    expect(before.quantizeCount).toBe(1);
    expect(beforeIris).toBeGreaterThan(20);
    expect(after.quantizeCount).toBe(2);
    expect(afterIris).toBeLessThan(6);
    // The mapped iris colour is still blue (blue channel clearly above green), not teal.
    for (const p of open.iris) {
      const c = a.palette[a.index[p]!]!;
      expect(c[2]!).toBeGreaterThan(c[1]! + 20);
    }
  });

  it('still reuses the palette while frames only move (no re-quantizing every frame)', () => {
    const indexer = new GifIndexer(lib, 'adaptive', paletteSampleStep(256, 256));
    const n = 30;
    for (let i = 0; i < n; i++) indexer.index(syntheticFrame(256, 256, i, 150));
    expect(indexer.quantizeCount).toBeLessThanOrEqual(5); // 4 with this clip (the mean-only rule: 3)
    const perFrame = new GifIndexer(lib, 'per-frame', paletteSampleStep(256, 256));
    for (let i = 0; i < 3; i++) perFrame.index(syntheticFrame(256, 256, i, 150));
    expect(perFrame.quantizeCount).toBe(3);
  });

  it('measures mean error and badly mapped pixels on every pixel', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 255, 100, 100, 100, 255, 0, 0, 0, 255]);
    const stats = mappingStats(rgba, new Uint8Array([0, 0, 1]), [
      [10, 20, 30],
      [0, 0, 60],
    ]);
    // pixel errors (sum over RGB): 0, 90+80+70 = 240, 60
    expect(stats.bad).toBe(2);
    expect(stats.mean).toBeCloseTo(300 / 9, 10);
    expect(paletteStillFits({ mean: 2, bad: 0, pixels: 262144 }, { mean: 1.8, bad: 0, pixels: 262144 })).toBe(true);
    expect(paletteStillFits({ mean: 2, bad: 60, pixels: 262144 }, { mean: 1.8, bad: 0, pixels: 262144 })).toBe(false);
    expect(paletteStillFits({ mean: 3, bad: 0, pixels: 262144 }, { mean: 1.8, bad: 0, pixels: 262144 })).toBe(false);
  });
});

describe('GIF timing and stream', () => {
  it('places frame i at round(i * 100 / fps) cs', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => gifStartCs(i, 30))).toEqual([0, 3, 7, 10, 13, 17, 20]);
    expect(gifStartCs(15, 15)).toBe(100);
  });

  it('writes a GIF whose delays keep the total at n / fps, with one global palette for reused frames', () => {
    const frames = Array.from({ length: 30 }, (_, i) => syntheticFrame(33, 17, i, 30));
    const { bytes, stream } = encode(frames, 33, 17, 30);
    const gif = readGif(bytes);
    expect([gif.width, gif.height, gif.loop]).toEqual([33, 17, 0]);
    expect(gif.delays).toHaveLength(30);
    expect(gif.delays.slice(0, 6)).toEqual([3, 4, 3, 3, 4, 3]);
    expect(gif.delays.reduce((a, b) => a + b, 0)).toBe(100);
    // Frame 0's palette is the global table; a frame with another palette carries a local one.
    expect(gif.local[0]).toBe(false);
    expect(gif.local.filter(Boolean).length).toBeGreaterThanOrEqual(stream.indexer.quantizeCount - 1);
    expect([stream.framesAdded, stream.framesKept]).toEqual([30, 30]);
  });

  it('frames that reuse the first palette carry no local colour table', () => {
    const still = syntheticFrame(64, 64, 3, 10);
    const { bytes, stream } = encode([still, still, still, still], 64, 64, 10);
    expect(stream.indexer.quantizeCount).toBe(1);
    expect(readGif(bytes).local).toEqual([false, false, false, false]);
  });

  it('drops frames above 50 fps and keeps the total duration', () => {
    const frames = Array.from({ length: 60 }, (_, i) => syntheticFrame(16, 16, i, 60));
    const { bytes, stream } = encode(frames, 16, 16, 60);
    const gif = readGif(bytes);
    expect(gif.delays.length).toBe(stream.framesKept);
    expect(stream.framesKept).toBeLessThan(60);
    expect(gif.delays.every((d) => d >= 2)).toBe(true);
    expect(gif.delays.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('a single frame lasts 1 / fps (at least 2 cs)', () => {
    expect(readGif(encode([syntheticFrame(8, 8, 0, 1)], 8, 8, 10).bytes).delays).toEqual([10]);
    expect(readGif(encode([syntheticFrame(8, 8, 0, 1)], 8, 8, 100).bytes).delays).toEqual([2]);
  });

  it('reads frames that are views into a larger buffer', () => {
    const frame = syntheticFrame(16, 16, 0, 1);
    const pool = new Uint8ClampedArray(frame.length + 64);
    pool.set(frame, 32);
    const a = new GifIndexer(lib, 'adaptive', 1).index(pool.subarray(32, 32 + frame.length));
    const b = new GifIndexer(lib, 'adaptive', 1).index(frame);
    expect(a.index).toEqual(b.index);
  });

  it('rejects bad sizes, wrong frame lengths, finishing empty and adding after finish', () => {
    expect(() => new GifFrameStream(lib, 0, 8, 10)).toThrow(/invalid GIF size/);
    expect(() => new GifFrameStream(lib, 70000, 8, 10)).toThrow(/invalid GIF size/);
    expect(() => new GifFrameStream(lib, 8, 8, 0)).toThrow(/frame rate/);
    const stream = new GifFrameStream(lib, 8, 8, 10);
    expect(() => stream.add(new Uint8ClampedArray(10))).toThrow(/expected 256/);
    expect(() => stream.finish()).toThrow(/no frames/);
    stream.add(syntheticFrame(8, 8, 0, 1));
    stream.finish();
    expect(() => stream.add(syntheticFrame(8, 8, 0, 1))).toThrow(/already finished/);
    expect(() => stream.finish()).toThrow(/already finished/);
  });
});
