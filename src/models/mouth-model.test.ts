import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupMouth } from '../render/mouth-interior.ts';
import { writeModelDir } from './files.ts';
import { encodeModel, ModelError } from './manifest.ts';
import { chooseMouth, readMouthModel } from './mouth-files.ts';
import { loadMouthModel, MOUTH_MODEL_NAME, MOUTH_MODEL_VERSION } from './mouth-model.ts';
import { DEFAULT_MOUTH_TRAIN, interiorContrast, medoid, type MouthFace, trainMouth } from './mouth-train.ts';

/** Seeded synthetic open mouths: upper third bright (teeth), the rest dark, brighter with openness. */
function syntheticFaces(n: number, cols: number, rows: number): MouthFace[] {
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Array.from({ length: n }, (_, k) => {
    const openness = 0.09 + rnd() * 0.4, skin: [number, number, number] = [150 + rnd() * 60, 110 + rnd() * 40, 90 + rnd() * 30];
    const samples = new Float32Array(cols * rows * 3);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
      const teeth = j < rows / 3, l = teeth ? 1.2 : 0.2 + openness * 0.3;
      for (let c = 0; c < 3; c++) samples[(j * cols + i) * 3 + c] = Math.min(255, l * skin[c]! * (0.9 + 0.2 * rnd()));
    }
    return { identity: `person-${k % 50}`, openness, skin, samples, colour: k % 3 === 0 };
  });
}

const cols = 8, rows = 4;
const opts = { ...DEFAULT_MOUTH_TRAIN, cols, rows, seed: 1, minColourFaces: 5 };

describe('training the mouth interior', () => {
  const faces = syntheticFaces(400, cols, rows);
  it('is deterministic: the same faces and seed give the same table, bit for bit', () => {
    const a = trainMouth(faces, opts), b = trainMouth(faces, opts);
    expect(Buffer.from(a.table.rgb.buffer).equals(Buffer.from(b.table.rgb.buffer))).toBe(true);
    expect(a.bins).toEqual(b.bins);
    expect(a.metrics).toEqual(b.metrics);
    const other = trainMouth(faces, { ...opts, seed: 2 });
    expect(other.bins.map((x) => x.val)).not.toEqual(a.bins.map((x) => x.val));
  });
  it('learns bright teeth over a dark cavity, counts every face once, and beats the procedural interior on held-out faces', () => {
    const r = trainMouth(faces, opts);
    const total = r.bins.reduce((s, b) => s + b.faces + b.val, 0) + r.outside;
    expect(total).toBe(faces.length);
    expect(r.bins.every((b) => b.faces > 0)).toBe(true);
    const top = lookupMouth(r.table, 0.5, 0.1, 0.2), bottom = lookupMouth(r.table, 0.5, 0.9, 0.2);
    expect(top[1]).toBeGreaterThan(1);
    expect(bottom[1]).toBeLessThan(0.4);
    expect(r.metrics.valFaces).toBeGreaterThan(10);
    expect(r.metrics.learnedMae).toBeLessThan(r.metrics.proceduralMae);
  });
});

describe('the exemplar mouth and the contrast figure', () => {
  const face = (level: number, spread: number, identity = 'x'): MouthFace => {
    const samples = new Float32Array(cols * rows * 3);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) for (let c = 0; c < 3; c++) samples[(j * cols + i) * 3 + c] = 100 * level * (j < rows / 2 ? 1 + spread : 1 - spread);
    return { identity, openness: 0.2, skin: [100, 100, 100], samples, colour: false };
  };
  it('picks the real mouth nearest all the others, the same for a seed whatever the order', () => {
    const set = [face(0.5, 0.3), face(0.6, 0.3), face(0.55, 0.3), face(1.5, 0.1), face(0.52, 0.31)];
    const m = medoid(set, 100, 1);
    expect([set[0], set[2], set[4]]).toContain(m);
    expect(medoid([...set].reverse(), 100, 1)).toBe(m);
  });
  it('keeps a real mouth\'s teeth and cavity where the mean of misaligned mouths washes them out', () => {
    // Half the mouths bright on top, half bright below: the mean is flat, each exemplar is not.
    const flip = (f: MouthFace): MouthFace => { const s = Float32Array.from(f.samples); for (let j = 0; j < rows; j++) s.set(f.samples.subarray((rows - 1 - j) * cols * 3, (rows - j) * cols * 3), j * cols * 3); return { ...f, samples: s }; };
    const faces = Array.from({ length: 60 }, (_, k) => (k % 2 ? flip(face(0.5 + 0.001 * k, 0.6, `p${k}`)) : face(0.5 + 0.001 * k, 0.6, `p${k}`)));
    const r = trainMouth(faces, { ...opts, valShare: 0 });
    const lum = (t: typeof r.table) => Array.from({ length: cols * rows }, (_, i) => t.rgb[i * 3]!);
    expect(interiorContrast(lum(r.tables.mean))).toBeLessThan(0.05);
    expect(interiorContrast(lum(r.tables.exemplar))).toBeGreaterThan(0.5);
    expect(r.table).toBe(r.tables.exemplar);
    expect(trainMouth(faces, { ...opts, valShare: 0, table: 'mean' }).table).toEqual(r.tables.mean);
  });
});

describe('the mouth-interior model files', () => {
  let dir: string;
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  const write = async (name: string) => {
    dir ??= await mkdtemp(path.join(os.tmpdir(), 'emotebot-mouth-'));
    const r = trainMouth(syntheticFaces(200, cols, rows), opts);
    const { manifest, weights } = await encodeModel({
      name: MOUTH_MODEL_NAME, version: MOUTH_MODEL_VERSION, created: 'test', architecture: { cols, rows, bins: r.table.bins },
      training: { command: 'test', seed: 1, seconds: 0, data: {} }, metrics: {},
    }, [{ name: 'openness', shape: [r.table.bins], data: r.table.openness }, { name: 'rgb', shape: [r.table.bins, rows, cols, 3], data: r.table.rgb }]);
    const d = path.join(dir, name);
    await writeModelDir(d, manifest, weights);
    return { d, manifest, weights, table: r.table };
  };

  it('round-trips the table', async () => {
    const { d, table } = await write('ok');
    const m = await readMouthModel(d);
    expect(Array.from(m.table.rgb)).toEqual(Array.from(table.rgb));
    expect((await chooseMouth('learned', d)).table).toBeDefined();
    expect(await chooseMouth('procedural', d)).toEqual({});
  });
  it('refuses weights that do not match the hash, with a clear error', async () => {
    const { manifest, weights } = await write('hash');
    const bad = new Uint8Array(weights);
    bad[0] = bad[0]! ^ 0xff;
    await expect(loadMouthModel(manifest, bad)).rejects.toThrow(/SHA-256/);
  });
  it('refuses another version and another model', async () => {
    const { manifest, weights } = await write('version');
    await expect(loadMouthModel({ ...manifest, version: 99 }, weights)).rejects.toThrow(/version 99 is not supported/);
    await expect(loadMouthModel({ ...manifest, name: 'expression-detail' }, weights)).rejects.toThrow(/expected a "mouth-interior" model/);
    await expect(loadMouthModel({ ...manifest, architecture: { cols: 3, rows, bins: 4 } }, weights)).rejects.toThrow(ModelError);
  });
  it('says which file is missing, and render falls back to the procedural interior with a note', async () => {
    const { d, manifest } = await write('missing');
    await rm(path.join(d, manifest.weights.file));
    await expect(readMouthModel(d)).rejects.toThrow(/cannot read the weights/);
    const fallback = await chooseMouth('learned', d);
    expect(fallback.table).toBeUndefined();
    expect(fallback.note).toMatch(/procedural/);
    await writeFile(path.join(d, 'manifest.json'), '{');
    await expect(readMouthModel(d)).rejects.toThrow(/manifest\.json/);
    await expect(readMouthModel(path.join(dir, 'nowhere'))).rejects.toThrow(ModelError);
  });
  it('the shipped model loads and passes its checks', async () => {
    const m = await readMouthModel();
    expect(m.table.bins).toBeGreaterThanOrEqual(2);
    expect(m.manifest.training.command).toMatch(/emotebot train mouth/);
  });
});
