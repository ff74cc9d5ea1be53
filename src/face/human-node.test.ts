import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rmsDistance } from '../core/procrustes.ts';
import { canonicalFace, STABLE_POINTS } from '../core/topology.ts';
import { fitFace } from '../render/pose.ts';
import { createHumanDetector } from './human-node.ts';
import { readImageFile } from './image.ts';

const mona = path.resolve(import.meta.dirname, '../../test/fixtures/mona-lisa.jpg');

describe('Human face detector (wasm, models from node_modules)', () => {
  it('finds one face with a 468-point mesh, leaks no tensors, and the mesh aligns to the canonical face', async () => {
    const det = await createHumanDetector();
    const image = await readImageFile(mona);
    await det.detect(image); // warm-up allocates the models' own tensors
    const before = det.human.tf.memory().numTensors;
    const faces = await det.detect(image);
    expect(det.human.tf.memory().numTensors).toBe(before);
    expect(faces).toHaveLength(1);
    const f = faces[0]!;
    expect(f.mesh).toHaveLength(468 * 3);
    expect(f.score).toBeGreaterThan(0.8);
    // Left/right contract: the subject's right eye (33) is on the image left of the left eye (263).
    expect(f.mesh[33 * 3]!).toBeLessThan(f.mesh[263 * 3]!);
    // Forehead (10) above chin (152) in image coordinates (y down).
    expect(f.mesh[10 * 3 + 1]!).toBeLessThan(f.mesh[152 * 3 + 1]!);
    // A similarity transform explains the face to within a few percent of its size.
    const fit = fitFace(f.mesh);
    expect(fit.similarity.scale * 17.7).toBeGreaterThan(f.box.height * 0.5);
    expect(fit.similarity.scale * 17.7).toBeLessThan(f.box.height * 1.2);
    // Aligned to the canonical face, what is left is identity and expression: under a centimetre.
    expect(fit.depthScale).toBeGreaterThan(1);
    expect(fit.depthScale).toBeLessThan(3);
    expect(rmsDistance(fit.canonical, canonicalFace(), STABLE_POINTS)).toBeLessThan(0.8);
    det.dispose();
  });
});
