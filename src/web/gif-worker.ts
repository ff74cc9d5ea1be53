/**
 * The page's GIF encoder, a module Web Worker (so the page's frame loop never waits on quantizing):
 * RGBA frames come in (transferred), go through the same GifFrameStream as the CLI's GIF writer
 * (src/export/gif-core.ts: palette reuse rule, centisecond delays, > 50 fps drops), and the file goes
 * back as a Blob at the end. Every frame is acknowledged once indexed, which is the page's backpressure.
 *
 * Protocol (recorder.ts is the only client): one `init` (answered `ready`), then `frame`s (each answered
 * `ack`), then `finish` (answered `done` with the file); or `error`, after which nothing else is read.
 */
import { GIFEncoder, applyPalette, quantize } from 'gifenc';
import { GifFrameStream, type GifencApi, type GifOptions } from '../export/gif-core.ts';

export type GifWorkerRequest =
  | { type: 'init'; width: number; height: number; fps: number; options?: GifOptions }
  | { type: 'frame'; seq: number; pixels: ArrayBuffer }
  | { type: 'finish' };

export type GifWorkerReply =
  | { type: 'ready' }
  | { type: 'ack'; seq: number; kept: number }
  | { type: 'done'; blob: Blob; frames: number; palettes: number }
  | { type: 'error'; message: string };

const lib: GifencApi = { GIFEncoder, applyPalette, quantize };
let stream: GifFrameStream | null = null;
let parts: Uint8Array<ArrayBuffer>[] = [];
let failed = false;

function reply(message: GifWorkerReply): void {
  postMessage(message);
}

function handle(msg: GifWorkerRequest): void {
  switch (msg.type) {
    case 'init':
      stream = new GifFrameStream(lib, msg.width, msg.height, msg.fps, msg.options);
      parts = [];
      reply({ type: 'ready' });
      return;
    case 'frame': {
      if (!stream) throw new Error('frame before init');
      const bytes = stream.add(new Uint8ClampedArray(msg.pixels));
      if (bytes.length > 0) parts.push(bytes);
      reply({ type: 'ack', seq: msg.seq, kept: stream.framesKept });
      return;
    }
    case 'finish': {
      if (!stream) throw new Error('finish before init');
      parts.push(stream.finish());
      const blob = new Blob(parts, { type: 'image/gif' });
      reply({ type: 'done', blob, frames: stream.framesKept, palettes: stream.indexer.quantizeCount });
      parts = [];
      stream = null;
      return;
    }
  }
}

addEventListener('message', (event: MessageEvent<GifWorkerRequest>) => {
  if (failed) return;
  try {
    handle(event.data);
  } catch (err) {
    failed = true;
    parts = [];
    stream = null;
    reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
