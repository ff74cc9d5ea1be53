// Shared pieces of the export layer: error type, writer interface, atomic temp-file handling.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export type ExportFormat = 'png' | 'gif' | 'mp4' | 'webm';

export const SUPPORTED_FORMATS: readonly ExportFormat[] = ['png', 'gif', 'mp4', 'webm'];

/** Every user-facing failure of the export layer. Messages are one line, meant to be printed as-is. */
export class ExportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportError';
  }
}

export interface FrameWriter {
  /** Adds the next frame. Resolves when the frame has been accepted (respect backpressure for ffmpeg stdin). */
  write(rgba: Uint8ClampedArray): Promise<void>;
  /** Finishes the file; resolves once it is fully written and closed. */
  close(): Promise<void>;
  /** Aborts: kills any child process, removes the partial file. Safe to call twice. */
  abort(): Promise<void>;
}

export interface FrameWriterOptions {
  width: number;
  height: number;
  fps: number;
  format?: ExportFormat;
}

export function validateSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ExportError(`invalid frame size ${width}x${height}: width and height must be positive integers`);
  }
  if (width > 16384 || height > 16384) {
    throw new ExportError(`frame size ${width}x${height} is too large (max 16384 per side)`);
  }
}

export function validateFps(fps: number): void {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 240) {
    throw new ExportError(`invalid fps ${fps}: expected a number in (0, 240]`);
  }
}

export function checkFrame(rgba: Uint8ClampedArray, width: number, height: number): void {
  const expected = width * height * 4;
  if (rgba.length !== expected) {
    throw new ExportError(`frame has ${rgba.length} bytes, expected ${expected} (${width}x${height} RGBA)`);
  }
}

/** A view of the frame's bytes as a Buffer (no copy). */
export function asBuffer(rgba: Uint8ClampedArray): Buffer {
  return Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
}

/**
 * Creates the output directory (mkdir -p) and returns the absolute final path plus a unique temporary
 * path in the same directory (same filesystem, so the final rename is atomic).
 */
export async function prepareOutput(path: string): Promise<{ finalPath: string; tempPath: string }> {
  const finalPath = resolve(path);
  const dir = dirname(finalPath);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new ExportError(`cannot create output directory ${dir}: ${errMessage(err)}`, { cause: err });
  }
  const tempPath = join(dir, `.${basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  return { finalPath, tempPath };
}

export async function commitOutput(tempPath: string, finalPath: string): Promise<void> {
  try {
    await rename(tempPath, finalPath);
  } catch (err) {
    await removeQuietly(tempPath);
    throw new ExportError(`cannot write ${finalPath}: ${errMessage(err)}`, { cause: err });
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

export function errMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}

/** Runs async operations one after another, in call order (guards against un-awaited write() calls). */
export function serialQueue(): <T>(op: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(op: () => Promise<T>): Promise<T> => {
    const run = tail.then(op, op);
    tail = run.catch(() => undefined);
    return run;
  };
}
