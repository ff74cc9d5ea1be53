// Animated GIF output via gifenc (pure JS), to a file. The palette and timing rules live in gif-core.ts,
// shared with the page's GIF worker (src/web/gif-worker.ts): see there for the adaptive palette reuse
// rule and the centisecond delays. Frames stream: each encoded frame is appended to the temp file as it
// is completed (one indexed frame in memory).
import { createRequire } from 'node:module';
import { open, type FileHandle } from 'node:fs/promises';
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
import { GifFrameStream, GifIndexer, type GifencApi, type GifOptions, type GifPaletteMode } from './gif-core.ts';

export { GifIndexer };
export type { GifOptions, GifPaletteMode };

// gifenc's package.json points Node at a CommonJS build without detectable named exports; require() it.
export const gifencNode = createRequire(import.meta.url)('gifenc') as GifencApi;

export async function createGifWriter(
  path: string,
  width: number,
  height: number,
  fps: number,
  options: GifOptions = {},
): Promise<FrameWriter> {
  if (width > 65535 || height > 65535) throw new ExportError(`GIF cannot be larger than 65535x65535 (got ${width}x${height})`);
  const stream = new GifFrameStream(gifencNode, width, height, fps, options);
  const { finalPath, tempPath } = await prepareOutput(path);
  let fh: FileHandle;
  try {
    fh = await open(tempPath, 'w');
  } catch (err) {
    throw new ExportError(`cannot write ${finalPath}: ${errMessage(err)}`, { cause: err });
  }
  const serial = serialQueue();

  let state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  let closeCalled = false;
  let fileOpen = true;
  let abortPromise: Promise<void> | null = null;
  const aborted = (): boolean => state === 'aborted';

  const append = async (bytes: Uint8Array): Promise<void> => {
    if (bytes.length > 0) await fh.write(bytes, 0, bytes.length);
  };
  const closeFile = async (): Promise<void> => {
    if (!fileOpen) return;
    fileOpen = false;
    await fh.close();
  };
  const fail = async (err: unknown): Promise<never> => {
    state = 'aborted';
    await closeFile().catch(() => undefined);
    await removeQuietly(tempPath);
    if (err instanceof ExportError) throw err;
    throw new ExportError(`GIF export to ${finalPath} failed: ${errMessage(err)}`, { cause: err });
  };

  return {
    write(rgba) {
      if (state !== 'open' || closeCalled) {
        return Promise.reject(new ExportError(`cannot write a frame: the GIF writer for ${finalPath} is ${state === 'open' ? 'closing' : state}`));
      }
      try {
        checkFrame(rgba, width, height);
      } catch (err) {
        return Promise.reject(err);
      }
      // Index now (synchronously): the caller may reuse `rgba` as soon as this promise resolves.
      let bytes: Uint8Array;
      try {
        bytes = stream.add(rgba);
      } catch (err) {
        return fail(err);
      }
      if (bytes.length === 0) return Promise.resolve();
      return serial(async () => {
        if (state !== 'open') return;
        try {
          await append(bytes);
        } catch (err) {
          await fail(err);
        }
      });
    },
    close() {
      closeCalled = true;
      return serial(async () => {
        if (state !== 'open') throw new ExportError(`the GIF writer for ${finalPath} is already ${state}`);
        state = 'closing';
        try {
          if (stream.framesAdded === 0) throw new ExportError(`no frames were written to ${finalPath}`);
          await append(stream.finish());
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
        await serial(async () => undefined).catch(() => undefined); // let an in-flight file write finish
        await closeFile().catch(() => undefined);
        await removeQuietly(tempPath);
      })();
      return abortPromise;
    },
  };
}
