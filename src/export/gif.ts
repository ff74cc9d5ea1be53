// Animated GIF output via gifenc (pure JS).
//
// Palette (GifIndexer): 256 colours from gifenc's `quantize` (rgb565, run on a pixel subsample), reused for
// following frames as long as their mapping error stays within 1.1x + 0.5 of what a fresh palette gave;
// when colours drift further, the frame gets a new palette (a local colour table). Quantizing every frame
// costs ~10 ms per 512x512 frame on flat synthetic images but ~200 ms on photo-like/grainy ones, while
// reusing a palette costs ~3-15 ms (applyPalette), and it also avoids palette flicker between frames.
// Frames stream: each encoded frame is appended to the temp file as it arrives (one frame in memory).
//
// Timing: GIF delays are whole centiseconds. Frame i is placed at round(i * 100 / fps) cs and its delay
// is the gap to the next kept frame, so rounding errors never accumulate (30 fps -> delays 3,4,3,3,4,3,...;
// the total duration stays n / fps to within 1/100 s). Browsers replace delays below 2 cs with 10 cs, so
// above 50 fps frames that would start less than 2 cs after the previous kept frame are dropped (the GIF
// then has fewer frames than were written, at the same total duration). Loops forever.
import { createRequire } from 'node:module';
import { open, type FileHandle } from 'node:fs/promises';
import type { GifPalette } from 'gifenc';
import {
  ExportError,
  checkFrame,
  commitOutput,
  errMessage,
  prepareOutput,
  removeQuietly,
  serialQueue,
  type FrameWriter,
} from './common.ts';

// gifenc's package.json points Node at a CommonJS build without detectable named exports; require() it.
const gifenc = createRequire(import.meta.url)('gifenc') as typeof import('gifenc');

export type GifPaletteMode = 'adaptive' | 'per-frame';

export interface GifOptions {
  /**
   * 'adaptive' (default): quantize the first frame, keep mapping later frames to that palette while the
   * mapping error stays close to what a fresh palette achieved, re-quantize when it grows (colour change).
   * 'per-frame': quantize every frame (slower; 10-40x slower on photo-like, grainy content).
   */
  palette?: GifPaletteMode;
  /** Quantize on every `paletteSampleStep`-th pixel (1 = all pixels). Default: chosen from the frame size. */
  paletteSampleStep?: number;
}

/** Minimum delay that browsers honour, in centiseconds. */
const MIN_DELAY_CS = 2;

/** Re-quantize when the mean error with the current palette exceeds its fresh error by this factor + offset. */
const REQUANTIZE_FACTOR = 1.1;
const REQUANTIZE_OFFSET = 0.5;

/** Default subsample: aim at roughly 64k pixels for the quantizer. */
function defaultSampleStep(width: number, height: number): number {
  return Math.max(1, Math.floor((width * height) / 65536));
}

/**
 * gifenc reads pixels through `new Uint32Array(rgba.buffer)`, i.e. the WHOLE underlying ArrayBuffer,
 * ignoring byteOffset/length (pooled Node Buffers and subarray views would be misread): copy those.
 */
function standalone(rgba: Uint8ClampedArray): Uint8ClampedArray {
  return rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength ? rgba : new Uint8ClampedArray(rgba);
}

function subsample(rgba: Uint8ClampedArray, step: number): Uint8ClampedArray {
  if (step <= 1) return standalone(rgba);
  const pixels = Math.floor(rgba.length / 4);
  const out = new Uint8ClampedArray(Math.ceil(pixels / step) * 4);
  // Odd steps keep the sample from lining up with image columns when the width is a multiple of step.
  for (let p = 0, o = 0; p < pixels; p += step, o += 4) {
    const i = p * 4;
    out[o] = rgba[i]!;
    out[o + 1] = rgba[i + 1]!;
    out[o + 2] = rgba[i + 2]!;
    out[o + 3] = 255;
  }
  return out;
}

/** Mean absolute RGB error of the indexed frame, estimated on every 7th pixel. */
function mappingError(rgba: Uint8ClampedArray, index: Uint8Array, palette: GifPalette): number {
  let sum = 0;
  let n = 0;
  for (let p = 0; p < index.length; p += 7, n++) {
    const c = palette[index[p]!]!;
    const i = p * 4;
    sum += Math.abs(c[0]! - rgba[i]!) + Math.abs(c[1]! - rgba[i + 1]!) + Math.abs(c[2]! - rgba[i + 2]!);
  }
  return n > 0 ? sum / (3 * n) : 0;
}

/** Turns RGBA frames into palette + index bitmaps, reusing the palette while it still fits. */
export class GifIndexer {
  private palette: GifPalette | null = null;
  private freshError = 0;
  /** How many times a palette was computed (for tests and benchmarks). */
  quantizeCount = 0;

  constructor(
    private readonly mode: GifPaletteMode,
    private readonly step: number,
  ) {}

  index(frame: Uint8ClampedArray): { index: Uint8Array; palette: GifPalette } {
    const rgba = standalone(frame);
    if (this.palette && this.mode === 'adaptive') {
      const index = gifenc.applyPalette(rgba, this.palette, 'rgb565');
      const err = mappingError(rgba, index, this.palette);
      if (err <= this.freshError * REQUANTIZE_FACTOR + REQUANTIZE_OFFSET) return { index, palette: this.palette };
    }
    const palette = gifenc.quantize(subsample(rgba, this.step), 256, { format: 'rgb565' });
    const index = gifenc.applyPalette(rgba, palette, 'rgb565');
    this.quantizeCount++;
    this.palette = palette;
    this.freshError = mappingError(rgba, index, palette);
    return { index, palette };
  }
}

export async function createGifWriter(
  path: string,
  width: number,
  height: number,
  fps: number,
  options: GifOptions = {},
): Promise<FrameWriter> {
  if (width > 65535 || height > 65535) throw new ExportError(`GIF cannot be larger than 65535x65535 (got ${width}x${height})`);
  const step = Math.max(1, Math.floor(options.paletteSampleStep ?? defaultSampleStep(width, height)) | 1);
  const indexer = new GifIndexer(options.palette ?? 'adaptive', step);
  const { finalPath, tempPath } = await prepareOutput(path);
  let fh: FileHandle;
  try {
    fh = await open(tempPath, 'w');
  } catch (err) {
    throw new ExportError(`cannot write ${finalPath}: ${errMessage(err)}`, { cause: err });
  }
  const encoder = gifenc.GIFEncoder({ initialCapacity: width * height + 4096 });
  const serial = serialQueue();
  const startCs = (i: number): number => Math.round((i * 100) / fps);

  let state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  let received = 0; // frames passed to write()
  let pending: { index: Uint8Array; palette: GifPalette; start: number } | null = null;
  let globalPalette: GifPalette | null = null;
  let lastKeptStart: number | null = null; // start (cs) of the last frame accepted for encoding
  let fileOpen = true;
  let abortPromise: Promise<void> | null = null;
  const aborted = (): boolean => state === 'aborted';

  const flushPending = async (delayCs: number): Promise<void> => {
    if (!pending) return;
    const { index, palette } = pending;
    pending = null;
    // The first frame's palette becomes the global colour table; frames mapped to it need no local table.
    const local = globalPalette === null || palette !== globalPalette ? palette : null;
    globalPalette ??= palette;
    encoder.writeFrame(index, width, height, { palette: local, delay: delayCs * 10, repeat: 0 });
    await flushEncoder();
  };
  const flushEncoder = async (): Promise<void> => {
    const bytes = encoder.bytesView();
    if (bytes.length === 0) return;
    await fh.write(bytes, 0, bytes.length);
    encoder.stream.reset(); // keeps gifenc's "header written" state; only rewinds its byte buffer
  };
  const closeFile = async (): Promise<void> => {
    if (!fileOpen) return;
    fileOpen = false;
    await fh.close();
  };
  const fail = async (err: unknown): Promise<never> => {
    state = 'aborted';
    pending = null;
    await closeFile().catch(() => undefined);
    await removeQuietly(tempPath);
    if (err instanceof ExportError) throw err;
    throw new ExportError(`GIF export to ${finalPath} failed: ${errMessage(err)}`, { cause: err });
  };

  return {
    write(rgba) {
      if (state !== 'open') return Promise.reject(new ExportError(`cannot write a frame: the GIF writer for ${finalPath} is ${state}`));
      try {
        checkFrame(rgba, width, height);
      } catch (err) {
        return Promise.reject(err);
      }
      const i = received++;
      const start = startCs(i);
      if (lastKeptStart !== null && start - lastKeptStart < MIN_DELAY_CS) return Promise.resolve(); // dropped (> 50 fps)
      lastKeptStart = start;
      // Quantize now (synchronously): the caller may reuse `rgba` as soon as this promise resolves.
      let frame: { index: Uint8Array; palette: GifPalette };
      try {
        frame = indexer.index(rgba);
      } catch (err) {
        return fail(err);
      }
      return serial(async () => {
        if (state !== 'open') return;
        try {
          if (pending) await flushPending(start - pending.start);
          pending = { ...frame, start };
        } catch (err) {
          await fail(err);
        }
      });
    },
    close() {
      return serial(async () => {
        if (state !== 'open') throw new ExportError(`the GIF writer for ${finalPath} is already ${state}`);
        state = 'closing';
        try {
          if (!pending) throw new ExportError(`no frames were written to ${finalPath}`);
          const end = startCs(received);
          await flushPending(Math.max(MIN_DELAY_CS, end - pending.start));
          encoder.finish();
          await flushEncoder();
          await closeFile();
        } catch (err) {
          await fail(err);
        }
        if (aborted()) {
          await removeQuietly(tempPath);
          throw new ExportError(`GIF export to ${finalPath} was aborted`);
        }
        await commitOutput(tempPath, finalPath);
        state = 'closed';
      });
    },
    abort() {
      if (state === 'closed') return Promise.resolve();
      abortPromise ??= (async () => {
        state = 'aborted';
        pending = null;
        await serial(async () => undefined).catch(() => undefined); // let an in-flight file write finish
        await closeFile().catch(() => undefined);
        await removeQuietly(tempPath);
      })();
      return abortPromise;
    },
  };
}
