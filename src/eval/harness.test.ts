/**
 * The evaluation harness itself, on the Mona Lisa fixture (no ../shared/data): the judge's
 * labels, a render that changes nothing scoring as the photo itself (neutral) while a change
 * is seen, and a whole run writing a report that matches its schema.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Emotion, EMOTIONS } from '../core/emotions.ts';
import { createHumanDetector } from '../face/human-node.ts';
import { readImageFile } from '../face/image.ts';
import { preparePhoto } from '../face/photo.ts';
import type { FaceDetector } from '../face/types.ts';
import { evalMain } from './cli.ts';
import { createFaceApiJudge, JUDGE_PREPROCESSING, judgeInput, type Judge } from './judge.ts';
import { descriptorDistance } from './metrics.ts';
import { DEFAULT_MOUTH_MODEL_DIR } from '../models/mouth-files.ts';
import { type EvalFace, loadGanModel, loadModels, rigModel, sourceModel } from './models.ts';
import { checkReport, type EvalReport } from './report.ts';
import { renderedEmotions, runEvaluation } from './run.ts';
import { CELL } from './sheet.ts';

const mona = path.resolve(import.meta.dirname, '../../test/fixtures/mona-lisa.jpg');

let judge: Judge;
let detector: FaceDetector;
let face: EvalFace;

beforeAll(async () => {
  judge = await createFaceApiJudge();
  detector = await createHumanDetector();
  const photo = await preparePhoto(await readImageFile(mona), detector, 256);
  face = { id: 'mona-lisa', kind: 'photo', file: mona, image: photo.image, mesh: photo.mesh };
});

describe('the judge (face-api, weights from its npm package)', () => {
  it('applies one fixed preprocessing: a grey border, a fixed size', async () => {
    const tiny = { data: new Uint8Array(48 * 48 * 3).fill(200), width: 48, height: 48, channels: 3 as const };
    const { data, side } = await judgeInput(tiny);
    expect(side).toBe(JUDGE_PREPROCESSING.side);
    expect(data).toHaveLength(side * side * 3);
    expect([data[0], data[1], data[2]]).toEqual([128, 128, 128]); // border
    const c = ((side / 2) * side + side / 2) * 3;
    expect(data[c]).toBe(200); // the image, centred
  });

  it('sees a neutral face on the Mona Lisa, gives a 128-D descriptor, and leaks no tensors', async () => {
    const image = await readImageFile(mona);
    const first = await judge.judge(image);
    const before = judge.numTensors();
    const v = await judge.judge(image);
    expect(judge.numTensors()).toBe(before);
    expect(v.detected).toBe(true);
    expect(v.score).toBeGreaterThan(0.8);
    expect(v.top).toBe('neutral');
    expect(v.expressions.neutral).toBeGreaterThan(0.8);
    const sum = Object.values(v.expressions).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 3);
    expect(v.descriptor).toHaveLength(128);
    expect(descriptorDistance(v.descriptor!, first.descriptor!)).toBeLessThan(1e-4); // deterministic
  });

  it('finds no face where there is none', async () => {
    const flat = { data: new Uint8Array(128 * 128 * 3).fill(90), width: 128, height: 128, channels: 3 as const };
    const v = await judge.judge(flat);
    expect(v).toMatchObject({ detected: false, top: null, topProbability: 0, descriptor: null });
  });
});

describe('the harness tells no change from change', () => {
  it('a render that returns the source scores as the photo does (neutral) at every emotion, at distance 0', async () => {
    const src = await judge.judge({ data: face.kind === 'photo' ? face.image.data : new Uint8ClampedArray(0), width: 256, height: 256, channels: 4 });
    const r = sourceModel.open(face)!;
    for (const e of ['happy', 'angry', 'surprised'] as const) {
      const px = r.render(e, 1);
      const v = await judge.judge({ data: px, width: 256, height: 256, channels: 4 });
      expect(v.top).toBe('neutral');
      expect(descriptorDistance(v.descriptor!, src.descriptor!)).toBe(0);
    }
  });

  it('a render that changes the face moves the judge (the rig\'s smile raises p(happy) far above the source\'s)', async () => {
    const size = 256;
    const src = await judge.judge({ data: sourceModel.open(face)!.render('happy', 1), width: size, height: size, channels: 4 });
    const happy = await judge.judge({ data: rigModel.open(face)!.render('happy', 1), width: size, height: size, channels: 4 });
    expect(happy.detected).toBe(true);
    expect(happy.expressions.happy).toBeGreaterThan(src.expressions.happy + 0.3);
    const d = descriptorDistance(happy.descriptor!, src.descriptor!);
    expect(d).toBeGreaterThan(0);
  });
});

describe('a whole evaluation run', () => {
  it('writes summary.md, report.json (matching its schema) and the contact sheet, with the bar measured from a labelled folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-eval-'));
    // A tiny labelled set in the shared data's layout: the Mona Lisa as "neutral" and as "contempt".
    const data = path.join(dir, 'data');
    for (const [set, label] of [['fer2013/val', 'neutral'], ['muxspace', 'contempt'], ['muxspace', 'happiness']] as const) {
      mkdirSync(path.join(data, set, label), { recursive: true });
      if (label !== 'happiness') copyFileSync(mona, path.join(data, set, label, 'mona.jpg'));
    }
    const out = path.join(dir, 'report');
    const lines: string[] = [];
    const { report, files } = await runEvaluation({
      faces: [mona, 'bot'], out, realDir: data, perEmotion: 3, seed: 1, size: 256, intensity: 1,
      models: ['source', 'rig'], animationRuns: 1, judge, detector, log: (l) => lines.push(l),
    });
    for (const f of Object.values(files)) expect(existsSync(f)).toBe(true);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as EvalReport;
    expect(checkReport(json)).toEqual([]);
    expect(json.cells).toHaveLength(2 * 2 * EMOTIONS.length);

    // The bar: one neutral photo judged right; contempt judged but never counted.
    expect(report.real.status).toBe('measured');
    expect(report.real.rows.find((r) => r.emotion === 'neutral')).toMatchObject({ n: 1, detected: 1, correct: 1, accuracy: 1 });
    expect(report.real.rows.find((r) => r.emotion === 'contempt')).toMatchObject({ judgeLabel: null, n: 1, correct: 0, accuracy: null });
    expect(report.real.rows.find((r) => r.emotion === 'happy')).toMatchObject({ n: 0, accuracy: null });

    // No change: the source baseline reads as neutral at every emotion, identity distance 0.
    const src = report.cells.filter((c) => c.face === 'mona-lisa' && c.model === 'source');
    expect(src.map((c) => c.top)).toEqual(EMOTIONS.map(() => 'neutral'));
    expect(src.every((c) => c.identityDistance === 0)).toBe(true);
    const srcModel = report.models.find((m) => m.name === 'source')!;
    expect(srcModel.rows[0]).toMatchObject({ emotion: 'neutral', accuracy: 1 });
    expect(srcModel.overall.expressive.correct).toBe(0);
    // The character is never counted for identity.
    expect(report.cells.filter((c) => c.face === 'emotebot').every((c) => c.identityDistance === null)).toBe(true);
    // Animation figures are there, and the targets name the bar.
    expect(report.animation).toHaveLength(1);
    expect(report.targets.some((t) => t.what === 'rig: happy recognised')).toBe(true);

    const md = readFileSync(files.summary, 'utf8');
    expect(md).toContain('## 1. The bar');
    expect(md).toContain('| neutral |');
    const meta = await sharp(files.contactSheet).metadata();
    expect(meta.width).toBe(150 + EMOTIONS.length * CELL);
    expect(meta.height).toBe(30 + 4 * (CELL + 26));
    expect(lines.some((l) => l.startsWith('renders:'))).toBe(true);
  });
});

describe('a run of some emotions (--emotions)', () => {
  it('renders neutral and the emotions asked for, says the others were not rendered, and still matches its schema', async () => {
    expect(renderedEmotions(['fearful', 'happy'])).toEqual(['neutral', 'happy', 'fearful']);
    expect(renderedEmotions(undefined)).toEqual([...EMOTIONS]);
    expect(() => renderedEmotions(['scared'])).toThrow(/unknown emotion "scared"/);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'emotebot-eval-')), 'report');
    const { report, files } = await runEvaluation({
      faces: [mona], out, realDir: null, perEmotion: 0, seed: 1, size: 256, intensity: 1,
      models: ['rig'], animationRuns: 1, judge, detector, emotions: ['fearful'],
    });
    expect(checkReport(JSON.parse(readFileSync(files.json, 'utf8')) as EvalReport)).toEqual([]);
    expect(report.cells.map((c) => c.emotion)).toEqual(['neutral', 'fearful']);
    expect(report.settings.emotions).toEqual(['neutral', 'fearful']);
    const rows = report.models[0]!.rows;
    expect(rows.find((r) => r.emotion === 'fearful')!.n).toBe(1);
    expect(rows.find((r) => r.emotion === 'happy')).toMatchObject({ n: 0, accuracy: null });
    expect(report.models[0]!.overall.n).toBe(2);
    expect(report.targets.find((t) => t.what === 'rig: happy recognised')).toMatchObject({ value: 'not rendered', met: null });
    expect(report.targets.find((t) => t.what === 'rig: contempt recognised')).toMatchObject({ value: 'not rendered', met: null });
    expect(report.targets.find((t) => t.what === 'rig: fearful recognised')!.value).not.toBe('not rendered');
    expect(readFileSync(files.summary, 'utf8')).toContain('Rendered only neutral, fearful (--emotions)');
  });

  it('measures the bar on the same emotions only, each row as a run of every emotion measures it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-eval-'));
    // The Mona Lisa as neutral, fearful and happy photos.
    const data = path.join(dir, 'data');
    for (const label of ['neutral', 'fear', 'happiness']) {
      mkdirSync(path.join(data, 'muxspace', label), { recursive: true });
      copyFileSync(mona, path.join(data, 'muxspace', label, 'mona.jpg'));
    }
    const bar = async (emotions?: readonly Emotion[]) => (await runEvaluation({
      faces: [mona], out: path.join(dir, `report-${emotions?.join('-') ?? 'all'}`), realDir: data, perEmotion: 3, seed: 1, size: 256, intensity: 1,
      models: ['source'], animationRuns: 1, judge, detector, ...(emotions ? { emotions } : {}),
    })).report.real;
    const all = await bar(), some = await bar(['fearful']);
    expect(all.rows.find((r) => r.emotion === 'happy')!.n).toBe(1);
    expect(some.rows.find((r) => r.emotion === 'happy')).toMatchObject({ n: 0, accuracy: null });
    for (const e of ['neutral', 'fearful'] as const) {
      expect(some.rows.find((r) => r.emotion === e)!.n).toBe(1);
      expect(some.rows.find((r) => r.emotion === e)).toEqual(all.rows.find((r) => r.emotion === e));
    }
    expect(some.overall.n).toBe(2);
    expect(some.notes.some((n) => n.startsWith('measured on neutral, fearful only (--emotions): the other emotions\' 1 photos were not judged'))).toBe(true);
  });
});

describe('the models compared', () => {
  it('loads the baselines, refuses an unknown name, and says why a trained model cannot load', async () => {
    const { models, missing } = await loadModels(['source', 'rig'], 1);
    expect(models.map((m) => m.name)).toEqual(['source', 'rig']);
    expect(missing).toEqual([]);
    await expect(loadModels(['source', 'vae'], 1)).rejects.toThrow(/unknown model "vae"/);
    await expect(loadGanModel(1, { expressions: path.join(tmpdir(), 'emotebot-no-such-model') })).rejects.toThrow(/manifest/);
  });
  it('evaluates a candidate model folder when asked, and leaves the model out with the reason when that folder cannot load', async () => {
    const shipped = (await loadModels(['rig'], 1)).models[0]!;
    const named = await loadModels(['rig'], 1, { mouth: DEFAULT_MOUTH_MODEL_DIR });
    expect(named.models.map((m) => m.description)).toEqual([shipped.description]);
    const broken = await loadModels(['source', 'rig', 'gan'], 1, { mouth: path.join(tmpdir(), 'emotebot-no-such-mouth') });
    expect(broken.models.map((m) => m.name)).toEqual(['source']);
    expect(broken.missing.map((m) => m.name)).toEqual(['rig', 'gan']);
    expect(broken.missing[0]!.reason).toMatch(/manifest/);
  });
});

describe('npm run eval (arguments)', () => {
  const run = async (args: string[]) => {
    const out: string[] = [], err: string[] = [];
    const code = await evalMain(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  it('prints help, and refuses bad options and missing faces on one line', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--faces');
    expect((await run(['--per-emotion', 'many'])).code).toBe(2);
    const vae = await run(['--models', 'source,vae']);
    expect(vae.code).toBe(2);
    expect(vae.err).toContain('unknown model "vae"');
    const scared = await run(['--emotions', 'fearful,scaredy']);
    expect(scared.code).toBe(2);
    expect(scared.err).toContain('unknown emotion "scaredy"');
    expect((await run(['--emotions', ' , '])).code).toBe(2);
    const missing = await run(['--faces', '/no/such/folder', '--quiet']);
    expect(missing.code).toBe(1);
    expect(missing.err.split('\n')).toHaveLength(1);
  });
});
