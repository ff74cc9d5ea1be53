import { describe, expect, it } from 'vitest';
import { buildExpressionSpace, createCodeReader, identityCoefficients, MESH_DIM, neutraliseFace, orthonormalRows, principalComponents, withNeutralCode } from './expression-space.ts';
import { ACTION_UNITS, AU_COUNT, codeFromEmotions, createExpressionRig } from './rig.ts';
import { createRng, gaussian } from './rng.ts';
import { canonicalFace, LANDMARK_COUNT } from './topology.ts';

const rig = createExpressionRig();
const canonical = canonicalFace();

/** Smooth identity fields: face width, face length, a fuller lower face, eye spacing. */
function identityFields(): Float64Array {
  const f = new Float64Array(4 * MESH_DIM);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const x = canonical[i * 3]!, y = canonical[i * 3 + 1]!;
    f[i * 3] = 0.06 * x;
    f[MESH_DIM + i * 3 + 1] = 0.05 * y;
    f[2 * MESH_DIM + i * 3 + 2] = 0.3 * Math.exp(-((y + 5) ** 2) / 8);
    f[3 * MESH_DIM + i * 3] = 0.2 * Math.sign(x) * Math.exp(-((y - 2.5) ** 2) / 2);
  }
  return f;
}

/** Neutral faces of random people (and noise), plus a few expressive ones. */
function people(n: number, seed: number, noise = 0.01): Float64Array[] {
  const fields = identityFields();
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const face = Float64Array.from(canonical);
    for (let j = 0; j < 4; j++) {
      const a = gaussian(rng);
      for (let t = 0; t < MESH_DIM; t++) face[t] = face[t]! + a * fields[j * MESH_DIM + t]!;
    }
    for (let t = 0; t < MESH_DIM; t++) face[t] = face[t]! + gaussian(rng) * noise;
    return face;
  });
}

describe('orthonormal rows and principal components', () => {
  it('orthonormalises and drops dependent rows', () => {
    const rows = [1, 0, 0, 1, 1, 0, 2, 2, 0, 0, 0, 3];
    const o = orthonormalRows(rows, 4, 3);
    expect(o.count).toBe(3);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      let d = 0;
      for (let t = 0; t < 3; t++) d += o.vectors[a * 3 + t]! * o.vectors[b * 3 + t]!;
      expect(d).toBeCloseTo(a === b ? 1 : 0, 10);
    }
  });

  it('finds the directions along which rows vary, largest first', () => {
    const rng = createRng(3);
    const rows = Array.from({ length: 200 }, () => [3 * gaussian(rng), gaussian(rng), 0.1 * gaussian(rng), 5]);
    const pca = principalComponents((i) => rows[i]!, rows.length, 4, { components: 2, seed: 1 });
    expect(pca.mean[3]).toBeCloseTo(5, 10);
    expect(Math.abs(pca.vectors[0]!)).toBeGreaterThan(0.99);
    expect(Math.abs(pca.vectors[4 + 1]!)).toBeGreaterThan(0.99);
    expect(pca.variances[0]!).toBeGreaterThan(6);
    expect(pca.variances[1]!).toBeLessThan(1.5);
  });
});

describe('expression space', () => {
  const neutral = people(300, 1);
  const space = withNeutralCode(buildExpressionSpace((i) => neutral[i]!, neutral.length, rig.basis, { identityComponents: 4, keepFieldsInIdentity: true }), (i) => neutral[i]!, neutral.length);

  it('learns the identity subspace from neutral faces', () => {
    const fields = orthonormalRows(identityFields(), 4, MESH_DIM);
    for (let j = 0; j < fields.count; j++) {
      // Share of each true identity direction inside the learned basis.
      let captured = 0;
      for (let k = 0; k < space.identityCount; k++) {
        let d = 0;
        for (let t = 0; t < MESH_DIM; t++) d += fields.vectors[j * MESH_DIM + t]! * space.identity[k * MESH_DIM + t]!;
        captured += d * d;
      }
      expect(captured).toBeGreaterThan(0.99);
    }
    // Identity coefficients of the mean face are 0.
    expect(Math.max(...identityCoefficients(space.mean, space).map(Math.abs))).toBeLessThan(1e-9);
  });

  it('reads a smile on any person, and nearly nothing on a neutral face', () => {
    const reader = createCodeReader(space);
    const smile = codeFromEmotions({ happy: 1 }, 0.8);
    const au12 = ACTION_UNITS.indexOf('AU12L');
    for (const face of people(5, 99)) {
      const read = reader.fit(rig.displace(face, smile)).code;
      expect(read[au12]!).toBeCloseTo(smile[au12]!, 1);
      const still = reader.fit(face).code;
      expect(Math.max(...still)).toBeLessThan(0.1);
    }
    // The floor real neutral faces show is small here (noise only).
    expect(Math.max(...space.neutralCode)).toBeLessThan(0.05);
  });

  it('neutralises a smiling face back to that person at rest (identity kept)', () => {
    const [person] = people(1, 7, 0);
    const smiling = rig.displace(person!, codeFromEmotions({ happy: 1 }, 0.7));
    const { neutral: back, removed, code } = neutraliseFace(smiling, space);
    expect(code.length).toBe(AU_COUNT);
    expect(removed[ACTION_UNITS.indexOf('AU12R')]!).toBeGreaterThan(0.5);
    let before = 0, after = 0;
    for (let t = 0; t < MESH_DIM; t++) { before += (smiling[t]! - person![t]!) ** 2; after += (back[t]! - person![t]!) ** 2; }
    expect(Math.sqrt(after)).toBeLessThan(0.1 * Math.sqrt(before));
    // Units listed in `keep` stay as the face shows them.
    const kept = neutraliseFace(smiling, space, undefined, [ACTION_UNITS.indexOf('AU12L'), ACTION_UNITS.indexOf('AU12R')]);
    expect(kept.removed[ACTION_UNITS.indexOf('AU12R')]).toBe(0);
    expect(kept.removed[ACTION_UNITS.indexOf('AU12L')]).toBe(0);
    // A neutral face is left (almost) as it is.
    const same = neutraliseFace(person!, space).neutral;
    let moved = 0;
    for (let t = 0; t < MESH_DIM; t++) moved = Math.max(moved, Math.abs(same[t]! - person![t]!));
    expect(moved).toBeLessThan(0.05);
  });
});
