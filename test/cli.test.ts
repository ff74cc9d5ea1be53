/**
 * The command line as a user meets it: the real binary on the bundled Mona Lisa, and every
 * kind of bad input giving a one-line error and a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { createHumanDetector } from '../src/face/human-node.ts';
import { readImageFile } from '../src/face/image.ts';
import { preparePhoto } from '../src/face/photo.ts';
import type { FaceDetector } from '../src/face/types.ts';

const root = path.resolve(import.meta.dirname, '..');
const mona = path.join(root, 'test/fixtures/mona-lisa.jpg');
const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-cli-'));
const bin = path.join(root, 'bin/emotebot.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function inProcess(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function rgba(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanAbsDiff(a: Buffer, b: Buffer, w: number, x0: number, y0: number, x1: number, y1: number): number {
  let s = 0, n = 0;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(w, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(w, Math.ceil(x1)); x++) {
      for (let c = 0; c < 3; c++) s += Math.abs(a[(y * w + x) * 4 + c]! - b[(y * w + x) * 4 + c]!);
      n += 3;
    }
  }
  return s / n;
}

/** A PNG that is only a header claiming width x height. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

describe('emotebot render on a photo', () => {
  let detector: FaceDetector;
  beforeAll(async () => { detector = await createHumanDetector(); });
  afterAll(() => detector.dispose());

  it('animates the mouth region of the Mona Lisa and leaves the background alone', async () => {
    const happy = await run(['render', '--face', mona, '--say', 'happy', '--intensity', '1', '--out', 'happy.png']);
    expect(happy.stderr).not.toMatch(/\n\s+at /);
    expect(happy.code).toBe(0);
    const neutral = await run(['render', '--face', mona, '--say', 'neutral', '--out', 'neutral.png']);
    expect(neutral.code).toBe(0);
    const a = await rgba(path.join(dir, 'happy.png'));
    const b = await rgba(path.join(dir, 'neutral.png'));
    expect([a.width, a.height]).toEqual([512, 512]);
    // Where is the mouth? The same crop, analysed here.
    const photo = await preparePhoto(await readImageFile(mona), detector, 512);
    const m = photo.mesh;
    const xs = [61, 291, 0, 17].map((i) => m[i * 3]!), ys = [61, 291, 0, 17].map((i) => m[i * 3 + 1]!);
    const mouthDiff = meanAbsDiff(a.data, b.data, 512, Math.min(...xs) - 8, Math.min(...ys) - 8, Math.max(...xs) + 8, Math.max(...ys) + 8);
    expect(mouthDiff).toBeGreaterThan(6);
    // Far from the face (the four corners, 48 px squares): identical.
    for (const [x, y] of [[0, 0], [464, 0], [0, 464], [464, 464]] as const) {
      expect(meanAbsDiff(a.data, b.data, 512, x, y, x + 48, y + 48)).toBe(0);
    }
    // The neutral render is the photo crop itself, up to resampling.
    expect(meanAbsDiff(Buffer.from(photo.image.data), b.data, 512, 0, 0, 512, 512)).toBeLessThan(1);
  });

  it('lays the expression detail on the face as shading (--detail), nowhere else', async () => {
    const runs = await Promise.all((['gan', 'mean', 'none'] as const).map((d) => inProcess(['render', '--face', mona, '--say', 'surprised', '--intensity', '1', '--detail', d, '--out', path.join(dir, `detail-${d}.png`), '--quiet'])));
    for (const r of runs) expect(r.code).toBe(0);
    const [gan, mean, none] = await Promise.all(['gan', 'mean', 'none'].map((d) => rgba(path.join(dir, `detail-${d}.png`))));
    const photo = await preparePhoto(await readImageFile(mona), detector, 512);
    const m = photo.mesh;
    // The forehead and cheeks: shaded by both detail layers (surprise darkens or lightens them).
    const box = (ids: number[]) => { const xs = ids.map((i) => m[i * 3]!), ys = ids.map((i) => m[i * 3 + 1]!); return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const; };
    const [fx0, fy0, fx1, fy1] = box([10, 109, 338, 151, 9]);
    expect(meanAbsDiff(gan!.data, none!.data, 512, fx0, fy0, fx1, fy1)).toBeGreaterThan(0.5);
    expect(meanAbsDiff(mean!.data, none!.data, 512, fx0, fy0, fx1, fy1)).toBeGreaterThan(0.5);
    expect(meanAbsDiff(gan!.data, mean!.data, 512, fx0, fy0, fx1, fy1)).toBeGreaterThan(0);
    // Off the face, nothing changes.
    for (const [x, y] of [[0, 0], [464, 0], [0, 464], [464, 464]] as const) {
      expect(meanAbsDiff(gan!.data, none!.data, 512, x, y, x + 48, y + 48)).toBe(0);
    }
    const bad = await inProcess(['render', '--face', mona, '--detail', 'wrinkles', '--quiet']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--detail must be/);
  });

  it('writes a GIF of the whole animation with --size, --duration and --fps', async () => {
    const r = await run(['render', '--face', mona, '--say', 'surprised', '--out', 'clip.gif', '--size', '128', '--duration', '1', '--fps', '10', '--seed', '3']);
    expect(r.code).toBe(0);
    const meta = await sharp(path.join(dir, 'clip.gif'), { animated: true }).metadata();
    expect(meta.pages).toBe(10);
    expect(meta.width).toBe(128);
  });

  it('animates the largest of several faces and says so', async () => {
    const big = await sharp(mona).resize(400).toBuffer();
    const small = await sharp(mona).resize(250).toBuffer();
    const two = path.join(dir, 'two.jpg');
    await sharp({ create: { width: 700, height: 650, channels: 3, background: '#777' } })
      .composite([{ input: big, left: 0, top: 0 }, { input: small, left: 440, top: 100 }]).jpeg().toFile(two);
    const r = await inProcess(['render', '--face', two, '--say', 'happy', '--out', path.join(dir, 'two.png')]);
    expect(r.code).toBe(0);
    expect(r.err.join('\n')).toMatch(/found 2 faces; animating the largest/);
    expect(r.err.join('\n')).not.toMatch(/hard to read/);
  });

  it('warns when the face is hard to read (its mesh disagrees with the mirrored photo\'s), and still renders', async () => {
    const turned = path.join(dir, 'turned.jpg');
    await sharp(mona).extract({ left: 200, top: 150, width: 280, height: 320 }).rotate(60, { background: '#808080' }).jpeg({ quality: 92 }).toFile(turned);
    const r = await inProcess(['render', '--face', turned, '--say', 'happy', '--out', path.join(dir, 'turned.png')]);
    expect(r.code).toBe(0);
    expect(r.err.join('\n')).toMatch(/the face is hard to read in this photo, so the mouth and eyes may be drawn in the wrong place/);
  });
});

describe('emotebot render with bad input', () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    ['a missing file', async () => path.join(dir, 'nope.jpg'), /no such file/],
    ['not an image', async () => { const f = path.join(dir, 'notes.jpg'); writeFileSync(f, 'hello, I am text'); return f; }, /not an image/],
    ['an empty file', async () => { const f = path.join(dir, 'empty.png'); writeFileSync(f, ''); return f; }, /empty, not an image/],
    ['a truncated JPEG', async () => { const f = path.join(dir, 'cut.jpg'); const b = readFileSync(mona); writeFileSync(f, b.subarray(0, Math.floor(b.length * 0.6))); return f; }, /truncated or corrupt/],
    ['too many pixels (checked from the header)', async () => { const f = path.join(dir, 'huge.png'); writeFileSync(f, pngHeaderOnly(20000, 20000)); return f; }, /20000x20000 \(400\.0 MP\); the limit is 40 MP/],
    ['no face', async () => { const f = path.join(dir, 'wall.png'); await sharp({ create: { width: 400, height: 300, channels: 3, background: '#8899aa' } }).png().toFile(f); return f; }, /no face found/],
    ['a face too small', async () => {
      const f = path.join(dir, 'tiny.jpg');
      const small = await sharp(mona).resize(100).toBuffer();
      await sharp({ create: { width: 600, height: 600, channels: 3, background: '#808080' } }).composite([{ input: small, left: 250, top: 250 }]).jpeg().toFile(f);
      return f;
    }, /face is too small \(\d+ px across; at least 48 px needed\)/],
  ];
  for (const [name, make, message] of cases) {
    it(`${name}: one line, non-zero exit`, async () => {
      const file = await make();
      const r = await inProcess(['render', '--face', file, '--out', path.join(dir, 'x.png'), '--quiet']);
      expect(r.code).not.toBe(0);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
      expect(r.err[0]).toMatch(/^emotebot: /);
    });
  }

  it('training options out of their range: one line, non-zero exit, before any data is read', async () => {
    const bad: [string[], RegExp][] = [
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--baseline', 'median'], /--baseline must be "class-mean" or "intensity-1", got "median"/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--table', 'median'], /--table must be "exemplar" or "mean", got "median"/],
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--outline-feather', '0'], /--outline-feather must be between 1 and 32, got 0/],
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--opening-feather', '20'], /--opening-feather must be between 1 and 16, got 20/],
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--eye-feather', '1.5'], /--eye-feather must be between 2 and 16, got 1.5/],
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--opening-feather', '4', '--eye-feather', '3'], /--eye-feather must be between 4 and 16, got 3/],
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--eye-feather', '8', '--eye-feather-for', 'sad,joy'], /--eye-feather-for: "joy" is not one of/],
      [['train', 'detail', '--data', path.join(dir, 'none.ebds'), '--eye-feather-for', 'sad'], /--eye-feather-for needs --eye-feather/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--own-tables', 'some'], /--own-tables must be "dev" or "all", got "some"/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--borrow', 'sad,joy'], /--borrow: "joy" is not one of/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--borrow', 'fearful', '--borrow-data', dir], /one --borrow-cache per --borrow-data, in the same order \(1 --borrow-data, 0 --borrow-cache\)/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--borrow-data', dir, '--borrow-cache', path.join(dir, 'none.cache')], /--borrow-data is read only to choose the tables --borrow <emotions> borrow: give --borrow/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--edges', '0.08,0.05,0.2'], /--edges must increase strictly, got "0.08,0.05,0.2"/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--edges', '0.08'], /--edges needs at least 2 numbers/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--chroma', 'hue'], /--chroma must be "cell" or "luminance", got "hue"/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--edges', '0.03,,0.08'], /--edges must be comma-separated numbers/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--edges=-0.1,0.08'], /--edges: every number must be between 0 and 2, got -0.1/],
      [['train', 'expressions', '--data', path.join(dir, 'none.ebds'), '--removal-floor', 'median'], /--removal-floor must be "learned" or "mean", got "median"/],
      [['train', 'mouth', '--data', dir, '--data', dir, '--cache', path.join(dir, 'none.cache')], /one --cache per --data, in the same order \(2 --data, 1 --cache\)/],
      [['train', 'mouth', '--data', dir, '--cache', path.join(dir, 'none.cache'), '--identity', 'person'], /--identity must be "filename" or "none", got "person"/],
      [['train', 'mouth', '--data', dir, '--data', dir, '--data', dir, '--cache', 'a', '--cache', 'b', '--cache', 'c', '--identity', 'none', '--identity', 'none'], /once per --data/],
      [['render', '--face', mona, '--mouth', 'teeth', '--out', path.join(dir, 'x.png')], /mouth/],
      [['render', '--face', mona, '--eyes', 'closed', '--out', path.join(dir, 'x.png')], /--eyes must be "rigid" or "warp", got "closed"/],
      [['train', 'expressions', '--data', path.join(dir, 'none.ebds'), '--apex-percentile', '1'], /--apex-percentile must be between 0.5 and 0.999, got 1/],
      [['train', 'expressions', '--data', path.join(dir, 'none.ebds'), '--mean-for', 'surprised,joy'], /--mean-for: "joy" is not one of/],
      [['train', 'expressions', '--data', path.join(dir, 'none.ebds'), '--mean-for', 'sad', '--rig-for', 'sad,fearful'], /--mean-for and --rig-for both name sad/],
    ];
    for (const [args, message] of bad) {
      const r = await inProcess(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
    }
  });

  it('the real binary prints no stack trace for a bad file', async () => {
    writeFileSync(path.join(dir, 'bad.webp'), 'garbage');
    const r = await run(['render', '--face', 'bad.webp', '--out', 'x.png']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not an image/);
  });

  it('model commands refuse bad options before reading any data', async () => {
    for (const args of [['train', 'expressions', '--data', 'none.ebds', '--rig-for', 'sad,joy'], ['train', 'detail', '--data', 'none.ebds', '--steps', '2.5'], ['train', 'detail', '--data', 'none.ebds', '--mean-match', '-1']]) {
      const r = await inProcess([...args, '--quiet']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toHaveLength(1);
    }
  });

  it('bad options are refused with exit code 2', async () => {
    for (const args of [['--size', '10'], ['--fps', 'fast'], ['--intensity', '2'], ['--out', 'x.bmp'], ['--duration', '0']]) {
      const r = await inProcess(['render', ...args, '--quiet']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toHaveLength(1);
    }
  });
});

describe('emotebot help and the character', () => {
  it('--help documents every render option', async () => {
    const r = await inProcess(['--help']);
    for (const opt of ['--face', '--say', '--intensity', '--out', '--size', '--duration', '--fps', '--seed', '--idle', '--expressions', '--motion', '--detail', '--quiet']) {
      expect(r.out.join('\n')).toContain(opt);
    }
  });

  it('renders the character by default, deterministically for a seed', async () => {
    const a = await inProcess(['render', '--say', 'angry', '--out', path.join(dir, 'a.gif'), '--size', '96', '--duration', '1', '--fps', '12', '--seed', '4', '--quiet']);
    const b = await inProcess(['render', '--say', 'angry', '--out', path.join(dir, 'b.gif'), '--size', '96', '--duration', '1', '--fps', '12', '--seed', '4', '--quiet']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(path.join(dir, 'a.gif')).equals(readFileSync(path.join(dir, 'b.gif')))).toBe(true);
  });
});
