/**
 * The encoders behind the page's "Download" button (issue #3): the animation as a GIF or a WebM, made in
 * the page, with nothing sent anywhere.
 *
 * Both formats take frames the same way: addFrame(canvas) copies the canvas at once (into a scratch 2D
 * canvas of the clip's size, over white, so a differently sized or transparent source gives the same
 * result in both formats; for a WebGL canvas without preserveDrawingBuffer, call it in the task that drew).
 *
 * - GIF: the pixels are read on the main thread (getImageData) and transferred to a module worker
 *   (gif-worker.ts) that runs the CLI's GIF rules (src/export/gif-core.ts: adaptive palette, centisecond
 *   delays). At most GIF_IN_FLIGHT frames are queued in the worker: addFrame waits beyond that.
 * - WebM: WebCodecs VideoEncoder (VP9 where the browser can, else VP8), a key frame every 2 s, frame i
 *   stamped i / fps, muxed by webm-muxer into memory. addFrame waits while the encoder holds more than
 *   WEBM_MAX_QUEUE frames.
 *
 * Every failure is an Error with a one-line message meant for the page (e.g. "This browser cannot encode
 * WebM (no WebCodecs VP8/VP9)."); after cancel(), addFrame and finish reject.
 */
import { ArrayBufferTarget, Muxer } from 'webm-muxer';
import type { GifWorkerReply, GifWorkerRequest } from './gif-worker.ts';

export type ClipFormat = 'gif' | 'webm';

export interface ClipEncoderOptions {
  /** Size of the clip in pixels; frames of another size are scaled to it. */
  width: number;
  height: number;
  /** Frames per second: frame i starts at i / fps. */
  fps: number;
  format: ClipFormat;
  /** Total frames, for progress. */
  frames: number;
  /** Called as frames are encoded: `done` of `total` (= `frames`). */
  onProgress?: (done: number, total: number) => void;
}

export interface ClipEncoder {
  readonly format: ClipFormat;
  /** The finished file's type: 'image/gif' or 'video/webm'. */
  readonly mimeType: string;
  /** File name extension without the dot: 'gif' or 'webm'. */
  readonly extension: string;
  /**
   * Adds the next frame: a canvas (2D or WebGL, already drawn) whose pixels are copied now, before this
   * returns. The promise resolves when the encoder can take another frame (backpressure): await it.
   */
  addFrame(source: HTMLCanvasElement | OffscreenCanvas): Promise<void>;
  /** Finishes and returns the file (image/gif or video/webm). */
  finish(): Promise<Blob>;
  /** Stops, frees the worker / encoder; addFrame and finish afterwards reject. Safe to call twice. */
  cancel(): void;
}

export const WEBM_UNSUPPORTED_MESSAGE = 'This browser cannot encode WebM (no WebCodecs VP8/VP9).';

/** Frames handed to the GIF worker and not yet indexed (each width x height x 4 bytes). */
const GIF_IN_FLIGHT = 3;
/** Frames the VideoEncoder may hold before addFrame waits. */
const WEBM_MAX_QUEUE = 4;
/** A key frame every this many seconds. */
const WEBM_KEYFRAME_SECONDS = 2;

/** The formats this browser can make for a clip of this size (WebM only where VideoEncoder takes VP9 or VP8). */
export async function supportedFormats(clip: { width: number; height: number; fps: number } = { width: 512, height: 512, fps: 30 }): Promise<ClipFormat[]> {
  const webm = await chooseWebmCodec(clip.width, clip.height, clip.fps);
  return webm ? ['gif', 'webm'] : ['gif'];
}

export async function createClipEncoder(o: ClipEncoderOptions): Promise<ClipEncoder> {
  const { width, height, fps, format, frames } = o;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 4096 || height > 4096) {
    throw new Error(`Cannot record a ${width}x${height} clip: width and height must be whole numbers from 1 to 4096.`);
  }
  if (!Number.isFinite(fps) || fps <= 0 || fps > 240) throw new Error(`Cannot record at ${fps} frames per second: expected more than 0, at most 240.`);
  if (!Number.isFinite(frames) || frames < 0) throw new Error(`Cannot record ${frames} frames.`);
  if (format === 'gif') return createGifEncoder(o);
  if (format === 'webm') return createWebmEncoder(o);
  throw new Error(`Cannot record "${String(format)}": the page makes GIF or WebM.`);
}

// ---------------------------------------------------------------------------------------------------------
// Shared plumbing

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A width x height 2D canvas to copy frames into (OffscreenCanvas where there is one). */
function scratchCanvas(width: number, height: number, willReadFrequently: boolean): Context2D {
  const settings: CanvasRenderingContext2DSettings = { alpha: false, willReadFrequently };
  if (typeof OffscreenCanvas !== 'undefined') {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', settings);
    if (ctx) return ctx;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', settings);
  if (!ctx) throw new Error('Cannot record: this browser has no Canvas 2D.');
  return ctx;
}

/** Copies the source, scaled to the clip's size, over white (transparent pixels become white, not black). */
function copyFrame(ctx: Context2D, source: HTMLCanvasElement | OffscreenCanvas): void {
  const { width, height } = ctx.canvas;
  if (source.width === 0 || source.height === 0) throw new Error('Cannot record an empty canvas (0 pixels wide or high).');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(source, 0, 0, width, height);
}

type State = 'open' | 'finishing' | 'finished' | 'cancelled' | 'failed';

/** State, failure and promise wake-ups shared by both encoders. */
class Lifecycle {
  state: State = 'open';
  failure: Error | null = null;
  private waiters: { ready: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(private readonly what: string) {}

  /** Throws unless frames may still be added. */
  checkOpen(action: string): void {
    if (this.failure) throw this.failure;
    if (this.state === 'cancelled') throw new Error(`Cannot ${action}: the ${this.what} recording was cancelled.`);
    if (this.state !== 'open') throw new Error(`Cannot ${action}: the ${this.what} recording is already ${this.state}.`);
  }

  fail(err: Error): void {
    if (this.failure || this.state === 'cancelled' || this.state === 'finished') return;
    this.failure = err;
    this.state = 'failed';
    this.wake();
  }

  cancel(): boolean {
    if (this.state === 'cancelled' || this.state === 'finished') return false;
    this.state = 'cancelled';
    this.wake();
    return true;
  }

  /** Resolves once `ready()` holds; rejects on failure or cancel. */
  until(ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ ready, resolve, reject });
      this.wake();
    });
  }

  /** Re-checks every waiter (call after anything that may change `ready()`). */
  wake(): void {
    const stopped = this.failure ?? (this.state === 'cancelled' ? new Error(`The ${this.what} recording was cancelled.`) : null);
    this.waiters = this.waiters.filter((w) => {
      if (stopped) {
        w.reject(stopped);
        return false;
      }
      if (!w.ready()) return true;
      w.resolve();
      return false;
    });
  }
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}

// ---------------------------------------------------------------------------------------------------------
// GIF: main thread reads pixels, the worker indexes and writes

async function createGifEncoder(o: ClipEncoderOptions): Promise<ClipEncoder> {
  const { width, height, fps, frames: total } = o;
  const life = new Lifecycle('GIF');
  const ctx = scratchCanvas(width, height, true);
  let worker: Worker;
  try {
    worker = new Worker(new URL('./gif-worker.ts', import.meta.url), { type: 'module', name: 'emotebot-gif' });
  } catch (err) {
    throw new Error(`Cannot start the GIF encoder: ${message(err)}`, { cause: err });
  }
  let ready = false;
  let sent = 0;
  let acked = 0;
  const result: { blob: Blob | null } = { blob: null };

  const stopWorker = (): void => worker.terminate();
  worker.addEventListener('message', (event: MessageEvent<GifWorkerReply>) => {
    const msg = event.data;
    switch (msg.type) {
      case 'ready':
        ready = true;
        break;
      case 'ack':
        acked = msg.seq + 1;
        o.onProgress?.(Math.min(acked, total), total);
        break;
      case 'done':
        result.blob = msg.blob;
        break;
      case 'error':
        life.fail(new Error(`GIF encoding failed: ${msg.message}`));
        stopWorker();
        break;
    }
    life.wake();
  });
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    life.fail(new Error(`The GIF encoder stopped: ${event.message || 'its worker could not be loaded or crashed'}.`));
    stopWorker();
  });
  worker.addEventListener('messageerror', () => {
    life.fail(new Error('The GIF encoder stopped: a message could not be read.'));
    stopWorker();
  });

  const post = (msg: GifWorkerRequest, transfer: Transferable[] = []): void => worker.postMessage(msg, transfer);
  post({ type: 'init', width, height, fps });
  try {
    await life.until(() => ready);
  } catch (err) {
    stopWorker();
    throw err;
  }

  return {
    format: 'gif',
    mimeType: 'image/gif',
    extension: 'gif',
    async addFrame(source) {
      life.checkOpen('add a frame');
      copyFrame(ctx, source);
      const pixels = ctx.getImageData(0, 0, width, height).data.buffer;
      post({ type: 'frame', seq: sent++, pixels }, [pixels]);
      await life.until(() => sent - acked < GIF_IN_FLIGHT);
    },
    async finish() {
      life.checkOpen('finish');
      if (sent === 0) throw new Error('Cannot finish the GIF: no frames were added.');
      life.state = 'finishing';
      post({ type: 'finish' });
      try {
        await life.until(() => result.blob !== null);
      } finally {
        stopWorker();
      }
      if (!result.blob) throw new Error('GIF encoding failed: the encoder returned no file.');
      life.state = 'finished';
      return result.blob;
    },
    cancel() {
      if (life.cancel()) stopWorker();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// WebM: WebCodecs VideoEncoder + webm-muxer

interface WebmCodec {
  config: VideoEncoderConfig;
  /** Matroska codec id. */
  mux: 'V_VP9' | 'V_VP8';
}

/** About 0.2 bit per pixel per frame: ~1.6 Mbit/s at 512x512, 30 fps (plenty for the flat-shaded character). */
function webmBitrate(width: number, height: number, fps: number): number {
  return Math.round(Math.min(8e6, Math.max(2.5e5, width * height * fps * 0.2)));
}

/** VP9 profile 0, 8 bit, the smallest level whose picture size fits. */
function vp9Codec(width: number, height: number): string {
  const px = width * height;
  const level = px <= 552_960 ? '30' : px <= 983_040 ? '31' : px <= 2_228_224 ? '40' : '50';
  return `vp09.00.${level}.08`;
}

const codecCache = new Map<string, Promise<WebmCodec | null>>();

function chooseWebmCodec(width: number, height: number, fps: number): Promise<WebmCodec | null> {
  const key = `${width}x${height}@${fps}`;
  let found = codecCache.get(key);
  if (!found) {
    found = probeWebmCodec(width, height, fps);
    codecCache.set(key, found);
  }
  return found;
}

async function probeWebmCodec(width: number, height: number, fps: number): Promise<WebmCodec | null> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') return null;
  const base = { width, height, framerate: fps, bitrate: webmBitrate(width, height, fps), latencyMode: 'quality' as const };
  const candidates: WebmCodec[] = [
    { config: { ...base, codec: vp9Codec(width, height) }, mux: 'V_VP9' },
    { config: { ...base, codec: 'vp8' }, mux: 'V_VP8' },
  ];
  for (const c of candidates) {
    try {
      const support = await VideoEncoder.isConfigSupported(c.config);
      if (support.supported) return c;
    } catch {
      // A config the browser cannot even parse: try the next.
    }
  }
  return null;
}

/**
 * webm-muxer writes the segment Duration as the LAST frame's start (ms); a clip of n frames lasts n / fps.
 * Sets it to `durationMs` where the muxer put it (an EBML Duration, ID 0x4489, 8-byte float, in the
 * segment info at the start of the file), only if the value there is the one expected.
 */
function patchWebmDuration(buffer: ArrayBuffer, lastStartMs: number, durationMs: number): boolean {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const end = Math.min(bytes.length - 11, 4096);
  for (let i = 0; i <= end; i++) {
    if (bytes[i] === 0x44 && bytes[i + 1] === 0x89 && bytes[i + 2] === 0x88 && view.getFloat64(i + 3) === lastStartMs) {
      view.setFloat64(i + 3, durationMs);
      return true;
    }
  }
  return false;
}

async function createWebmEncoder(o: ClipEncoderOptions): Promise<ClipEncoder> {
  const { width, height, fps, frames: total } = o;
  const codec = await chooseWebmCodec(width, height, fps);
  if (!codec) throw new Error(WEBM_UNSUPPORTED_MESSAGE);
  const life = new Lifecycle('WebM');
  const ctx = scratchCanvas(width, height, false);
  const target = new ArrayBufferTarget();
  const muxer = new Muxer({ target, video: { codec: codec.mux, width, height, frameRate: fps } });
  const keyEvery = Math.max(1, Math.round(WEBM_KEYFRAME_SECONDS * fps));
  const stamp = (i: number): number => Math.round((i * 1e6) / fps); // microseconds
  let added = 0;
  let encoded = 0;

  const encoder = new VideoEncoder({
    output(chunk, meta) {
      if (life.state === 'cancelled' || life.failure) return;
      try {
        muxer.addVideoChunk(chunk, meta);
      } catch (err) {
        life.fail(new Error(`WebM encoding failed: ${message(err)}`, { cause: err }));
        return;
      }
      encoded++;
      o.onProgress?.(Math.min(encoded, total), total);
    },
    error(err) {
      life.fail(new Error(`WebM encoding failed: ${message(err)}`, { cause: err }));
    },
  });
  const closeEncoder = (): void => {
    if (encoder.state !== 'closed') encoder.close();
  };
  try {
    encoder.configure(codec.config);
  } catch (err) {
    closeEncoder();
    throw new Error(`Cannot start the WebM encoder (${codec.config.codec}): ${message(err)}`, { cause: err });
  }
  // The encoder signals each frame it takes from its queue; poll too in case a browser lacks the event.
  const dequeued = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, 50);
      function done(): void {
        clearTimeout(timer);
        encoder.removeEventListener('dequeue', done);
        resolve();
      }
      encoder.addEventListener('dequeue', done);
    });

  return {
    format: 'webm',
    mimeType: 'video/webm',
    extension: 'webm',
    async addFrame(source) {
      life.checkOpen('add a frame');
      copyFrame(ctx, source);
      const i = added++;
      const timestamp = stamp(i);
      const frame = new VideoFrame(ctx.canvas, { timestamp, duration: stamp(i + 1) - timestamp });
      try {
        encoder.encode(frame, { keyFrame: i % keyEvery === 0 });
      } catch (err) {
        life.fail(new Error(`WebM encoding failed: ${message(err)}`, { cause: err }));
      } finally {
        frame.close();
      }
      while (life.state === 'open' && !life.failure && encoder.encodeQueueSize > WEBM_MAX_QUEUE) await dequeued();
      life.checkOpen('add a frame');
    },
    async finish() {
      life.checkOpen('finish');
      if (added === 0) throw new Error('Cannot finish the WebM: no frames were added.');
      life.state = 'finishing';
      try {
        await encoder.flush();
      } catch (err) {
        life.fail(new Error(`WebM encoding failed: ${message(err)}`, { cause: err }));
      }
      closeEncoder();
      if (life.failure) throw life.failure;
      if (life.state !== 'finishing') throw new Error('Cannot finish: the WebM recording was cancelled.');
      muxer.finalize();
      patchWebmDuration(target.buffer, Math.floor(stamp(added - 1) / 1000), (added * 1000) / fps);
      life.state = 'finished';
      return new Blob([target.buffer], { type: 'video/webm' });
    },
    cancel() {
      if (life.cancel()) closeEncoder();
    },
  };
}
