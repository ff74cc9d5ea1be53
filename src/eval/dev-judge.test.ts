/**
 * The dev judge and its data: the choice of dev faces (synthetic photo lists), the judge on the
 * Mona Lisa fixture with a small synthetic classifier (the real one need not exist), and the
 * eval CLI's --judge arguments. Needs neither ../shared/data nor the datasets.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { createHumanDetector } from '../face/human-node.ts';
import { readImageFile } from '../face/image.ts';
import type { FaceDetector } from '../face/types.ts';
import { encodeModel } from '../models/manifest.ts';
import { evalMain } from './cli.ts';
import { DEFAULT_FEATURES, DEFAULT_WINDOW, DEV_CLASSES, DEV_MODEL_NAME, DEV_MODEL_VERSION, devClassifierTensors, featureLength, loadDevClassifier } from './dev-classifier.ts';
import { chooseDevFaces, type DatasetPhoto, personOfFile, writeDevFaces } from './dev-data.ts';
import { createDevJudge, readDevClassifier } from './dev-judge.ts';
import { borderedJpeg, readFaceList } from './face-list.ts';
import { descriptorDistance } from './metrics.ts';

const mona = path.resolve(import.meta.dirname, '../../test/fixtures/mona-lisa.jpg');
const SIM = { scale: 1, rotation: [1, 0, 0, 0, -1, 0, 0, 0, -1], translation: [0, 0, 0] };

function photo(file: string, identity: string, emotion: DatasetPhoto['emotion'] = 'neutral', width = 250): DatasetPhoto {
  return { dataset: 'x.ebds', index: 0, file, emotion, identity, width, height: width, similarity: SIM };
}

describe('dev faces', () => {
  const photos = [
    photo('/d/neutral/Ann_Lee_0001.jpg', 'Ann_Lee'), photo('/d/neutral/Ann_Lee_0002.jpg', 'Ann_Lee'),
    photo('/d/neutral/Bob_Graham_0001.jpg', 'Bob_Graham'), photo('/d/neutral/Cy_Young_0003.jpg', 'Cy_Young', 'neutral', 150),
    photo('/d/happy/Dee_Dee_0001.jpg', 'Dee_Dee', 'happy'), photo('/d/neutral/Training_1.jpg', ''),
    photo('/d/neutral/Eve_Ray_0001.jpg', 'Eve_Ray'), photo('/d/neutral/Fay_Wu_0001.jpg', 'Fay_Wu'),
  ];

  it('names the person of a file as the eval folder does', () => {
    expect(personOfFile('Bob_Graham_0002.jpg')).toBe('Bob_Graham');
    expect(personOfFile('/x/Hamza_Atiya_Muhsen_0001.jpg')).toBe('Hamza_Atiya_Muhsen');
  });

  it('picks neutral, wide enough photos of distinct known people, none excluded, the same for the same seed', () => {
    const chosen = chooseDevFaces(photos, 10, 1, new Set(['Bob_Graham']));
    const people = chosen.map((p) => p.identity).sort();
    expect(people).toEqual(['Ann_Lee', 'Eve_Ray', 'Fay_Wu']);
    expect(chooseDevFaces(photos, 2, 1)).toEqual(chooseDevFaces([...photos].reverse(), 2, 1));
    expect(chooseDevFaces(photos, 2, 1)).toHaveLength(2);
    // Files of earlier sets are skipped; their people come back with other photos.
    const again = chooseDevFaces(photos, 10, 1, new Set(['Bob_Graham']), 200, new Set(['Ann_Lee_0001.jpg', 'Eve_Ray_0001.jpg']));
    expect(again.map((p) => path.basename(p.file)).sort()).toEqual(['Ann_Lee_0002.jpg', 'Fay_Wu_0001.jpg']);
  });

  it('writes each with a grey border of half its size on every side, and a face list of them that gives the same pixels', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devfaces-'));
    const [out] = await writeDevFaces([{ ...photo(mona, 'Mona'), width: 0, height: 0 }], path.join(dir, 'faces'), path.dirname(path.dirname(mona)));
    const src = await sharp(mona).metadata(), m = await sharp(out!).metadata();
    expect(m.width).toBe(src.width! + 2 * Math.round(src.width! / 2));
    expect(m.height).toBe(src.height! + 2 * Math.round(src.height! / 2));
    const { data } = await sharp(out!).raw().toBuffer({ resolveWithObject: true });
    expect(Math.abs(data[0]! - 128)).toBeLessThan(3);
    expect(readdirSync(path.join(dir, 'faces')).sort()).toEqual(['faces.txt', 'mona-lisa.jpg']);
    // The list names the photo relative to the data folder; read back, it is the same file, bordered the same way.
    const list = path.join(dir, 'faces', 'faces.txt');
    expect(readFileSync(list, 'utf8')).toMatch(/\nfixtures\/mona-lisa\.jpg\n$/);
    expect(await readFaceList(list, path.dirname(path.dirname(mona)))).toEqual([path.resolve(mona)]);
    expect((await borderedJpeg(mona)).equals(readFileSync(out!))).toBe(true);
  });
});

describe('the dev judge', () => {
  let detector: FaceDetector;
  beforeAll(async () => { detector = await createHumanDetector(); });

  it('finds the face, gives 7 probabilities, the crop it classified and no descriptor; a blank image has no face', async () => {
    const dims = featureLength(DEFAULT_WINDOW.size, DEFAULT_FEATURES);
    const rng = createRng(2);
    const softmax = {
      classes: DEV_CLASSES.length, dims, mean: new Float32Array(dims), std: new Float32Array(dims).fill(1),
      weights: Float32Array.from({ length: DEV_CLASSES.length * dims }, () => (rng() - 0.5) * 0.1), bias: new Float32Array(DEV_CLASSES.length),
    };
    const { manifest, weights } = await encodeModel({
      name: DEV_MODEL_NAME, version: DEV_MODEL_VERSION, created: '2026-01-01T00:00:00Z',
      architecture: { window: { ...DEFAULT_WINDOW }, features: { ...DEFAULT_FEATURES }, classes: [...DEV_CLASSES] },
      training: { command: 'test', seed: 1, seconds: 0, data: {} }, metrics: {},
    }, devClassifierTensors(softmax));
    const judge = createDevJudge(await loadDevClassifier(manifest, weights), detector);
    expect(judge.name).toBe('dev');
    const v = await judge.judge(await readImageFile(mona));
    expect(v.detected).toBe(true);
    expect(v.descriptor).toBeNull();
    // The crop it classified: the canonical window, normalised (mean 0, standard deviation 1).
    expect(v.crop).toHaveLength(DEFAULT_WINDOW.size ** 2);
    const crop = Array.from(v.crop!), mean = crop.reduce((a, b) => a + b, 0) / crop.length;
    expect(mean).toBeCloseTo(0, 4);
    expect(crop.reduce((a, b) => a + (b - mean) ** 2, 0) / crop.length).toBeCloseTo(1, 3);
    expect(Object.values(v.expressions).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(v.topProbability).toBe(Math.max(...Object.values(v.expressions)));
    const again = await judge.judge(await readImageFile(mona));
    expect(again.expressions).toEqual(v.expressions);
    expect(again.crop).toEqual(v.crop);
    const blank = await judge.judge({ data: new Uint8Array(64 * 64 * 4).fill(200), width: 64, height: 64, channels: 4 });
    expect(blank).toMatchObject({ detected: false, top: null, descriptor: null });
    expect(blank.crop).toBeUndefined();
  }, 60_000);

  it('gives the face-description embedding of its detector when asked, the same for the same image, further for another face', async () => {
    const describing = await createHumanDetector({ describe: true });
    const judge = createDevJudge(await readDevClassifier(), describing);
    const image = await readImageFile(mona);
    const a = await judge.judge(image, { descriptor: true });
    expect(a.descriptor).toBeInstanceOf(Float32Array);
    expect(a.descriptor!.length).toBeGreaterThan(100);
    expect(a.descriptor!.every(Number.isFinite)).toBe(true);
    expect((await judge.judge(image)).descriptor).toBeNull();
    expect(descriptorDistance(a.descriptor!, (await judge.judge(image, { descriptor: true })).descriptor!)).toBe(0);
    // The same face a little brighter is nearer than the face mirrored and darkened by half (another look).
    const brighter = { ...image, data: Uint8Array.from(image.data, (v, i) => ((i & 3) === 3 ? v : Math.min(255, v + 12))) };
    const w = image.width, ch = image.channels;
    const other = { ...image, data: Uint8Array.from(image.data, (_, i) => { const p = Math.floor(i / ch), x = p % w, y = Math.floor(p / w), c = i % ch; const v = image.data[(y * w + (w - 1 - x)) * ch + c]!; return c === 3 ? v : v >> 1; }) };
    const near = descriptorDistance(a.descriptor!, (await judge.judge(brighter, { descriptor: true })).descriptor!);
    const far = descriptorDistance(a.descriptor!, (await judge.judge(other, { descriptor: true })).descriptor!);
    expect(near).toBeGreaterThan(0);
    expect(near).toBeLessThan(far);
    // The mesh it aligns with is the plain detector's: the same verdict.
    const plain = await createDevJudge(await readDevClassifier(), detector).judge(image);
    expect(a.expressions).toEqual(plain.expressions);
  }, 60_000);
});

describe('npm run eval: --judge arguments', () => {
  const run = async (args: string[]) => {
    const err: string[] = [];
    const code = await evalMain(args, { out: () => {}, err: (l) => err.push(l) });
    return { code, err: err.join('\n') };
  };
  it.each([
    [['--judge', 'human'], /--judge must be "face-api" or "dev"/],
    [['--dev-faces-dir', 'x'], /goes with --dev-faces/],
    [['--skip-files', 'x'], /--skip-files goes with --dev-faces/],
    [['--skip-people', 'x'], /--skip-people goes with --dev-faces/],
    [['--dev-faces-part', 'val'], /--dev-faces-part goes with --dev-faces/],
    [['--dev-faces', '2', '--dev-faces-part', 'test'], /--dev-faces-part must be "dev" or "val", got "test"/],
    [['--dev-faces', '2', '--faces', 'bot'], /not both/],
    [['--dev-faces', '0'], /--dev-faces must be between/],
  ])('refuses %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
  it('documents --judge in --help', async () => {
    const out: string[] = [];
    expect(await evalMain(['--help'], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    expect(out.join('\n')).toMatch(/--judge <face-api\|dev>/);
  });
});
