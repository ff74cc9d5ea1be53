import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { CANONICAL_POSITIONS } from '../core/topology.ts';
import { TEXTURE_MISSING, TEXTURE_STEP, unwrapTexture, UV_SIZE } from '../render/uv-texture.ts';
import { type ContainerHeader, DataFileError, decodeContainer, encodeContainer } from './container.ts';
import {
  DATA_VERSION, DATASET_KIND, decodeDataset, decodeSequences, encodeDataset, encodeSequences, FaceTable, MESH_STEP_CM, TEXTURE_TEXELS, type DatasetRows,
} from './format.ts';
import { cropToMesh, faceTexture, missingTexture } from './texture.ts';
import { meanTextures, texturePicture } from './texture-picture.ts';

const META = {
  created: '2026-01-01T00:00:00.000Z', generator: 'test',
  canonical: { units: 'cm' as const, axes: 'x left, y up, z out', positions: [...CANONICAL_POSITIONS] },
  alignment: { method: 'test', stablePoints: [1, 2, 3], depthScaleSearch: [0.5, 4] as [number, number], normalisation: 'test', meshStepCm: MESH_STEP_CM, pipelineVersion: 1 },
  detection: { detector: 'test', rule: { minSide: 192, maxSide: 1280, border: 0.25 }, thresholds: { minScore: 0.5 } },
  rejected: {},
  run: { seconds: 1, processed: 1, fromCache: 0, workers: 1, perSecond: 1 },
};
const DATASET_META = { ...META, sources: [], counts: {}, unknownLabels: {}, duplicates: 0 };

/** The canonical face in a w x h RGB image, `scale` px per cm, centred at (cx, cy). */
function faceMesh(cx: number, cy: number, scale: number): Float32Array {
  const m = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    m[i * 3] = cx + CANONICAL_POSITIONS[i * 3]! * scale;
    m[i * 3 + 1] = cy - CANONICAL_POSITIONS[i * 3 + 1]! * scale;
    m[i * 3 + 2] = -CANONICAL_POSITIONS[i * 3 + 2]! * scale;
  }
  return m;
}

function rgbImage(w: number, h: number): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 3;
    data[o] = 120 + 60 * Math.sin(x / 5); data[o + 1] = 100 + 50 * Math.cos(y / 7); data[o + 2] = (x * 3 + y) % 200;
  }
  return { data, width: w, height: h, channels: 3 };
}

function rows(n: number, texture?: Int8Array): DatasetRows {
  const faces = new FaceTable(n);
  for (let i = 0; i < n; i++) faces.push({ aligned: CANONICAL_POSITIONS });
  return {
    faces, label: Uint8Array.from({ length: n }, (_, i) => i % EMOTIONS.length), split: new Uint8Array(n), imageSize: new Uint32Array(n * 2),
    source: Array.from({ length: n }, (_, i) => `f${i}.jpg`), root: new Uint16Array(n), identity: new Array<string>(n).fill(''), hash: new Uint8Array(n * 8),
    ...(texture ? { texture } : {}),
  };
}

function someTextures(n: number): Int8Array {
  const t = new Int8Array(n * TEXTURE_TEXELS);
  for (let k = 0; k < t.length; k++) t[k] = k % 7 === 0 ? TEXTURE_MISSING : ((k * 31) % 255) - 127;
  return t;
}

describe('face textures in the data pipeline', () => {
  it('unwraps from a crop around the face exactly as from the whole image', () => {
    const img = rgbImage(400, 300);
    const mesh = faceMesh(230, 160, 9);
    const rgba = new Uint8ClampedArray(400 * 300 * 4);
    for (let p = 0; p < 400 * 300; p++) { rgba.set(img.data.subarray(p * 3, p * 3 + 3), p * 4); rgba[p * 4 + 3] = 255; }
    const whole = unwrapTexture({ data: rgba, width: 400, height: 300 }, mesh);
    const crop = cropToMesh(img, mesh);
    expect(crop.image.width).toBeLessThan(200);
    expect(faceTexture(img, mesh)).toEqual(whole);
    expect(whole.some((v) => v !== TEXTURE_MISSING)).toBe(true);
    expect(missingTexture().every((v) => v === TEXTURE_MISSING)).toBe(true);
  });

  it('stores textures in the dataset and the sequences file; files without them still load', () => {
    const tex = someTextures(3);
    const ds = decodeDataset(encodeDataset(DATASET_META, rows(3, tex)));
    expect(ds.texture).toEqual(tex);
    const spec = (ds.header as unknown as ContainerHeader).arrays.find((a) => a.name === 'texture')!;
    expect(spec).toMatchObject({ dtype: 'int8', shape: [3, UV_SIZE, UV_SIZE], step: TEXTURE_STEP });
    expect(spec.description).toMatch(/canonical face.*v down.*-128 = not covered/);
    expect(decodeDataset(encodeDataset(DATASET_META, rows(3))).texture).toBeUndefined();

    const frames = new FaceTable(4);
    for (let i = 0; i < 4; i++) frames.push({ aligned: CANONICAL_POSITIONS });
    const clip = (first: number, count: number) => ({ source: 'v.mp4', identity: 'v', width: 64, height: 64, fps: 25, duration: 1, startTime: 0, firstFrame: first, frameCount: count, validFrames: count, hash: '00' });
    const seqMeta = { ...META, clips: [clip(0, 1), clip(1, 3)], skippedVideos: [] };
    const seqRows = { frames, clip: Uint32Array.from([0, 1, 1, 1]), time: new Float64Array(4), valid: new Uint8Array(4).fill(1), reason: new Uint8Array(4) };
    const ftex = someTextures(4);
    const seq = decodeSequences(encodeSequences(seqMeta, { ...seqRows, texture: ftex }));
    expect(seq.texture).toEqual(ftex);
    expect(seq.clips[1]!.texture).toEqual(ftex.subarray(TEXTURE_TEXELS));
    const old = decodeSequences(encodeSequences(seqMeta, seqRows));
    expect(old.texture).toBeUndefined();
    expect(old.clips[0]!.texture).toBeUndefined();
  });

  it('refuses a texture array of the wrong size', () => {
    const bytes = encodeDataset(DATASET_META, rows(2));
    const c = decodeContainer(bytes, 'x', { kind: DATASET_KIND, version: DATA_VERSION });
    const arrays = c.header.arrays.map((a) => ({ spec: { name: a.name, dtype: a.dtype, shape: a.shape, ...(a.step !== undefined ? { step: a.step } : {}) }, data: c.get(a.name)! }));
    arrays.push({ spec: { name: 'texture', dtype: 'int8', shape: [2, 10, 10], step: TEXTURE_STEP }, data: new Int8Array(200) });
    const { arrays: _drop, format: _f, dataBytes: _d, ...header } = c.header;
    const bad = encodeContainer(header, arrays);
    expect(() => decodeDataset(bad)).toThrow(DataFileError);
  });

  it('averages textures per label over covered texels and draws them', async () => {
    const n = 4, tex = new Int8Array(n * TEXTURE_TEXELS).fill(TEXTURE_MISSING);
    // Faces 0 and 2 (neutral, sad: labels 0 and 2) cover texel 5 with 10 and 30; face 1 (happy) covers it with 64.
    tex[5] = 10; tex[TEXTURE_TEXELS + 5] = 64; tex[2 * TEXTURE_TEXELS + 5] = 30;
    const label = Uint8Array.from([0, 1, 0, 1]);
    const m = meanTextures(tex, label, EMOTIONS.length);
    expect(m.count.slice(0, 3)).toEqual([2, 2, 0]);
    expect(m.mean[0]![5]).toBeCloseTo(20 * TEXTURE_STEP, 6);
    expect(m.covered[0]![5]).toBe(1);
    expect(m.mean[1]![5]).toBeCloseTo(64 * TEXTURE_STEP, 6);
    expect(m.covered[1]![5]).toBe(0.5);
    expect(m.mean[2]).toBeUndefined();
    const png = await texturePicture(m, EMOTIONS, 'test');
    expect(png).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(png!.subarray(1, 4)).toString()).toBe('PNG');
  });
});
