/**
 * The dataset and sequences files: round trip, extra named arrays, refusals (another version, a
 * truncated or foreign file), the cache records, and the load time of 50,000 faces (printed).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../src/core/emotions.ts';
import { createRng, gaussian } from '../src/core/rng.ts';
import { CANONICAL_POSITIONS } from '../src/core/topology.ts';
import { DetectionCache } from '../src/data/cache.ts';
import { type ArrayData, type ArraySpec, CONTAINER_VERSION, DataFileError, decodeContainer, encodeContainer } from '../src/data/container.ts';
import { readDataset, readSequences } from '../src/data/files.ts';
import {
  DATA_VERSION, decodeDataset, decodeSequences, encodeDataset, encodeSequences, FaceTable, MESH_STEP_CM, MESH_VALUES, type DatasetRows,
} from '../src/data/format.ts';
import type { Detection } from '../src/data/judge.ts';
import { crc32, decodeRecord, encodeRecord, scanRecords } from '../src/data/record.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-data-format-'));

const META = {
  created: '2026-01-01T00:00:00.000Z', generator: 'test',
  canonical: { units: 'cm' as const, axes: 'x left, y up, z out', positions: [...CANONICAL_POSITIONS] },
  alignment: { method: 'test', stablePoints: [1, 2, 3], depthScaleSearch: [0.5, 4] as [number, number], normalisation: 'test', meshStepCm: MESH_STEP_CM, pipelineVersion: 1 },
  detection: { detector: 'test', rule: { minSide: 192, maxSide: 1280, border: 0.25 }, thresholds: { minScore: 0.5 } },
  rejected: { 'no-face': 3, 'pose-too-far': 1 },
  run: { seconds: 2, processed: 10, fromCache: 0, workers: 2, perSecond: 5 },
};

function randomMesh(rng: () => number): Float64Array {
  return Float64Array.from(CANONICAL_POSITIONS, (v) => v + 0.3 * gaussian(rng));
}

function syntheticRows(n: number, seed: number): { rows: DatasetRows; meshes: Float64Array[] } {
  const rng = createRng(seed);
  const faces = new FaceTable(4);
  const meshes: Float64Array[] = [];
  const label = new Uint8Array(n), split = new Uint8Array(n), imageSize = new Uint32Array(n * 2), root = new Uint16Array(n), hash = new Uint8Array(n * 8);
  const source: string[] = [], identity: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = randomMesh(rng);
    meshes.push(m);
    faces.push({
      score: rng(), pose: { yaw: 40 * rng() - 20, pitch: 10 * rng(), roll: -5 }, aligned: m,
      similarity: { scale: 10 + rng(), rotation: [1, 0, 0, 0, -1, 0, 0, 0, -1], translation: [100 * rng(), 50, 0] },
      depthScale: 1.7, fitError: 0.4 * rng(), box: { x: i, y: 2 * i, width: 48, height: 50 },
    });
    label[i] = i % EMOTIONS.length; split[i] = i % 3; imageSize.set([48 + i, 48], i * 2); root[i] = i % 2;
    hash.set([i & 255, 1, 2, 3, 4, 5, 6, 7], i * 8);
    source.push(`train/${EMOTIONS[i % EMOTIONS.length]}/été ${i}, "quoted".jpg`);
    identity.push(i % 4 === 0 ? '' : `person-${i % 5}`);
  }
  return { rows: { faces, label, split, imageSize, source, root, identity, hash }, meshes };
}

const datasetMeta = {
  ...META,
  sources: [{ path: '/data/a', kind: 'folders' as const, images: 12, accepted: 7, unknownLabel: 1 }, { path: '/data/b.csv', kind: 'csv' as const, images: 5, accepted: 5, unknownLabel: 0 }],
  counts: { train: { happy: 3 } }, unknownLabels: { bored: 1 }, duplicates: 0,
};

describe('face dataset file', () => {
  const { rows, meshes } = syntheticRows(37, 1);
  const bytes = encodeDataset(datasetMeta, rows);

  it('round-trips every field; meshes to within half the quantisation step', () => {
    const ds = decodeDataset(bytes);
    expect(ds.count).toBe(37);
    expect(ds.header.vocabulary).toEqual([...EMOTIONS]);
    expect(ds.header.version).toBe(DATA_VERSION);
    expect(ds.header.sources).toEqual(datasetMeta.sources);
    expect(ds.header.rejected).toEqual(META.rejected);
    expect(Array.from(ds.label)).toEqual(Array.from(rows.label));
    expect(Array.from(ds.split)).toEqual(Array.from(rows.split));
    expect(ds.source).toEqual(rows.source);
    expect(ds.identity).toEqual(rows.identity);
    expect(Array.from(ds.imageSize)).toEqual(Array.from(rows.imageSize));
    expect(Array.from(ds.root)).toEqual(Array.from(rows.root));
    expect(Array.from(ds.hash)).toEqual(Array.from(rows.hash));
    expect(ds.emotion(3)).toBe(EMOTIONS[3]);
    expect(ds.splitName(2)).toBe('test');
    expect(Array.from(ds.score)).toEqual(Array.from(rows.faces.score.subarray(0, 37)));
    expect(ds.pose[3 * 3 + 2]).toBe(-5);
    expect(ds.box[5 * 4 + 1]).toBe(10);
    let worst = 0;
    for (let i = 0; i < 37; i++) {
      const m = ds.meshOf(i);
      expect(m.length).toBe(MESH_VALUES);
      for (let k = 0; k < MESH_VALUES; k++) worst = Math.max(worst, Math.abs(m[k]! - meshes[i]![k]!));
    }
    expect(worst).toBeLessThanOrEqual(MESH_STEP_CM / 2 + 1e-6);
    expect(worst).toBeGreaterThan(0);
    console.log(`int16 mesh quantisation: max error ${(worst * 1e4).toFixed(2)} µm (step ${MESH_STEP_CM * 1e4} µm), ${MESH_VALUES * 2} bytes per face`);
  });

  it('carries arrays added later under new names (a texture per face) without a version change', () => {
    const tex = new Uint8Array(37 * 4 * 4 * 3).map((_, k) => k % 251);
    const extra: { spec: ArraySpec; data: ArrayData }[] = [{ spec: { name: 'uvTexture', dtype: 'uint8', shape: [37, 4, 4, 3] }, data: tex }];
    // Re-encode the container with one more array.
    const c = decodeContainer(bytes, 'x', { kind: 'faces', version: DATA_VERSION });
    const arrays = c.header.arrays.map((a) => ({ spec: { name: a.name, dtype: a.dtype, shape: a.shape, ...(a.step !== undefined ? { step: a.step } : {}) }, data: c.get(a.name)! }));
    const { arrays: _drop, dataBytes: _d, format: _f, ...meta } = c.header;
    const more = encodeContainer(meta, [...arrays, ...extra]);
    const ds = decodeDataset(more);
    expect(ds.count).toBe(37);
    expect(Array.from(ds.array('uvTexture') as Uint8Array)).toEqual(Array.from(tex));
    expect(ds.array('nothing')).toBeUndefined();
  });

  it('refuses another content version, another container version, a foreign file and the other kind', () => {
    const other = decodeContainer(bytes, 'x', { kind: 'faces', version: DATA_VERSION });
    const arrays = other.header.arrays.map((a) => ({ spec: { name: a.name, dtype: a.dtype, shape: a.shape, ...(a.step !== undefined ? { step: a.step } : {}) }, data: other.get(a.name)! }));
    const { arrays: _a, dataBytes: _d, format: _f, ...meta } = other.header;
    const v2 = encodeContainer({ ...meta, version: DATA_VERSION + 1 }, arrays);
    expect(() => decodeDataset(v2, 'new.ebds')).toThrow(/new\.ebds is faces format version 2; this EmoteBot reads version 1/);
    const cv = bytes.slice();
    new DataView(cv.buffer).setUint32(8, CONTAINER_VERSION + 6, true);
    expect(() => decodeDataset(cv, 'c.ebds')).toThrow(/container version 7/);
    const kinds = [v2, cv].map((b) => { try { decodeDataset(b); return 'none'; } catch (e) { return (e as DataFileError).kind; } });
    expect(kinds).toEqual(['version', 'version']);
    const png = readFileSync(path.resolve(import.meta.dirname, 'golden/character-happy.png'));
    expect(() => decodeDataset(png, 'pic.png')).toThrow(/pic\.png is not an EmoteBot data file/);
    expect(() => decodeSequences(bytes, 'faces.ebds')).toThrow(/holds faces, not sequences/);
  });

  it('refuses a truncated file at any length, and a file with bytes appended', () => {
    for (const len of [0, 5, 12, 20, 200, bytes.length >> 1, bytes.length - 8, bytes.length - 1]) {
      let err: unknown;
      try { decodeDataset(bytes.subarray(0, len), 'cut.ebds'); } catch (e) { err = e; }
      expect(err, `length ${len}`).toBeInstanceOf(DataFileError);
      expect((err as DataFileError).kind, `length ${len}: ${(err as Error).message}`).toBe('truncated');
      expect((err as Error).message).toMatch(len === 0 ? /cut\.ebds is empty/ : /cut\.ebds is truncated/);
    }
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => decodeDataset(longer, 'long.ebds')).toThrow(/unexpected bytes/);
  });

  it('reads from disk through readDataset, and a truncated file gives one clear error', async () => {
    const file = path.join(dir, 'small.ebds');
    writeFileSync(file, bytes);
    const ds = await readDataset(file);
    expect(ds.count).toBe(37);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    await expect(readDataset(file)).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is truncated \\(\\d+ of \\d+ bytes\\): rebuild it`));
    await expect(readDataset(path.join(dir, 'missing.ebds'))).rejects.toThrow(/no such file/);
  });

  it('loads 50,000 faces (printed: time and size)', async () => {
    const n = 50_000;
    const rng = createRng(9);
    const faces = new FaceTable(n);
    const base = Float64Array.from(CANONICAL_POSITIONS);
    const m = new Float64Array(MESH_VALUES);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < MESH_VALUES; k++) m[k] = base[k]! + 0.01 * (rng() - 0.5);
      faces.push({ score: 1, pose: { yaw: 0, pitch: 0, roll: 0 }, aligned: m, depthScale: 1.7, fitError: 0.4 });
    }
    const bytes50k = encodeDataset(datasetMeta, {
      faces, label: new Uint8Array(n), split: new Uint8Array(n), imageSize: new Uint32Array(2 * n), source: Array.from({ length: n }, (_, i) => `train/happy/Training_${10000000 + i}.jpg`),
      root: new Uint16Array(n), identity: new Array<string>(n).fill(''), hash: new Uint8Array(8 * n),
    });
    const file = path.join(dir, 'big.ebds');
    writeFileSync(file, bytes50k);
    const t0 = performance.now();
    const ds = await readDataset(file);
    const t1 = performance.now();
    expect(ds.count).toBe(n);
    expect(ds.meshOf(n - 1)[0]).toBeCloseTo(base[0]!, 2);
    const t2 = performance.now();
    expect(ds.mesh.length).toBe(n * MESH_VALUES);
    const t3 = performance.now();
    expect(ds.mesh[(n - 1) * MESH_VALUES]).toBe(ds.meshOf(n - 1)[0]);
    console.log(`readDataset: ${n} faces, ${(bytes50k.length / 2 ** 20).toFixed(1)} MB, opened in ${(t1 - t0).toFixed(0)} ms; all meshes dequantised to float32 in ${(t3 - t2).toFixed(0)} ms more`);
  });
});

describe('sequences file', () => {
  it('round-trips clips, time stamps, valid flags and reasons, and reads from disk', async () => {
    const frames = new FaceTable(2);
    const rng = createRng(4);
    const n = 7;
    for (let i = 0; i < n; i++) frames.push(i === 3 ? {} : { score: 0.9, aligned: randomMesh(rng), pose: { yaw: i, pitch: 0, roll: 0 }, depthScale: 1.7, fitError: 0.3 });
    const clips = [
      { source: '/v/a.mp4', identity: 'a', width: 512, height: 512, fps: 25, duration: 0.16, startTime: 0, firstFrame: 0, frameCount: 4, validFrames: 3, hash: 'ab' },
      { source: '/v/b.mp4', identity: 'b', width: 480, height: 480, fps: 30, duration: 0.1, startTime: 0.5, firstFrame: 4, frameCount: 3, validFrames: 3, hash: 'cd' },
    ];
    const time = Float64Array.from([0, 0.04, 0.08, 0.12, 0, 1 / 30, 2 / 30]);
    const bytes = encodeSequences({ ...META, clips, skippedVideos: [] }, {
      frames, clip: Uint32Array.from([0, 0, 0, 0, 1, 1, 1]), time, valid: Uint8Array.from([1, 1, 1, 0, 1, 1, 1]), reason: Uint8Array.from([0, 0, 0, 2, 0, 0, 0]),
    });
    const file = path.join(dir, 'v.ebseq');
    writeFileSync(file, bytes);
    const seq = await readSequences(file);
    expect(seq.frameCount).toBe(7);
    expect(seq.clips.map((c) => c.info.identity)).toEqual(['a', 'b']);
    expect(Array.from(seq.clips[0]!.time)).toEqual([0, 0.04, 0.08, 0.12]);
    expect(Array.from(seq.clips[1]!.time)).toEqual([0, 1 / 30, 2 / 30]);
    expect(Array.from(seq.clips[0]!.valid)).toEqual([1, 1, 1, 0]);
    expect(seq.header.reasons[seq.clips[0]!.reason[3]!]).toBe('no-face');
    expect(seq.clips[1]!.pose[2 * 3]).toBe(6);
    expect(seq.clips[0]!.mesh.length).toBe(4 * MESH_VALUES);
    expect(seq.clips[0]!.mesh.subarray(3 * MESH_VALUES, 4 * MESH_VALUES).every((v) => v === 0)).toBe(true);
    await expect(readDataset(file)).rejects.toThrow(/holds sequences, not faces/);
    writeFileSync(file, bytes.subarray(0, 100));
    await expect(readSequences(file)).rejects.toThrow(/truncated/);
  });
});

describe('cache records', () => {
  const face = { box: { x: 1, y: 2, width: 30, height: 31 }, score: 0.875, mesh: Float32Array.from({ length: MESH_VALUES }, (_, k) => k * 0.5) };
  const key = (i: number) => new Uint8Array(32).fill(i);
  const dets: Detection[] = [
    { status: 'ok', width: 48, height: 48, faces: [face] },
    { status: 'ok', width: 350, height: 350, faces: [] },
    { status: 'unreadable', message: 'x.jpg could not be decoded (truncated)' },
    { status: 'ok', width: 640, height: 480, faces: [face, { ...face, score: 0.5 }] },
  ];

  it('round-trip, and CRC-32 is the standard one', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    for (const [i, d] of dets.entries()) {
      const r = decodeRecord(encodeRecord(key(i), d));
      expect(r.key).toBe(Buffer.from(key(i)).toString('hex'));
      expect(r.detection).toEqual(d);
    }
  });

  it('a scan stops at a cut or damaged record and keeps the whole ones before it', () => {
    const recs = dets.map((d, i) => encodeRecord(key(i), d));
    const all = Buffer.concat(recs);
    expect(scanRecords(all).spans).toHaveLength(4);
    const cut = all.subarray(0, all.length - 10);
    const s = scanRecords(cut);
    expect(s.spans).toHaveLength(3);
    expect(s.validBytes).toBe(recs[0]!.length + recs[1]!.length + recs[2]!.length);
    const flipped = Buffer.from(all);
    const at = recs[0]!.length + 20; // inside the second record's payload
    flipped[at] = flipped[at]! ^ 0xff;
    expect(scanRecords(flipped).spans).toHaveLength(1);
  });

  it('the cache file drops a torn tail when reopened, then appends after it', async () => {
    const file = path.join(dir, 'c.cache');
    const c1 = await DetectionCache.open(file);
    c1.put('01'.repeat(32), dets[0]!);
    c1.put('02'.repeat(32), dets[2]!);
    c1.close();
    const whole = readFileSync(file);
    writeFileSync(file, Buffer.concat([whole, encodeRecord(key(9), dets[3]!).subarray(0, 100)]));
    const c2 = await DetectionCache.open(file);
    expect(c2.droppedBytes).toBe(100);
    expect(c2.size).toBe(2);
    expect(c2.get('02'.repeat(32))).toEqual(dets[2]);
    c2.put('03'.repeat(32), dets[1]!);
    c2.close();
    const c3 = await DetectionCache.open(file);
    expect(c3.size).toBe(3);
    expect(c3.droppedBytes).toBe(0);
    expect(c3.get('01'.repeat(32))).toEqual(dets[0]);
    expect(c3.get('03'.repeat(32))).toEqual(dets[1]);
    c3.close();
  });
});
