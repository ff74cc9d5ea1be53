/**
 * The data pipeline end to end with the real detector, on fixtures made from the Mona Lisa: a
 * labelled folder with one image for each rejection reason, a FER-sized crop, a mirrored copy,
 * unknown labels; thresholds changed without detecting again; interruption and resume; a short
 * video; and the command line through the real binary (worker threads under tsx).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { EmoteBotError } from '../src/core/errors.ts';
import { rmsDistance } from '../src/core/procrustes.ts';
import { mirrorAligned } from '../src/data/align.ts';
import { DetectionCache } from '../src/data/cache.ts';
import { readDataset, readSequences } from '../src/data/files.ts';
import { DEFAULT_THRESHOLDS } from '../src/data/judge.ts';
import { prepareDataset, type PrepareOptions, sidePaths } from '../src/data/prepare.ts';
import { prepareVideos } from '../src/data/prepare-video.ts';
import { DEFAULT_RULE } from '../src/data/preprocess.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/emotebot.js');
const mona = readFileSync(path.join(root, 'test/fixtures/mona-lisa.jpg'));
const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-data-pipeline-'));
const photos = path.join(dir, 'photos');

function put(rel: string, bytes: Uint8Array | string): void {
  const f = path.join(photos, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, bytes);
}

/** The painting's face, square. */
async function faceCrop(): Promise<Buffer> {
  return sharp(mona).extract({ left: 170, top: 90, width: 380, height: 380 }).toBuffer();
}

beforeAll(async () => {
  const face = await faceCrop();
  put('train/happy/mona.jpg', mona);
  put('train/happy/mona-copy.jpg', mona); // same content: detected once
  // A FER2013-sized crop: 48x48 grey.
  put('train/Happiness/mona-48.jpg', await sharp(face).resize(48, 48).grayscale().jpeg().toBuffer());
  put('val/sad/mona-mirror.png', await sharp(mona).flop().png().toBuffer());
  put('val/surprise/mona-tilted.webp', await sharp(face).rotate(12, { background: '#808080' }).webp().toBuffer());
  put('train/angry/not-an-image.jpg', 'this is text, not a JPEG\n');
  put('train/angry/truncated.jpg', mona.subarray(0, Math.floor(mona.length * 0.4)));
  put('train/neutral/grey.png', await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080' } }).png().toBuffer());
  put('train/neutral/two.jpg', await sharp({ create: { width: 760, height: 380, channels: 3, background: '#808080' } })
    .composite([{ input: face, left: 0, top: 0 }, { input: await sharp(face).flop().toBuffer(), left: 380, top: 0 }]).jpeg().toBuffer());
  put('train/fear/tiny.png', await sharp(face).resize(20, 20).png().toBuffer());
  put('train/bored/mona.jpg', mona); // unknown label
  put('loose.jpg', mona); // no label folder
});

const base = (out: string, extra: Partial<PrepareOptions> = {}): PrepareOptions => ({
  inputs: [photos], out, rule: DEFAULT_RULE, thresholds: DEFAULT_THRESHOLDS, workers: 0, quiet: true, valFraction: 0.1, ...extra,
});

describe('emotebot data prepare on labelled photos', () => {
  const out = path.join(dir, 'a', 'mona.ebds');

  it('keeps the good faces, rejects each bad image for its reason, and reports unknown labels', async () => {
    const r = await prepareDataset(base(out, { workers: 1 }));
    expect(r.detected).toBe(9); // 10 labelled images, one duplicate
    const ds = await readDataset(out);
    const rows = ds.source.map((s, i) => `${s} ${ds.emotion(i)} ${ds.splitName(i)}`).sort();
    expect(rows).toEqual([
      'train/Happiness/mona-48.jpg happy train',
      'train/happy/mona-copy.jpg happy train',
      'train/happy/mona.jpg happy train',
      'val/sad/mona-mirror.png sad val',
      'val/surprise/mona-tilted.webp surprised val',
    ]);
    expect(ds.header.rejected).toEqual({ 'unreadable': 2, 'no-face': 1, 'several-faces': 1, 'face-too-small': 1 });
    expect(ds.header.unknownLabels).toEqual({ 'bored': 1, '(no label folder)': 1 });
    expect(ds.header.duplicates).toBe(1);
    expect(ds.header.counts).toEqual({ train: { happy: 3 }, val: { sad: 1, surprised: 1 } });
    const rejected = readFileSync(r.rejectedCsv, 'utf8');
    expect(rejected).toMatch(/not-an-image\.jpg,angry,unreadable,/);
    expect(rejected).toMatch(/truncated\.jpg,angry,unreadable,/);
    expect(rejected).toMatch(/grey\.png,neutral,no-face,/);
    expect(rejected).toMatch(/two\.jpg,neutral,several-faces,/);
    expect(rejected).toMatch(/tiny\.png,fear,face-too-small,/);
    expect(r.report.join('\n')).toMatch(/rejected 5 of 10 images \(50\.0%\)/);
    // The mean-face picture exists and is a PNG of the panels drawn.
    expect(r.picture).toBe(sidePaths(out).picture);
    const meta = await sharp(r.picture!).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(3 * 200); // happy, sad, surprised
  });

  it('aligns: the painting turned to her right, the mirror turned to her left, same shape mirrored; the 48 px crop agrees', async () => {
    const ds = await readDataset(out);
    const at = (name: string) => ds.source.findIndex((s) => s.endsWith(name));
    const orig = at('train/happy/mona.jpg'), mirror = at('mona-mirror.png'), small = at('mona-48.jpg');
    const yaw = (i: number) => ds.pose[i * 3]!;
    expect(yaw(orig)).toBeLessThan(-8);
    expect(yaw(mirror)).toBeGreaterThan(8);
    expect(Math.abs(yaw(orig) + yaw(mirror))).toBeLessThan(4);
    const m0 = ds.meshOf(orig), m1 = ds.meshOf(mirror);
    // Left eye on +x in both (no reflection), and the mirrored photo is the mirror image of the shape.
    expect(m0[263 * 3]!).toBeGreaterThan(2);
    expect(m1[263 * 3]!).toBeGreaterThan(2);
    const mirrorRms = rmsDistance(m1, mirrorAligned(m0));
    const sameRms = rmsDistance(m1, m0);
    expect(mirrorRms).toBeLessThan(0.3);
    const smallRms = rmsDistance(ds.meshOf(small), m0);
    expect(smallRms).toBeLessThan(0.5);
    console.log(`mona: yaw ${yaw(orig).toFixed(1)}°, mirror ${yaw(mirror).toFixed(1)}°; RMS mirror vs mirrored shape ${mirrorRms.toFixed(3)} cm (vs unmirrored ${sameRms.toFixed(3)}), 48 px crop vs full ${smallRms.toFixed(3)} cm`);
    // Box and image size are in source pixels.
    expect(ds.imageSize[small * 2]).toBe(48);
    expect(ds.box[small * 4 + 2]!).toBeGreaterThan(24);
    expect(ds.box[small * 4 + 2]!).toBeLessThan(60);
  });

  it('changing thresholds needs no detection: everything comes from the cache', async () => {
    const r = await prepareDataset(base(out, { thresholds: { ...DEFAULT_THRESHOLDS, maxYaw: 10 }, picture: false }));
    expect(r.detected).toBe(0);
    expect(r.fromCache).toBe(10); // the duplicate too
    const ds = await readDataset(out);
    // The painting and its copies (|yaw| about 17°) are now too far from frontal.
    expect(ds.header.rejected['pose-too-far']).toBeGreaterThanOrEqual(3);
    const low = await prepareDataset(base(out, { thresholds: { ...DEFAULT_THRESHOLDS, minScore: 1.01 }, picture: false }));
    expect(low.count).toBe(0);
    expect((await readDataset(out)).header.rejected['low-score']).toBe(7); // every image with a face
  });

  it('stops when interrupted without writing a dataset, and a rerun finishes only what is left', async () => {
    const out2 = path.join(dir, 'b', 'mona.ebds');
    const stopped = prepareDataset(base(out2, { stopAfter: 3 }));
    await expect(stopped).rejects.toThrow(EmoteBotError);
    await expect(stopped).rejects.toThrow(/stopped: 3 images are done .* run the same command again/);
    expect(existsSync(out2)).toBe(false);
    const cache = await DetectionCache.open(sidePaths(out2).cache);
    expect(cache.size).toBe(3);
    cache.close();
    // A torn record at the end (as a kill during a write leaves) is dropped, not fatal.
    writeFileSync(sidePaths(out2).cache, Buffer.concat([readFileSync(sidePaths(out2).cache), Buffer.from('EBCR\x10\x00\x00')]));
    const r = await prepareDataset(base(out2, { picture: false }));
    expect(r.fromCache).toBe(3);
    expect(r.detected).toBe(6);
    const a = await readDataset(out), b = await readDataset(out2);
    // The first dataset was last written with minScore 1.01; rebuild it with the defaults from its cache.
    await prepareDataset(base(out, { picture: false }));
    const a2 = await readDataset(out);
    expect(b.source).toEqual(a2.source);
    expect(Array.from(b.label)).toEqual(Array.from(a2.label));
    expect(rmsDistance(b.meshOf(0), a2.meshOf(0))).toBeLessThan(1e-3);
    expect(a.count).toBe(0);
  });
});

describe('emotebot data prepare-video', () => {
  it('keeps every frame with its time stamp and flags the frames without a face', async () => {
    const face = await sharp(await faceCrop()).resize(256, 256).raw().toBuffer();
    const frames = path.join(dir, 'frames');
    mkdirSync(frames, { recursive: true });
    for (let i = 0; i < 12; i++) {
      const img = i >= 6 && i < 9
        ? sharp({ create: { width: 320, height: 320, channels: 3, background: '#808080' } })
        : sharp({ create: { width: 320, height: 320, channels: 3, background: '#808080' } }).composite([{ input: face, raw: { width: 256, height: 256, channels: 3 }, left: 32 + i, top: 32 }]);
      await img.png().toFile(path.join(frames, `f${String(i).padStart(2, '0')}.png`));
    }
    const video = path.join(dir, 'clip.mp4');
    await new Promise<void>((resolve, reject) => execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-framerate', '10', '-i', path.join(frames, 'f%02d.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video], (e) => (e ? reject(e) : resolve())));
    const out = path.join(dir, 'v', 'clip.ebseq');
    const r = await prepareVideos({ videos: [video, path.join(dir, 'photos/train/angry/not-an-image.jpg')], out, rule: DEFAULT_RULE, thresholds: DEFAULT_THRESHOLDS, workers: 1, quiet: true });
    expect(r.frames).toBe(12);
    const seq = await readSequences(out);
    expect(seq.clips).toHaveLength(1);
    const c = seq.clips[0]!;
    expect(c.info.identity).toBe('clip');
    expect(c.info.fps).toBe(10);
    expect(Array.from(c.time, (t) => Math.round(t * 1000))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
    expect(Array.from(c.valid)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect(Array.from(c.reason.subarray(6, 9), (k) => seq.header.reasons[k])).toEqual(['no-face', 'no-face', 'no-face']);
    expect(seq.header.skippedVideos).toHaveLength(1);
    // The face moves one pixel per frame in the video; the aligned shape stays put.
    expect(c.box[5 * 4]! - c.box[0]!).toBeGreaterThan(2);
    expect(rmsDistance(c.mesh.subarray(0, 1404), c.mesh.subarray(5 * 1404, 6 * 1404))).toBeLessThan(0.15);
    // A rerun takes every frame from the cache.
    const again = await prepareVideos({ videos: [video], out, rule: DEFAULT_RULE, thresholds: DEFAULT_THRESHOLDS, workers: 1, quiet: true });
    expect(again.detected).toBe(0);
    expect(again.fromCache).toBe(12);
  });
});

describe('the emotebot data command', () => {
  function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 300_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  it('prepares through the real binary with two worker threads, and inspect prints the same report', async () => {
    const small = path.join(dir, 'small');
    mkdirSync(path.join(small, 'happy'), { recursive: true });
    mkdirSync(path.join(small, 'sad'), { recursive: true });
    writeFileSync(path.join(small, 'happy', 'a.jpg'), mona);
    writeFileSync(path.join(small, 'sad', 'b.jpg'), await sharp(await faceCrop()).resize(48, 48).jpeg().toBuffer());
    writeFileSync(path.join(small, 'sad', 'c.png'), await sharp(mona).flop().png().toBuffer());
    const r = await run(['data', 'prepare', small, '--out', 'out/small.ebds', '--workers', '2', '--val-fraction', '0']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/out\/small\.ebds: 3 faces/);
    expect(r.stdout).toMatch(/throughput: 3 images detected in [\d.]+ s, [\d.]+ images\/s on 2 workers/);
    expect(r.stderr).toMatch(/3 labelled images/);
    const i = await run(['data', 'inspect', 'out/small.ebds']);
    expect(i.code).toBe(0);
    expect(i.stdout).toMatch(/happy +1 +0 +0 +1/);
    expect(i.stdout).toMatch(/sad +2 +0 +0 +2/);
    expect(i.stdout).toMatch(/mean faces: out\/small\.means\.png/);
  });

  it('bad input gets one line and a non-zero exit', async () => {
    const noOut = await main(['data', 'prepare', photos], { out: () => undefined, err: () => undefined });
    expect(noOut).toBe(2);
    const errs: string[] = [];
    const io = { out: () => undefined, err: (l: string) => errs.push(l) };
    expect(await main(['data', 'inspect', path.join(dir, 'none.ebds')], io)).toBe(1);
    writeFileSync(path.join(dir, 'cut.ebds'), readFileSync(path.join(dir, 'a', 'mona.ebds')).subarray(0, 300));
    expect(await main(['data', 'inspect', path.join(dir, 'cut.ebds')], io)).toBe(1);
    expect(await main(['data', 'inspect', path.join(root, 'test/fixtures/mona-lisa.jpg')], io)).toBe(1);
    expect(await main(['data', 'prepare', photos, '--out', path.join(dir, 'x.ebds'), '--map', 'bored=sleepy'], io)).toBe(2);
    expect(await main(['data', 'frobnicate'], io)).toBe(2);
    expect(errs).toHaveLength(5);
    expect(errs[0]).toMatch(/cannot open .*none\.ebds: no such file/);
    expect(errs[1]).toMatch(/cut\.ebds is truncated \(.*300.*\): rebuild it/);
    expect(errs[2]).toMatch(/mona-lisa\.jpg is not an EmoteBot data file/);
    expect(errs[3]).toMatch(/"sleepy" is not an emotion/);
    expect(errs[4]).toMatch(/unknown data command "frobnicate"/);
    for (const e of errs) expect(e).not.toMatch(/\n|at .*\.ts:\d+/);
  });
});
