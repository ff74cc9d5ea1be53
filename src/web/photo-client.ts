/**
 * The page's side of photo analysis: checks and decodes the file in the browser, hands the
 * picture to the analysis worker, and turns its answer into a photo ready to animate or a
 * message for the user. The photo never leaves this browser.
 */
import { MAX_PHOTO_PIXELS } from '../face/crop.ts';
import type { AnalyseRequest, AnalyseResponse } from './analysis-protocol.ts';

/** Largest file accepted (as on the command line). */
export const MAX_PHOTO_BYTES = 64 * 1024 * 1024;

export interface AnalysedPhoto {
  image: ImageBitmap;
  width: number;
  height: number;
  mesh: Float32Array;
  /** The face's skin colour (RGB 0..255), when the analysis could read it. */
  skin?: [number, number, number];
  faceCount: number;
  /** How well the detector read the face (face/crop.ts flipDiscrepancy): above UNCERTAIN_FLIP, uncertain. */
  flipDiscrepancy: number;
  /** Milliseconds: models loaded (0 when already loaded) and photo analysed. */
  loadMs: number;
  analyseMs: number;
}

/** A photo that cannot be animated, with a message for the user. */
export class PhotoError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PhotoError';
  }
}

export interface PhotoAnalyser {
  analyse(source: Blob | ImageBitmap, size: number): Promise<AnalysedPhoto>;
  dispose(): void;
}

export interface PhotoAnalyserOptions {
  /** Absolute URLs (ending in "/") of the app's copies of Human's models and tfjs's .wasm files. */
  modelBasePath: string;
  wasmPath: string;
  /** Starts the worker (the page passes Vite's `new Worker(new URL(...))`). */
  createWorker: () => Worker;
}

/** Decodes a file into a bitmap with the command line's limits, or throws a PhotoError. */
export async function decodePhoto(file: Blob): Promise<ImageBitmap> {
  if (file.size === 0) throw new PhotoError('not-an-image', 'That file is empty.');
  if (file.size > MAX_PHOTO_BYTES) throw new PhotoError('too-large', `That file is ${(file.size / 1048576).toFixed(0)} MB; photos up to 64 MB can be used.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError('not-an-image', 'That file is not a picture this browser can read (try a JPEG, PNG or WebP photo).');
  }
  if (bitmap.width * bitmap.height > MAX_PHOTO_PIXELS) {
    const mp = (bitmap.width * bitmap.height) / 1e6;
    bitmap.close();
    throw new PhotoError('too-large', `That photo has ${mp.toFixed(0)} megapixels; up to 40 can be used.`);
  }
  return bitmap;
}

const FRIENDLY: Readonly<Record<string, string>> = {
  'no-face': 'No face was found in that photo. Try a clear, front-facing portrait.',
  'face-too-small': 'The face in that photo is too small to animate. Try a closer portrait.',
};

export function createPhotoAnalyser(options: PhotoAnalyserOptions): PhotoAnalyser {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: AnalyseResponse) => void; reject: (e: Error) => void }>();

  const start = (): Worker => {
    if (worker) return worker;
    const w = options.createWorker();
    w.addEventListener('message', (ev: MessageEvent<AnalyseResponse>) => {
      const p = pending.get(ev.data.id);
      if (!p) return;
      pending.delete(ev.data.id);
      p.resolve(ev.data);
    });
    w.addEventListener('error', (ev) => {
      ev.preventDefault();
      // A worker that fails to start or crashes fails every request in flight; the next one starts afresh.
      for (const p of pending.values()) p.reject(new PhotoError('internal', `Photo analysis stopped: ${ev.message || 'the worker failed'}`));
      pending.clear();
      w.terminate();
      if (worker === w) worker = undefined;
    });
    worker = w;
    return w;
  };

  return {
    async analyse(source: Blob | ImageBitmap, size: number): Promise<AnalysedPhoto> {
      const bitmap = source instanceof Blob ? await decodePhoto(source) : source;
      const id = nextId++;
      const req: AnalyseRequest = { type: 'analyse', id, bitmap, size, modelBasePath: options.modelBasePath, wasmPath: options.wasmPath };
      const res = await new Promise<AnalyseResponse>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        start().postMessage(req, [bitmap]);
      });
      if (!res.ok) throw new PhotoError(res.code, FRIENDLY[res.code] ?? `The photo could not be analysed: ${res.message}`);
      return { image: res.image, width: res.image.width, height: res.image.height, mesh: res.mesh, ...(res.skin ? { skin: res.skin } : {}), faceCount: res.faceCount, flipDiscrepancy: res.flipDiscrepancy, loadMs: res.loadMs, analyseMs: res.analyseMs };
    },
    dispose() {
      worker?.terminate();
      worker = undefined;
      for (const p of pending.values()) p.reject(new PhotoError('internal', 'Photo analysis was stopped.'));
      pending.clear();
    },
  };
}
