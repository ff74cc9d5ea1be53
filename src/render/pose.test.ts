import { describe, expect, it } from 'vitest';
import { IDENTITY_SIMILARITY } from '../core/procrustes.ts';
import { ACTION_UNITS, AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { canonicalFace, LANDMARK_COUNT } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { FacePoser, photoPoser } from './pose.ts';

const frame = (code: Float64Array): FrameState => ({ time: 0, code, blinkRight: 0, blinkLeft: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } });
const smile = (v: number) => { const c = new Float64Array(AU_COUNT); c[ACTION_UNITS.indexOf('AU12L')] = v; c[ACTION_UNITS.indexOf('AU12R')] = v; return c; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, t) => Math.abs(v - b[t]!)).reduce((x, y) => Math.max(x, y), 0);

describe('FacePoser with a face for expressions (ApexFace)', () => {
  const rig = createExpressionRig();
  const rest = canonicalFace();
  // The expressions' face: the rest face with the brows 0.3 cm higher.
  const apexFace = Float64Array.from(rest, (v, t) => (t % 3 === 1 && v > 3 ? v + 0.3 : v));
  const strength = (code: ArrayLike<number>) => Math.min(1, Math.abs(code[ACTION_UNITS.indexOf('AU12L')]!));
  const fitted = { similarity: IDENTITY_SIMILARITY, depthScale: 1, canonical: rest };

  it('draws code 0 on the face at rest, a full expression on the expressions\' face, and between in proportion', () => {
    const blended = new FacePoser(rig, fitted, { canonical: apexFace, strength });
    const atRest = new FacePoser(rig, fitted), onApex = new FacePoser(rig, { ...fitted, canonical: apexFace });
    expect(maxDiff(blended.canonicalFor(frame(smile(0))), atRest.canonicalFor(frame(smile(0))))).toBe(0);
    expect(maxDiff(blended.canonicalFor(frame(smile(1))), onApex.canonicalFor(frame(smile(1))))).toBeLessThan(1e-12);
    // Halfway: the base face halfway, the same code on it (the rig adds its fields to whatever face it is given).
    const half = new FacePoser(rig, { ...fitted, canonical: Float64Array.from(rest, (v, t) => (v + apexFace[t]!) / 2) });
    expect(maxDiff(blended.canonicalFor(frame(smile(0.5))), half.canonicalFor(frame(smile(0.5))))).toBeLessThan(1e-12);
    // The face at rest itself is not overwritten by a frame.
    expect(maxDiff(blended.face.canonical, rest)).toBe(0);
  });

  it('photoPoser gives the expressions\' face from the photo as fitted, and the face at rest from `neutralise`', () => {
    const mesh = Float32Array.from(rest, (v, t) => (t % 3 === 2 ? v : v * 10 + 200));
    const lower = (c: Float64Array) => Float64Array.from(c, (v, t) => (t % 3 === 1 ? v - 0.1 : v));
    const seen: Float64Array[] = [];
    const poser = photoPoser(rig, mesh, lower, undefined, { neutralise: (c) => { seen.push(c); return lower(lower(c)); }, strength });
    expect(seen).toHaveLength(1);
    const plain = photoPoser(rig, mesh);
    const at = (p: FacePoser, v: number) => p.canonicalFor(frame(smile(v)));
    // At rest: `neutralise` (0.1 lower); with a full expression: the apex neutraliser's face (0.2 lower), as the plain poser's moved.
    const dy = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < LANDMARK_COUNT; i++) s += a[i * 3 + 1]! - b[i * 3 + 1]!; return s / LANDMARK_COUNT; };
    expect(dy(at(poser, 0), at(plain, 0))).toBeCloseTo(-0.1, 6);
    expect(dy(at(poser, 1), at(plain, 1))).toBeCloseTo(-0.2, 6);
  });
});
