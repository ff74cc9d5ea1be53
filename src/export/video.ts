// MP4 (H.264) and WebM (VP9) output through an ffmpeg child process fed raw RGBA frames on stdin.
//
// - ffmpeg is spawned directly (no shell), with `-nostdin -loglevel error -y`; stderr is collected and its
//   last line goes into the ExportError when ffmpeg exits non-zero or dies mid-stream (EPIPE is handled).
// - Frames are copied before being queued, so the caller may reuse its buffer once write() resolves;
//   write() waits for stdin to drain when more than two frames are queued (backpressure).
// - yuv420p needs even dimensions for H.264: an odd width/height is padded by one pixel on the
//   right/bottom, filled by repeating the edge pixels (so a 65x63 clip becomes a 66x64 MP4).
//   VP9 handles odd sizes itself, so WebM keeps the exact size.
// - Colour: RGB is converted with the BT.709 matrix (limited range) and the stream is tagged BT.709,
//   which is what browsers and players assume for web video.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import {
  ExportError,
  checkFrame,
  commitOutput,
  prepareOutput,
  removeQuietly,
  serialQueue,
  type FrameWriter,
} from './common.ts';

export const FFMPEG_MISSING_MESSAGE =
  "ffmpeg is not installed: run the README's set-up command (or `apt-get install ffmpeg`) to write MP4/WebM";

/** The ffmpeg binary; EMOTEBOT_FFMPEG may point at another one. */
export function ffmpegPath(): string {
  return process.env['EMOTEBOT_FFMPEG'] || 'ffmpeg';
}

const availability = new Map<string, Promise<boolean>>();

/** Checks `ffmpeg -version` once per process (per binary path). */
export function ffmpegAvailable(): Promise<boolean> {
  const bin = ffmpegPath();
  let check = availability.get(bin);
  if (!check) {
    check = new Promise<boolean>((resolve) => {
      try {
        const child = spawn(bin, ['-version'], { stdio: ['ignore', 'ignore', 'ignore'] });
        child.once('error', () => resolve(false));
        child.once('close', (code) => resolve(code === 0));
      } catch {
        resolve(false);
      }
    });
    availability.set(bin, check);
  }
  return check;
}

export type VideoFormat = 'mp4' | 'webm';

const COLOR_TAGS = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];

/** The ffmpeg arguments for a clip (exported for tests and debugging). */
export function ffmpegArgs(format: VideoFormat, width: number, height: number, fps: number, outPath: string): string[] {
  const filters: string[] = [];
  if (format === 'mp4' && (width % 2 === 1 || height % 2 === 1)) {
    const w = width + (width % 2);
    const h = height + (height % 2);
    filters.push(`pad=${w}:${h}:0:0`, `fillborders=right=${w - width}:bottom=${h - height}:mode=smear`);
  }
  filters.push('scale=out_color_matrix=bt709:out_range=tv', 'format=yuv420p');
  const input = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
    '-an', '-vf', filters.join(','),
  ];
  const codec =
    format === 'mp4'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4']
      : [
          '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p', '-deadline', 'realtime', '-cpu-used', '8',
          '-row-mt', '1', '-tile-columns', '2', '-threads', '4', '-b:v', '0', '-crf', '32', '-f', 'webm',
        ];
  return [...input, ...codec, ...COLOR_TAGS, outPath];
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? '';
}

export async function createVideoWriter(
  path: string,
  format: VideoFormat,
  width: number,
  height: number,
  fps: number,
): Promise<FrameWriter> {
  if (!(await ffmpegAvailable())) throw new ExportError(FFMPEG_MISSING_MESSAGE);
  const { finalPath, tempPath } = await prepareOutput(path);
  const label = format === 'mp4' ? 'MP4' : 'WebM';
  const frameBytes = width * height * 4;

  let child: ChildProcessByStdio<Writable, null, Readable>;
  try {
    child = spawn(ffmpegPath(), ffmpegArgs(format, width, height, fps, tempPath), { stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    throw new ExportError(`cannot start ffmpeg: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });

  let spawnError: Error | null = null;
  let stdinError: Error | null = null;
  // 'close' fires after the process exited and its stdio closed, i.e. after the last stderr byte.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((info) => {
    exitInfo = info;
  });
  // EPIPE / ECONNRESET when ffmpeg dies mid-stream: remember it, report it from write()/close().
  child.stdin.on('error', (err) => {
    stdinError ??= err;
  });

  const serial = serialQueue();
  let state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  let frames = 0;
  let abortPromise: Promise<void> | null = null;
  let failedWith: ExportError | null = null;
  const aborted = (): boolean => state === 'aborted';

  const failure = (): ExportError => {
    const err = spawnError as (Error & { code?: string }) | null;
    if (err?.code === 'ENOENT') return new ExportError(FFMPEG_MISSING_MESSAGE);
    const detail = lastLine(stderr) || (err ? err.message : '') || (stdinError ? (stdinError as Error).message : '');
    const how = exitInfo?.signal ? `was killed by ${exitInfo.signal}` : exitInfo?.code != null ? `exited with code ${exitInfo.code}` : 'failed';
    return new ExportError(`ffmpeg ${how} while writing ${label} ${finalPath}${detail ? `: ${detail}` : ''}`);
  };

  const cleanupAfterFailure = async (): Promise<ExportError> => {
    if (exitInfo === null) child.kill('SIGKILL');
    await exited;
    await removeQuietly(tempPath);
    state = 'aborted';
    failedWith ??= failure();
    return failedWith;
  };

  /** Waits until stdin drained or ffmpeg went away; returns false in the latter case. */
  const waitDrain = (): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const done = (ok: boolean): void => {
        child.stdin.off('drain', onDrain);
        child.stdin.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      child.stdin.on('drain', onDrain);
      child.stdin.on('close', onClose);
      void exited.then(() => done(false));
    });

  return {
    write(rgba) {
      if (failedWith) return Promise.reject(failedWith);
      if (state !== 'open') return Promise.reject(new ExportError(`cannot write a frame: the ${label} writer for ${finalPath} is ${state}`));
      try {
        checkFrame(rgba, width, height);
      } catch (err) {
        return Promise.reject(err);
      }
      // Copy now: the caller may reuse its buffer as soon as the returned promise resolves.
      const copy = Buffer.allocUnsafe(frameBytes);
      copy.set(rgba);
      return serial(async () => {
        if (aborted()) throw new ExportError(`the ${label} writer for ${finalPath} was aborted`);
        if (exitInfo !== null || stdinError || child.stdin.destroyed) throw await cleanupAfterFailure();
        child.stdin.write(copy);
        frames++;
        if (child.stdin.writableLength > 2 * frameBytes) {
          const ok = await waitDrain();
          if (!ok && !aborted()) throw await cleanupAfterFailure();
        }
      });
    },
    close() {
      return serial(async () => {
        if (failedWith) throw failedWith;
        if (state !== 'open') throw new ExportError(`the ${label} writer for ${finalPath} is already ${state}`);
        state = 'closing';
        if (frames === 0) {
          child.kill('SIGKILL');
          await exited;
          await removeQuietly(tempPath);
          state = 'aborted';
          throw new ExportError(`no frames were written to ${finalPath}`);
        }
        child.stdin.end();
        const { code } = await exited;
        if (aborted()) throw new ExportError(`the ${label} export to ${finalPath} was aborted`);
        if (code !== 0 || spawnError) {
          await removeQuietly(tempPath);
          state = 'aborted';
          failedWith = failure();
          throw failedWith;
        }
        await commitOutput(tempPath, finalPath);
        state = 'closed';
      });
    },
    abort() {
      if (state === 'closed') return Promise.resolve();
      abortPromise ??= (async () => {
        state = 'aborted';
        if (exitInfo === null) {
          child.stdin.destroy();
          child.kill('SIGKILL');
        }
        await exited;
        await removeQuietly(tempPath);
      })();
      return abortPromise;
    },
  };
}
