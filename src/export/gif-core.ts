// The GIF rules shared by the CLI (gif.ts, Node) and the page (src/web/gif-worker.ts, a Web Worker):
// palette choice, frame timing and the gifenc calls. Pure: no node:* and no DOM; gifenc itself is passed
// in (`GifencApi`), because Node has to require() its CommonJS build while the page bundles its ESM build.
//
// Palette (GifIndexer): 256 colours from gifenc's `quantize` (rgb565, run on a pixel subsample), reused for
// following frames while the reused palette still fits the frame; when it stops fitting, the frame gets a
// new palette (a local colour table). Quantizing every frame costs ~10 ms per 512x512 frame on flat
// synthetic images but ~200 ms on photo-like/grainy ones, while reusing a palette costs ~3-15 ms
// (applyPalette), and reuse also avoids palette flicker between frames.
// "Still fits" is two tests against what the fresh palette achieved on the frame it was made for:
//  1. the mean per-channel error is within 1.1x + 0.5 of the fresh mean (gradual drift), and
//  2. the number of badly mapped pixels (|dR|+|dG|+|dB| > 48: another hue, not rounding) is within
//     1.25x of the fresh count plus a floor of 0.02 % of the frame (52 pixels at 512x512).
// Test 2 exists because test 1 alone is blind to small regions: in `emotebot demo` a palette made during a
// blink (eyes shut, no blue in the frame) was kept for the rest of the clip, and the irises (~1.4 % of the
// frame, error ~30 per channel, so +0.4 on the mean) came out teal.
//
// Timing: GIF delays are whole centiseconds. Frame i is placed at round(i * 100 / fps) cs and its delay
// is the gap to the next kept frame, so rounding errors never accumulate (30 fps -> delays 3,4,3,3,4,3,...;
// the total duration stays n / fps to within 1/100 s). Browsers replace delays below 2 cs with 10 cs, so
// above 50 fps frames that would start less than 2 cs after the previous kept frame are dropped (the GIF
// then has fewer frames than were added, at the same total duration). Loops forever.
import type { GifEncoderInstance, GifPalette } from 'gifenc';

/** The parts of gifenc used here (Node: `createRequire(import.meta.url)('gifenc')`; browser: `import * as`). */
export interface GifencApi {
  quantize: typeof import('gifenc').quantize;
  applyPalette: typeof import('gifenc').applyPalette;
  GIFEncoder: typeof import('gifenc').GIFEncoder;
}

export type GifPaletteMode = 'adaptive' | 'per-frame';

export interface GifOptions {
  /**
   * 'adaptive' (default): quantize the first frame, keep mapping later frames to that palette while it still
   * fits (see the rule above), re-quantize when it stops fitting.
   * 'per-frame': quantize every frame (slower; 10-40x slower on photo-like, grainy content).
   */
  palette?: GifPaletteMode;
  /** Quantize on every `paletteSampleStep`-th pixel (1 = all pixels). Default: chosen from the frame size. */
  paletteSampleStep?: number;
}

/** Minimum delay that browsers honour, in centiseconds. */
export const MIN_DELAY_CS = 2;

/** Reuse test 1: mean error within this factor + offset of the fresh palette's. */
export const REUSE_MEAN_FACTOR = 1.1;
export const REUSE_MEAN_OFFSET = 0.5;
/** A pixel is badly mapped when |dR| + |dG| + |dB| exceeds this. */
export const BAD_PIXEL_L1 = 48;
/** Reuse test 2: badly mapped pixels within this factor of the fresh count + a floor (fraction of the frame). */
export const REUSE_BAD_FACTOR = 1.25;
export const REUSE_BAD_FLOOR_FRACTION = 0.0002;
const REUSE_BAD_FLOOR_MIN = 4;

/** Start of frame i in centiseconds. */
export function gifStartCs(i: number, fps: number): number {
  return Math.round((i * 100) / fps);
}

/** Default subsample: aim at roughly 64k pixels for the quantizer. */
export function defaultSampleStep(width: number, height: number): number {
  return Math.max(1, Math.floor((width * height) / 65536));
}

/** The quantizer's pixel step: the option or the default, made odd (so the sample never lines up with columns). */
export function paletteSampleStep(width: number, height: number, option?: number): number {
  return Math.max(1, Math.floor(option ?? defaultSampleStep(width, height)) | 1);
}

/**
 * gifenc reads pixels through `new Uint32Array(rgba.buffer)`, i.e. the WHOLE underlying ArrayBuffer,
 * ignoring byteOffset/length (pooled Node Buffers and subarray views would be misread): copy those.
 */
export function standalone(rgba: Uint8ClampedArray): Uint8ClampedArray {
  return rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength ? rgba : new Uint8ClampedArray(rgba);
}

function subsample(rgba: Uint8ClampedArray, step: number): Uint8ClampedArray {
  if (step <= 1) return standalone(rgba);
  const pixels = Math.floor(rgba.length / 4);
  const out = new Uint8ClampedArray(Math.ceil(pixels / step) * 4);
  for (let p = 0, o = 0; p < pixels; p += step, o += 4) {
    const i = p * 4;
    out[o] = rgba[i]!;
    out[o + 1] = rgba[i + 1]!;
    out[o + 2] = rgba[i + 2]!;
    out[o + 3] = 255;
  }
  return out;
}

export interface MappingStats {
  /** Mean absolute error per RGB channel, 0..255. */
  mean: number;
  /** Pixels with |dR| + |dG| + |dB| > BAD_PIXEL_L1. */
  bad: number;
  /** Pixels measured (every pixel of the frame). */
  pixels: number;
}

/** How well `index` + `palette` reproduce `rgba`, measured on every pixel (~1 ms at 512x512). */
export function mappingStats(rgba: Uint8ClampedArray, index: Uint8Array, palette: GifPalette): MappingStats {
  const n = palette.length;
  const pr = new Int32Array(n);
  const pg = new Int32Array(n);
  const pb = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const c = palette[k]!;
    pr[k] = c[0] ?? 0;
    pg[k] = c[1] ?? 0;
    pb[k] = c[2] ?? 0;
  }
  let sum = 0;
  let bad = 0;
  const pixels = index.length;
  for (let p = 0, i = 0; p < pixels; p++, i += 4) {
    const k = index[p]!;
    const e = Math.abs(pr[k]! - rgba[i]!) + Math.abs(pg[k]! - rgba[i + 1]!) + Math.abs(pb[k]! - rgba[i + 2]!);
    sum += e;
    if (e > BAD_PIXEL_L1) bad++;
  }
  return { mean: pixels > 0 ? sum / (3 * pixels) : 0, bad, pixels };
}

/** Whether a reused palette's mapping (`reused`) is still close enough to what a fresh one gave (`fresh`). */
export function paletteStillFits(reused: MappingStats, fresh: MappingStats): boolean {
  const badFloor = Math.max(REUSE_BAD_FLOOR_MIN, Math.round(reused.pixels * REUSE_BAD_FLOOR_FRACTION));
  return reused.mean <= fresh.mean * REUSE_MEAN_FACTOR + REUSE_MEAN_OFFSET && reused.bad <= fresh.bad * REUSE_BAD_FACTOR + badFloor;
}

export interface IndexedFrame {
  index: Uint8Array;
  palette: GifPalette;
}

/** Turns RGBA frames into palette + index bitmaps, reusing the palette while it still fits. */
export class GifIndexer {
  private palette: GifPalette | null = null;
  private fresh: MappingStats = { mean: 0, bad: 0, pixels: 0 };
  /** How many times a palette was computed (for tests and benchmarks). */
  quantizeCount = 0;
  /** Stats of the last indexed frame against the palette it got (for tests and benchmarks). */
  lastStats: MappingStats = { mean: 0, bad: 0, pixels: 0 };

  constructor(
    private readonly lib: GifencApi,
    private readonly mode: GifPaletteMode,
    private readonly step: number,
    /** The reuse rule; tests swap in the old mean-only rule to measure the difference. */
    private readonly fits: (reused: MappingStats, fresh: MappingStats) => boolean = paletteStillFits,
  ) {}

  index(frame: Uint8ClampedArray): IndexedFrame {
    const rgba = standalone(frame);
    if (this.palette && this.mode === 'adaptive') {
      const index = this.lib.applyPalette(rgba, this.palette, 'rgb565');
      const stats = mappingStats(rgba, index, this.palette);
      if (this.fits(stats, this.fresh)) {
        this.lastStats = stats;
        return { index, palette: this.palette };
      }
    }
    const palette = this.lib.quantize(subsample(rgba, this.step), 256, { format: 'rgb565' });
    const index = this.lib.applyPalette(rgba, palette, 'rgb565');
    this.quantizeCount++;
    this.palette = palette;
    this.fresh = mappingStats(rgba, index, palette);
    this.lastStats = this.fresh;
    return { index, palette };
  }
}

/**
 * A GIF built frame by frame: add() indexes the frame at once (the caller may reuse its buffer afterwards)
 * and returns the bytes completed so far; finish() returns the rest. Concatenated, they are the file.
 * A frame is only written when the next one arrives (its delay is the gap to it), so one indexed frame is held.
 */
export class GifFrameStream {
  readonly indexer: GifIndexer;
  private readonly encoder: GifEncoderInstance;
  private pending: (IndexedFrame & { start: number }) | null = null;
  private globalPalette: GifPalette | null = null;
  private lastKeptStart: number | null = null;
  private added = 0;
  private kept = 0;
  private finished = false;

  constructor(
    lib: GifencApi,
    readonly width: number,
    readonly height: number,
    readonly fps: number,
    options: GifOptions = {},
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 65535 || height > 65535) {
      throw new Error(`invalid GIF size ${width}x${height}: width and height must be whole numbers from 1 to 65535`);
    }
    if (!Number.isFinite(fps) || fps <= 0) throw new Error(`invalid GIF frame rate ${fps}: expected a positive number`);
    this.indexer = new GifIndexer(lib, options.palette ?? 'adaptive', paletteSampleStep(width, height, options.paletteSampleStep));
    this.encoder = lib.GIFEncoder({ initialCapacity: width * height + 4096 });
  }

  /** Frames passed to add(). */
  get framesAdded(): number {
    return this.added;
  }

  /** Frames that will be in the file (fewer than added above 50 fps). */
  get framesKept(): number {
    return this.kept;
  }

  /** Adds the next frame (RGBA, width x height). Returns the bytes this completed (often the previous frame), maybe none. */
  add(rgba: Uint8ClampedArray): Uint8Array<ArrayBuffer> {
    if (this.finished) throw new Error('cannot add a frame: the GIF is already finished');
    const expected = this.width * this.height * 4;
    if (rgba.length !== expected) {
      throw new Error(`frame has ${rgba.length} bytes, expected ${expected} (${this.width}x${this.height} RGBA)`);
    }
    const start = gifStartCs(this.added++, this.fps);
    if (this.lastKeptStart !== null && start - this.lastKeptStart < MIN_DELAY_CS) return new Uint8Array(0); // dropped (> 50 fps)
    this.lastKeptStart = start;
    this.kept++;
    const frame = this.indexer.index(rgba);
    const previous = this.pending;
    this.pending = { ...frame, start };
    if (!previous) return new Uint8Array(0);
    this.writeFrame(previous, start - previous.start);
    return this.take();
  }

  /** Writes the last frame (lasting until n / fps) and the trailer; returns the remaining bytes. */
  finish(): Uint8Array<ArrayBuffer> {
    if (this.finished) throw new Error('the GIF is already finished');
    const last = this.pending;
    if (!last) throw new Error('no frames were added to the GIF');
    this.finished = true;
    this.pending = null;
    this.writeFrame(last, Math.max(MIN_DELAY_CS, gifStartCs(this.added, this.fps) - last.start));
    this.encoder.finish();
    return this.take();
  }

  private writeFrame(frame: IndexedFrame, delayCs: number): void {
    // The first frame's palette becomes the global colour table; frames mapped to it need no local table.
    const local = this.globalPalette === null || frame.palette !== this.globalPalette ? frame.palette : null;
    this.globalPalette ??= frame.palette;
    this.encoder.writeFrame(frame.index, this.width, this.height, { palette: local, delay: delayCs * 10, repeat: 0 });
  }

  /** A copy of the encoder's bytes so far; then rewinds its buffer (keeping gifenc's "header written" state). */
  private take(): Uint8Array<ArrayBuffer> {
    const bytes = this.encoder.bytes() as Uint8Array<ArrayBuffer>; // a slice: its own ArrayBuffer
    this.encoder.stream.reset();
    return bytes;
  }
}
