/**
 * Video frames through ffprobe and ffmpeg (edge): the stream's size, rate and every frame's
 * presentation time, then the frames themselves as RGB, every decoded frame exactly once
 * (`-fps_mode passthrough`: no frame dropped or doubled to fit a rate).
 */
import { spawn } from 'node:child_process';
import { EmoteBotError } from '../core/errors.ts';
import { ffmpegPath } from '../export/video.ts';

export interface VideoInfo {
  width: number;
  height: number;
  fps: number;
  /** Presentation time of every frame, seconds, in display order. */
  times: number[];
}

function ffprobePath(): string {
  const ff = ffmpegPath();
  return ff.endsWith('ffmpeg') ? ff.slice(0, -'ffmpeg'.length) + 'ffprobe' : 'ffprobe';
}

function run(bin: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', (e) => reject((e as NodeJS.ErrnoException).code === 'ENOENT'
      ? new EmoteBotError('export-failed', `${bin} is not installed: run the README's set-up command (or apt-get install ffmpeg) to read videos`)
      : e));
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(Buffer.concat(err).toString('utf8').trim().split('\n').pop() || `${bin} exited with code ${code}`));
    });
  });
}

function rate(s: string | undefined): number {
  if (!s) return NaN;
  const [a, b] = s.split('/').map(Number);
  return b ? a! / b : Number(a);
}

export async function probeVideo(file: string, signal?: AbortSignal): Promise<VideoInfo> {
  const json = await run(ffprobePath(), [
    '-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate:stream_side_data=rotation:frame=best_effort_timestamp_time',
    '-of', 'json', file,
  ], signal);
  const p = JSON.parse(json) as {
    streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; side_data_list?: { rotation?: number }[] }[];
    frames?: { best_effort_timestamp_time?: string }[];
  };
  const s = p.streams?.[0];
  if (!s || !s.width || !s.height) throw new Error('no video stream');
  const rotation = Math.abs(Number(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0)) % 180;
  const [width, height] = rotation === 90 ? [s.height, s.width] : [s.width, s.height];
  let fps = rate(s.avg_frame_rate);
  if (!(fps > 0)) fps = rate(s.r_frame_rate);
  if (!(fps > 0)) fps = 30;
  const raw = (p.frames ?? []).map((f) => Number(f.best_effort_timestamp_time));
  // Frames without a time stamp get one from their neighbours at the stream's rate.
  const times = raw.map((t, i) => (Number.isFinite(t) ? t : i / fps));
  return { width, height, fps, times };
}

/**
 * Decodes every frame, calling `onFrame` with RGB bytes (width x height x 3, a fresh buffer each
 * time). `onFrame` may return a promise: decoding pauses until it settles (backpressure).
 * Returns the number of frames decoded.
 */
export function decodeFrames(file: string, info: VideoInfo, onFrame: (index: number, rgb: Uint8Array) => Promise<void> | void, signal?: AbortSignal): Promise<number> {
  const frameBytes = info.width * info.height * 3;
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file,
      '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    let buf = new Uint8Array(frameBytes);
    let fill = 0, index = 0, waiting = 0, failed: unknown;
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdout.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(frameBytes - fill, chunk.length - at);
        buf.set(chunk.subarray(at, at + n), fill);
        fill += n; at += n;
        if (fill === frameBytes) {
          const frame = buf;
          buf = new Uint8Array(frameBytes);
          fill = 0;
          const r = onFrame(index++, frame);
          if (r && typeof r.then === 'function') {
            waiting++;
            child.stdout.pause();
            r.then(() => { if (--waiting === 0) child.stdout.resume(); }, (e: unknown) => { failed ??= e; child.kill('SIGTERM'); });
          }
        }
      }
    });
    child.once('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? new EmoteBotError('export-failed', 'ffmpeg is not installed: run the README\'s set-up command (or apt-get install ffmpeg) to read videos') : e);
    });
    child.once('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (failed !== undefined) reject(failed);
      else if (signal?.aborted) reject(new EmoteBotError('interrupted', 'stopped'));
      else if (code !== 0) reject(new Error(Buffer.concat(err).toString('utf8').trim().split('\n').pop() || `ffmpeg exited with code ${code}`));
      else resolve(index);
    });
  });
}
