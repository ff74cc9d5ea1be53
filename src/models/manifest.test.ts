import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelDir, writeModelDir } from './files.ts';
import { decodeModel, encodeModel } from './manifest.ts';

const meta = {
  name: 'toy', version: 2, created: '2026-11-21', architecture: { layers: 1 },
  training: { command: 'emotebot train toy', seed: 1, seconds: 0.1, data: { faces: 3 } }, metrics: { loss: 0.5 },
};
const tensors = [{ name: 'w', shape: [2, 3], data: [1, 2, 3, 4, 5, 6.5] }, { name: 'b', shape: [3], data: [-1, 0, 1] }];

describe('model manifest', () => {
  it('round-trips tensors through files and checks the hash', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'emotebot-model-'));
    try {
      const { manifest, weights } = await encodeModel(meta, tensors);
      expect(manifest.weights.bytes).toBe(36);
      await writeModelDir(dir, manifest, weights);
      const m = await readModelDir(dir, { name: 'toy', versions: [2] });
      expect(Array.from(m.tensor('w'))).toEqual([1, 2, 3, 4, 5, 6.5]);
      expect(Array.from(m.tensor('b'))).toEqual([-1, 0, 1]);
      expect(() => m.tensor('nope')).toThrow(/no tensor "nope"/);
      // One flipped byte fails the hash; a short file fails the size.
      const bin = path.join(dir, manifest.weights.file);
      const bytes = new Uint8Array(await readFile(bin));
      bytes[5] = bytes[5]! ^ 1;
      await writeFile(bin, bytes);
      await expect(readModelDir(dir, { name: 'toy', versions: [2] })).rejects.toThrow(/SHA-256/);
      await writeFile(bin, bytes.subarray(0, 20));
      await expect(readModelDir(dir, { name: 'toy', versions: [2] })).rejects.toThrow(/20 bytes; the manifest says 36/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses another name, version or format', async () => {
    const { manifest, weights } = await encodeModel(meta, tensors);
    await expect(decodeModel(manifest, weights, { name: 'other', versions: [2] })).rejects.toThrow(/expected a "other" model/);
    await expect(decodeModel(manifest, weights, { name: 'toy', versions: [1] })).rejects.toThrow(/version 2 is not supported/);
    await expect(decodeModel({ ...manifest, format: 'x' }, weights, { name: 'toy', versions: [2] })).rejects.toThrow(/not an EmoteBot model/);
    await expect(decodeModel({ ...manifest, formatVersion: 9 }, weights, { name: 'toy', versions: [2] })).rejects.toThrow(/format 9/);
    await expect(encodeModel(meta, [{ name: 'w', shape: [2, 2], data: [1, 2, 3] }])).rejects.toThrow(/3 values for shape \[2, 2\]/);
  });
});
