import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ExportError,
  FFMPEG_MISSING_MESSAGE,
  createFrameWriter,
  encodePngBuffer,
  ffmpegAvailable,
  formatFromPath,
  writePng,
  type ExportFormat,
} from './index.ts';
import { syntheticFrame } from './synthetic.ts';

const run = promisify(execFile);
const N = 15;
const W = 128;
const H = 128;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emotebot-export-test-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function frames(width = W, height = H, count = N): Uint8ClampedArray[] {
  return Array.from({ length: count }, (_, i) => syntheticFrame(width, height, i, count));
}

/** Mean absolute error over the RGB channels of two RGBA buffers of the same size. */
function meanAbsError(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += Math.abs(a[i + c]! - b[i + c]!);
    n += 3;
  }
  return sum / n;
}

async function writeAll(path: string, list: Uint8ClampedArray[], width = W, height = H, fps = 15): Promise<void> {
  const writer = await createFrameWriter(path, { width, height, fps });
  for (const f of list) await writer.write(f);
  await writer.close();
}

interface ProbeStream {
  codec_type: string;
  codec_name: string;
  width: number;
  height: number;
  pix_fmt: string;
  nb_read_frames: string;
}

async function probe(path: string): Promise<ProbeStream> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-count_frames', '-of', 'json', path]);
  const streams = (JSON.parse(stdout) as { streams: ProbeStream[] }).streams;
  const video = streams.filter((s) => s.codec_type === 'video');
  expect(video).toHaveLength(1);
  return video[0]!;
}

async function decodeFirstFrame(path: string): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  return stdout;
}

/** Files in the test directory that look like leftovers of an export to `name`. */
async function leftovers(sub: string): Promise<string[]> {
  return readdir(sub).catch(() => []);
}

describe('formatFromPath', () => {
  it('maps extensions case-insensitively', () => {
    expect(formatFromPath('out/a.png')).toBe('png');
    expect(formatFromPath('A.GIF')).toBe('gif');
    expect(formatFromPath('/x/y.z/clip.Mp4')).toBe('mp4');
    expect(formatFromPath('clip.webm')).toBe('webm');
  });

  it('throws a one-line ExportError listing the supported extensions', () => {
    for (const bad of ['clip.avi', 'noext', 'dir.mp4/file', 'x.jpeg']) {
      let err: unknown;
      try {
        formatFromPath(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExportError);
      const msg = (err as Error).message;
      expect(msg).not.toContain('\n');
      expect(msg).toContain('.png, .gif, .mp4, .webm');
    }
  });

  it('createFrameWriter rejects unknown extensions and invalid sizes', async () => {
    await expect(createFrameWriter(join(dir, 'x.avi'), { width: 8, height: 8, fps: 10 })).rejects.toBeInstanceOf(ExportError);
    await expect(createFrameWriter(join(dir, 'x.gif'), { width: 0, height: 8, fps: 10 })).rejects.toBeInstanceOf(ExportError);
    await expect(createFrameWriter(join(dir, 'x.gif'), { width: 8, height: 8, fps: 0 })).rejects.toBeInstanceOf(ExportError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('PNG', () => {
  it('writePng round-trips the exact pixels and creates missing directories', async () => {
    const src = syntheticFrame(64, 48, 3, N);
    const path = join(dir, 'png', 'nested', 'frame.png');
    await writePng(path, src, 64, 48);
    const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([64, 48, 4]);
    expect(Buffer.compare(data, Buffer.from(src))).toBe(0);
    expect(await readdir(join(dir, 'png', 'nested'))).toEqual(['frame.png']);
  });

  it('encodePngBuffer returns a PNG and rejects a wrongly sized frame', async () => {
    const buf = await encodePngBuffer(syntheticFrame(16, 16, 0, 1), 16, 16);
    expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
    await expect(encodePngBuffer(new Uint8ClampedArray(10), 16, 16)).rejects.toBeInstanceOf(ExportError);
  });

  it('the png writer writes the last frame passed to write() on close', async () => {
    const list = frames(32, 32);
    const path = join(dir, 'png', 'last.png');
    const writer = await createFrameWriter(path, { width: 32, height: 32, fps: 15 });
    for (const f of list) await writer.write(f);
    expect(await readdir(join(dir, 'png'))).not.toContain('last.png');
    await writer.close();
    const { data } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.compare(data, Buffer.from(list[N - 1]!))).toBe(0);
  });
});

describe('GIF', () => {
  it('has the right frame count, size, timing and loop, and close colours', async () => {
    const list = frames();
    const path = join(dir, 'gif', 'clip.gif');
    await writeAll(path, list, W, H, 15);
    const meta = await sharp(path, { animated: true }).metadata();
    expect(meta.format).toBe('gif');
    expect(meta.pages).toBe(N);
    expect(meta.width).toBe(W);
    expect(meta.pageHeight).toBe(H);
    expect(meta.loop).toBe(0);
    // 15 fps: frames at 0, 7, 13, 20, ... cs, so delays alternate 70/60 ms and sum to exactly 1 s.
    expect(meta.delay).toHaveLength(N);
    expect(meta.delay!.slice(0, 4)).toEqual([70, 60, 70, 70]);
    expect(meta.delay!.reduce((a, b) => a + b, 0)).toBe(1000);
    // Frame 0 gets a fresh palette; later frames may reuse one while its error stays within 1.1x + 0.5.
    for (const page of [0, 7, N - 1]) {
      const { data } = await sharp(path, { page }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(meanAbsError(data, list[page]!)).toBeLessThan(page === 0 ? 4 : 5);
    }
    expect(await readdir(join(dir, 'gif'))).toEqual(['clip.gif']);
  });

  it('keeps the total duration right at 30 fps (delays 3,4,3 cs) and handles odd sizes', async () => {
    const list = frames(33, 17, 30);
    const path = join(dir, 'gif', 'odd30.gif');
    await writeAll(path, list, 33, 17, 30);
    const meta = await sharp(path, { animated: true }).metadata();
    expect([meta.pages, meta.width, meta.pageHeight]).toEqual([30, 33, 17]);
    expect(meta.delay!.slice(0, 6)).toEqual([30, 40, 30, 30, 40, 30]);
    expect(meta.delay!.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('reads frames that are views into a larger buffer (gifenc itself would read the whole buffer)', async () => {
    const list = frames(32, 32, 3);
    const pool = new Uint8ClampedArray(32 * 32 * 4 * 3 + 64);
    const path = join(dir, 'gif', 'views.gif');
    const writer = await createFrameWriter(path, { width: 32, height: 32, fps: 10 });
    for (let i = 0; i < 3; i++) {
      const view = pool.subarray(16 + i * 4096, 16 + (i + 1) * 4096);
      view.set(list[i]!);
      await writer.write(view);
    }
    await writer.close();
    for (const page of [0, 2]) {
      const { data } = await sharp(path, { page }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(meanAbsError(data, list[page]!)).toBeLessThan(4);
    }
  });

  it('drops frames above 50 fps instead of writing sub-2cs delays', async () => {
    const list = frames(16, 16, 60);
    const path = join(dir, 'gif', 'fast.gif');
    await writeAll(path, list, 16, 16, 60);
    const meta = await sharp(path, { animated: true }).metadata();
    expect(meta.pages).toBeLessThan(60);
    expect(Math.min(...meta.delay!)).toBeGreaterThanOrEqual(20);
    expect(meta.delay!.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

describe('ffmpeg', () => {
  it('ffmpeg and ffprobe are installed (hard requirement of the project set-up)', async () => {
    expect(await ffmpegAvailable()).toBe(true);
    await run('ffprobe', ['-version']);
  });

  const cases: { format: ExportFormat; codecs: string[] }[] = [
    { format: 'mp4', codecs: ['h264'] },
    { format: 'webm', codecs: ['vp9', 'vp8'] },
  ];

  for (const { format, codecs } of cases) {
    it(`${format}: codec, size, frame count and first-frame colours`, async () => {
      const list = frames();
      const path = join(dir, format, `clip.${format}`);
      // Reuse one buffer for every frame, like a render loop would: the writer must copy what it queues.
      const writer = await createFrameWriter(path, { width: W, height: H, fps: 15 });
      const scratch = new Uint8ClampedArray(W * H * 4);
      for (let i = 0; i < N; i++) {
        syntheticFrame(W, H, i, N, scratch);
        await writer.write(scratch);
      }
      await writer.close();
      const s = await probe(path);
      expect(codecs).toContain(s.codec_name);
      expect([s.width, s.height]).toEqual([W, H]);
      expect(s.pix_fmt).toBe('yuv420p');
      expect(Number(s.nb_read_frames)).toBe(N);
      const first = await decodeFirstFrame(path);
      expect(meanAbsError(first, list[0]!)).toBeLessThan(12);
      expect(await readdir(join(dir, format))).toEqual([`clip.${format}`]);
    });
  }

  it('mp4 pads odd sizes to even by repeating the edge pixels; webm keeps the odd size', async () => {
    const list = frames(65, 63);
    const mp4 = join(dir, 'odd', 'clip.mp4');
    const webm = join(dir, 'odd', 'clip.webm');
    await writeAll(mp4, list, 65, 63);
    await writeAll(webm, list, 65, 63);
    const sm = await probe(mp4);
    expect([sm.codec_name, sm.width, sm.height, Number(sm.nb_read_frames)]).toEqual(['h264', 66, 64, N]);
    const sw = await probe(webm);
    expect([sw.width, sw.height, Number(sw.nb_read_frames)]).toEqual([65, 63, N]);

    // Crop the padded decode back to 65x63 and compare; the padding column/row repeats the edge.
    const dec = await decodeFirstFrame(mp4);
    const cropped = new Uint8ClampedArray(65 * 63 * 4);
    for (let y = 0; y < 63; y++) cropped.set(dec.subarray(y * 66 * 4, (y * 66 + 65) * 4), y * 65 * 4);
    expect(meanAbsError(cropped, list[0]!)).toBeLessThan(12);
    const px = (x: number, y: number): number[] => [...dec.subarray((y * 66 + x) * 4, (y * 66 + x) * 4 + 3)];
    for (const y of [5, 30, 60]) px(65, y).forEach((v, c) => expect(Math.abs(v - px(64, y)[c]!)).toBeLessThan(16));
    for (const x of [5, 30, 60]) px(x, 63).forEach((v, c) => expect(Math.abs(v - px(x, 62)[c]!)).toBeLessThan(16));
    expect(meanAbsError(await decodeFirstFrame(webm), list[0]!)).toBeLessThan(12);
  });
});

describe('concurrency', () => {
  it('un-awaited write() calls are applied in order (gif, mp4)', async () => {
    for (const format of ['gif', 'mp4'] as const) {
      const list = frames(64, 64);
      const path = join(dir, 'unawaited', `clip.${format}`);
      const writer = await createFrameWriter(path, { width: 64, height: 64, fps: 15 });
      await Promise.all(list.map((f) => writer.write(f)));
      await writer.close();
      if (format === 'gif') {
        const meta = await sharp(path, { animated: true }).metadata();
        expect(meta.pages).toBe(N);
        const { data } = await sharp(path, { page: N - 1 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        expect(meanAbsError(data, list[N - 1]!)).toBeLessThan(4);
      } else {
        expect(Number((await probe(path)).nb_read_frames)).toBe(N);
        expect(meanAbsError(await decodeFirstFrame(path), list[0]!)).toBeLessThan(12);
      }
    }
  });
});

describe('abort and failures', () => {
  for (const format of ['png', 'gif', 'mp4', 'webm'] as const) {
    it(`${format}: abort() leaves no file (and is safe to call twice)`, async () => {
      const sub = join(dir, 'abort', format);
      const writer = await createFrameWriter(join(sub, `clip.${format}`), { width: 64, height: 64, fps: 15 });
      for (const f of frames(64, 64, 5)) await writer.write(f);
      await Promise.all([writer.abort(), writer.abort()]);
      await writer.abort();
      expect(await leftovers(sub)).toEqual([]);
      await expect(writer.write(syntheticFrame(64, 64, 0, 1))).rejects.toBeInstanceOf(ExportError);
    });
  }

  it('rejects frames of the wrong size', async () => {
    const sub = join(dir, 'badframe');
    const writer = await createFrameWriter(join(sub, 'clip.mp4'), { width: 64, height: 64, fps: 15 });
    await expect(writer.write(new Uint8ClampedArray(64 * 63 * 4))).rejects.toThrow(/expected 16384/);
    await writer.abort();
    expect(await leftovers(sub)).toEqual([]);
  });

  it('close() without frames throws and leaves no file', async () => {
    for (const format of ['gif', 'mp4'] as const) {
      const sub = join(dir, 'empty', format);
      const writer = await createFrameWriter(join(sub, `clip.${format}`), { width: 16, height: 16, fps: 15 });
      await expect(writer.close()).rejects.toThrow(/no frames/);
      expect(await leftovers(sub)).toEqual([]);
    }
  });

  describe('with a fake ffmpeg', () => {
    const saved = process.env['EMOTEBOT_FFMPEG'];
    afterEach(() => {
      if (saved === undefined) delete process.env['EMOTEBOT_FFMPEG'];
      else process.env['EMOTEBOT_FFMPEG'] = saved;
    });

    it('reports the missing-ffmpeg message when the binary does not exist', async () => {
      process.env['EMOTEBOT_FFMPEG'] = join(dir, 'no-such-ffmpeg');
      expect(await ffmpegAvailable()).toBe(false);
      const sub = join(dir, 'missing');
      await expect(createFrameWriter(join(sub, 'clip.mp4'), { width: 16, height: 16, fps: 15 })).rejects.toThrow(FFMPEG_MISSING_MESSAGE);
      expect(FFMPEG_MISSING_MESSAGE).not.toContain('\n');
      expect(await leftovers(sub)).toEqual([]);
    });

    it('ffmpeg dying mid-stream (EPIPE) rejects with its last stderr line and leaves no file', async () => {
      const fake = join(dir, 'fake-ffmpeg.sh');
      await writeFile(
        fake,
        [
          '#!/bin/sh',
          'if [ "$1" = "-version" ]; then echo "ffmpeg version fake"; exit 0; fi',
          'for last in "$@"; do :; done',
          'head -c 20000 > "$last"',
          'echo "some earlier line" >&2',
          'echo "Error: simulated encoder crash" >&2',
          'exit 1',
        ].join('\n'),
      );
      await chmod(fake, 0o755);
      process.env['EMOTEBOT_FFMPEG'] = fake;
      const sub = join(dir, 'crash');
      const writer = await createFrameWriter(join(sub, 'clip.mp4'), { width: 128, height: 128, fps: 15 });
      let err: unknown;
      try {
        for (let i = 0; i < 200; i++) await writer.write(syntheticFrame(128, 128, i % N, N));
        await writer.close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExportError);
      expect((err as Error).message).toMatch(/exited with code 1 .*: Error: simulated encoder crash$/);
      await writer.abort();
      expect(await leftovers(sub)).toEqual([]);
    });
  });
});
