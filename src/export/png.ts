// PNG output via sharp (libvips).
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import {
  ExportError,
  asBuffer,
  checkFrame,
  commitOutput,
  errMessage,
  prepareOutput,
  removeQuietly,
  validateSize,
  type FrameWriter,
} from './common.ts';

export async function encodePngBuffer(rgba: Uint8ClampedArray, width: number, height: number): Promise<Buffer> {
  validateSize(width, height);
  checkFrame(rgba, width, height);
  try {
    return await sharp(asBuffer(rgba), { raw: { width, height, channels: 4 } })
      .png({ compressionLevel: 6, adaptiveFiltering: true })
      .toBuffer();
  } catch (err) {
    throw new ExportError(`PNG encoding failed: ${errMessage(err)}`, { cause: err });
  }
}

/** Writes one RGBA frame as a PNG (directory created if missing; written to a temp file, then renamed). */
export async function writePng(path: string, rgba: Uint8ClampedArray, width: number, height: number): Promise<void> {
  const png = await encodePngBuffer(rgba, width, height);
  const { finalPath, tempPath } = await prepareOutput(path);
  try {
    await writeFile(tempPath, png);
  } catch (err) {
    await removeQuietly(tempPath);
    throw new ExportError(`cannot write ${finalPath}: ${errMessage(err)}`, { cause: err });
  }
  await commitOutput(tempPath, finalPath);
}

/** PNG "stream": keeps (a copy of) the frame passed to write() last and writes it on close(). */
export function createPngWriter(path: string, width: number, height: number): FrameWriter {
  let last: Uint8ClampedArray | null = null;
  let state: 'open' | 'closed' | 'aborted' = 'open';
  return {
    async write(rgba) {
      if (state !== 'open') throw new ExportError(`cannot write a frame: the PNG writer for ${path} is ${state}`);
      checkFrame(rgba, width, height);
      if (last) last.set(rgba);
      else last = new Uint8ClampedArray(rgba);
    },
    async close() {
      if (state !== 'open') throw new ExportError(`the PNG writer for ${path} is already ${state}`);
      state = 'closed';
      if (!last) throw new ExportError(`no frames were written to ${path}`);
      const frame = last;
      last = null;
      await writePng(path, frame, width, height);
    },
    async abort() {
      // Nothing is on disk before close(), and writePng() cleans its own temp file on failure.
      if (state === 'open') state = 'aborted';
      last = null;
    },
  };
}
