/**
 * Mean crops: the sums and differences (synthetic crops), the picture's size and format, and a
 * whole run with a stand-in judge that gives crops: the dev judge writes mean-crops.png counting
 * cached verdicts as the accuracy tables do; the face-api judge writes none.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JUDGE_LABELS, type Judge, type JudgeLabel } from './judge.ts';
import { cropDifference, MEAN_CROP_EMOTIONS, MeanCropSums, meanCropTable, REAL_ROW, toGrey } from './mean-crops.ts';
import type { EvalReport } from './report.ts';
import { runEvaluation } from './run.ts';
import { meanCropsPng, meanCropsSize, meanCropTileSide } from './sheet.ts';

const arr = (a: ArrayLike<number> | null) => (a ? Array.from(a) : null);

describe('mean crops: sums and differences', () => {
  it('averages two crops per cell and takes differences to the row\'s neutral and to the real photos', () => {
    const s = new MeanCropSums();
    // Real photos: neutral 0 everywhere; happy: two crops averaging to [1, 0, 0, -1].
    s.add(REAL_ROW, 'neutral', [0, 0, 0, 0]);
    s.add(REAL_ROW, 'happy', [2, 0, 0, -1]);
    s.add(REAL_ROW, 'happy', [0, 0, 0, -1]);
    // A model: neutral [1, 1, 1, 1]; happy [1, 1, 3, 1] and [1, 1, 1, 1] -> mean [1, 1, 2, 1].
    s.add('m', 'neutral', Float32Array.of(1, 1, 1, 1));
    s.add('m', 'happy', Float32Array.of(1, 1, 3, 1));
    s.add('m', 'happy', Float32Array.of(1, 1, 1, 1));
    s.add('m', 'contempt', [9, 9, 9, 9]); // not a column: ignored
    expect(s.side).toBe(2);
    expect(s.rows).toEqual([REAL_ROW, 'm']);
    expect(arr(s.mean(REAL_ROW, 'happy'))).toEqual([1, 0, 0, -1]);
    expect(s.count('m', 'happy')).toBe(2);
    expect(s.mean('m', 'sad')).toBeNull();

    const t = meanCropTable(s, ['m']);
    expect(t.side).toBe(2);
    expect(t.rows.map((r) => [r.name, r.kind])).toEqual([[REAL_ROW, 'real'], ['m', 'model'], ['m - real', 'versus']]);
    for (const r of t.rows) expect(r.tiles).toHaveLength(MEAN_CROP_EMOTIONS.length);
    const [real, model, versus] = t.rows as [typeof t.rows[0], typeof t.rows[0], typeof t.rows[0]];
    expect(real.tiles[0]).toMatchObject({ kind: 'mean', note: 'n=1' });
    expect(arr(real.tiles[0]!.values)).toEqual([0, 0, 0, 0]);
    expect(arr(real.tiles[1]!.values)).toEqual([1, 0, 0, -1]); // happy - neutral
    expect(real.tiles[1]).toMatchObject({ kind: 'difference', note: 'n=2 vs 1' });
    expect(arr(model.tiles[0]!.values)).toEqual([1, 1, 1, 1]);
    expect(arr(model.tiles[1]!.values)).toEqual([0, 0, 1, 0]);
    // (model happy - model neutral) - (real happy - real neutral)
    expect(arr(versus.tiles[1]!.values)).toEqual([-1, 0, 1, 1]);
    // Neutral column of the versus row: model neutral - real neutral.
    expect(arr(versus.tiles[0]!.values)).toEqual([1, 1, 1, 1]);
    // No sad crops anywhere: empty tiles.
    expect(real.tiles[2]!.values).toBeNull();
    expect(versus.tiles[2]!.values).toBeNull();
  });

  it('refuses crops that are not square or not the same size, and maps values to grey with 128 at zero', () => {
    const s = new MeanCropSums();
    expect(() => s.add('m', 'happy', [1, 2, 3])).toThrow(/not square/);
    s.add('m', 'happy', [1, 2, 3, 4]);
    expect(() => s.add('m', 'sad', new Float32Array(9))).toThrow(/3x3 crop among 2x2/);
    expect(cropDifference(null, Float32Array.of(1))).toBeNull();
    expect(Array.from(toGrey([0, 0.8, -0.8, 0.4, 5, -5], 0.8))).toEqual([128, 255, 0, 192, 255, 0]);
  });
});

describe('mean crops: the picture', () => {
  it('is a PNG of the expected size, with empty tiles plain grey', async () => {
    const s = new MeanCropSums();
    const crop = Float32Array.from({ length: 48 * 48 }, (_, i) => ((i % 48) - 24) / 24);
    s.add(REAL_ROW, 'neutral', crop);
    s.add('gan', 'neutral', crop);
    s.add('gan', 'happy', crop.map((v) => v + 0.4));
    const table = meanCropTable(s, ['gan']);
    const png = await meanCropsPng(table);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meanCropTileSide(48)).toBe(192);
    expect({ width: meta.width, height: meta.height }).toEqual(meanCropsSize(3, 48));
    // gan's happy tile: +0.4 everywhere -> grey 192 (128 + 128 * 0.4 / 0.8).
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
    const t = 192, x0 = 170 + (t + 6), y0 = 30 + (t + 22 + 6);
    expect(at(x0 + 5, y0 + 5)).toBe(192);
    // real photos' sad tile: no crops -> plain grey (128 within a tile, away from the "none" text).
    expect(at(170 + 2 * (t + 6) + 5, 30 + 5)).toBe(128);
  });
});

describe('mean crops in a run', () => {
  /** A stand-in judge: always finds a face, says neutral, and gives a 4x4 crop of the image's mean grey. */
  const fakeJudge = (): Judge & { calls: number } => {
    const j = {
      name: 'dev', versions: { fake: '1' }, preprocessing: 'none', calls: 0, numTensors: () => 0,
      async judge(image: { data: ArrayLike<number> }) {
        j.calls++;
        let sum = 0;
        for (let i = 0; i < image.data.length; i++) sum += image.data[i]!;
        const g = sum / image.data.length / 255;
        const expressions = Object.fromEntries(JUDGE_LABELS.map((l) => [l, l === 'neutral' ? 1 : 0])) as Record<JudgeLabel, number>;
        return { detected: true, score: 1, expressions, top: 'neutral' as const, topProbability: 1, descriptor: null, crop: new Float32Array(16).fill(g) };
      },
    };
    return j;
  };

  it('with the dev judge writes mean-crops.png and names it; cached verdicts count each time; the face-api judge writes none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-meancrops-'));
    const base = { faces: ['bot', 'bot'], realDir: null, perEmotion: 1, seed: 1, size: 128, intensity: 1, models: ['source', 'rig'], animationRuns: 1 };
    const judge = fakeJudge();
    const { report, files, meanCrops } = await runEvaluation({ ...base, out: path.join(dir, 'dev'), judgeKind: 'dev', judge });
    expect(files.meanCrops).toBe(path.join(dir, 'dev', 'mean-crops.png'));
    expect(existsSync(files.meanCrops!)).toBe(true);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as EvalReport;
    expect(json.files.meanCrops).toBe(files.meanCrops);
    expect(readFileSync(files.summary, 'utf8')).toContain('Mean crops: ');
    // Two identical faces x 2 models x 8 emotions = 32 cells, judged far fewer times (the cache);
    // the picture has the real row, 2 model rows and 2 "model - real" rows of 4x4 crops.
    expect(report.cells).toHaveLength(32);
    expect(judge.calls).toBeLessThan(32);
    // Every cell counted, cached or not: 2 renders per model and emotion; no real photos (--real none).
    expect(meanCrops!.rows.map((r) => [r.name, r.tiles[0]!.note, r.tiles[3]!.note])).toEqual([
      [REAL_ROW, 'n=0', 'n=0 vs 0'], ['source', 'n=2', 'n=2 vs 2'], ['rig', 'n=2', 'n=2 vs 2'],
      ['source - real', 'n=2 vs 0 real', 'n=2 vs 0 real'], ['rig - real', 'n=2 vs 0 real', 'n=2 vs 0 real'],
    ]);
    // The source model changes nothing: its differences to neutral are zero.
    expect(Array.from(meanCrops!.rows[1]!.tiles[3]!.values!).every((v) => v === 0)).toBe(true);
    expect(meanCrops!.rows[0]!.tiles[0]!.values).toBeNull();
    const meta = await sharp(files.meanCrops!).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual(meanCropsSize(5, 4));

    const plain = await runEvaluation({ ...base, out: path.join(dir, 'face-api'), judge: fakeJudge() });
    expect(plain.files.meanCrops).toBeUndefined();
    expect(plain.meanCrops).toBeUndefined();
    expect(existsSync(path.join(dir, 'face-api', 'mean-crops.png'))).toBe(false);
    const plainJson = JSON.parse(readFileSync(plain.files.json, 'utf8')) as EvalReport;
    expect(Object.keys(plainJson.files)).toEqual(['summary', 'json', 'contactSheet']);
    expect(readFileSync(plain.files.summary, 'utf8')).not.toContain('Mean crops');
  });
});
