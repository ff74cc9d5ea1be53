// Export layer: writes rendered RGBA frames to PNG, GIF, MP4 or WebM files.
//
// All writers create the output directory if needed and write to a hidden temporary file next to the
// target (".<name>.<pid>-<random>.partial"), renamed over the final name only once the file is complete,
// so a failed or aborted export never leaves a half-written file under the final name.
// See png.ts, gif.ts and video.ts for the per-format details (GIF timing/palette, odd sizes in MP4).
import { extname } from 'node:path';
import {
  ExportError,
  SUPPORTED_FORMATS,
  validateFps,
  validateSize,
  type ExportFormat,
  type FrameWriter,
  type FrameWriterOptions,
} from './common.ts';
import { createGifWriter } from './gif.ts';
import { createPngWriter } from './png.ts';
import { createVideoWriter } from './video.ts';

export { ExportError, SUPPORTED_FORMATS };
export type { ExportFormat, FrameWriter, FrameWriterOptions };
export { encodePngBuffer, writePng } from './png.ts';
export { ffmpegAvailable, FFMPEG_MISSING_MESSAGE } from './video.ts';

/** The export format for a path, from its extension (case-insensitive). */
export function formatFromPath(path: string): ExportFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if ((SUPPORTED_FORMATS as readonly string[]).includes(ext)) return ext as ExportFormat;
  const what = ext ? `unsupported output extension ".${ext}"` : `output path "${path}" has no extension`;
  throw new ExportError(`${what}: use one of ${SUPPORTED_FORMATS.map((f) => `.${f}`).join(', ')}`);
}

/**
 * Opens a writer for frames of `width`x`height` RGBA at `fps`. The format comes from `opts.format`
 * or else from the path's extension. Call write() per frame (await it), then close(), or abort() on failure.
 */
export async function createFrameWriter(path: string, opts: FrameWriterOptions): Promise<FrameWriter> {
  const format = opts.format ?? formatFromPath(path);
  const { width, height, fps } = opts;
  validateSize(width, height);
  validateFps(fps);
  switch (format) {
    case 'png':
      return createPngWriter(path, width, height);
    case 'gif':
      return createGifWriter(path, width, height, fps);
    case 'mp4':
    case 'webm':
      return createVideoWriter(path, format, width, height, fps);
    default:
      throw new ExportError(`unsupported export format "${String(format)}": use one of ${SUPPORTED_FORMATS.join(', ')}`);
  }
}
