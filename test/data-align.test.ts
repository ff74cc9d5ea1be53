/**
 * Alignment on synthetic meshes: rotated, scaled, shifted copies of one face align to the same
 * shape; a mirrored photo maps the subject's left to the left; head pose comes back; the rules
 * reject for each reason; the detection geometry maps back exactly.
 */
import { describe, expect, it } from 'vitest';
import { createRng, gaussian } from '../src/core/rng.ts';
import { CANONICAL_POSITIONS, LANDMARK_COUNT, MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT, STABLE_POINTS } from '../src/core/topology.ts';
import { alignMesh, type HeadPose, mirrorAligned, MIRROR_INDEX, mirrorImageMesh, rotationFromHeadPose } from '../src/data/align.ts';
import { DEFAULT_THRESHOLDS, type Detection, judge, REJECT_REASONS } from '../src/data/judge.ts';
import { boxToSource, DEFAULT_RULE, detectionGeometry, meshToSource, NO_UPSCALE_RULE } from '../src/data/preprocess.ts';

const N = LANDMARK_COUNT * 3;
/** Human's mesh depth is about 1/1.7 of its x and y scale. */
const DETECTOR_Z = 1 / 1.7;
const STABLE = new Set<number>(STABLE_POINTS);

/** A face: the canonical face with seeded noise on the points expressions move, and a raised left mouth corner. */
function syntheticFace(seed: number): Float64Array {
  const rng = createRng(seed);
  const f = Float64Array.from(CANONICAL_POSITIONS);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    if (STABLE.has(i)) continue;
    for (let k = 0; k < 3; k++) f[i * 3 + k] = f[i * 3 + k]! + 0.15 * gaussian(rng);
  }
  f[MOUTH_CORNER_LEFT * 3 + 1] = f[MOUTH_CORNER_LEFT * 3 + 1]! + 0.8; // asymmetric: a half smile on the subject's left
  return f;
}

/** The face as a detector reports it in an image: head pose, scale, position in pixels, y down, shallow z. */
function toImage(face: Float64Array, pose: HeadPose, scale: number, tx: number, ty: number): Float64Array {
  const R = rotationFromHeadPose(pose);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i += 3) {
    const x = face[i]!, y = face[i + 1]!, z = face[i + 2]!;
    out[i] = scale * (R[0] * x + R[1] * y + R[2] * z) + tx;
    out[i + 1] = scale * (R[3] * x + R[4] * y + R[5] * z) + ty;
    out[i + 2] = scale * (R[6] * x + R[7] * y + R[8] * z) * DETECTOR_Z;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function det3(R: ArrayLike<number>): number {
  return R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) - R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) + R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
}

describe('alignment to the canonical face', () => {
  const face = syntheticFace(11);
  const poses: [HeadPose, number, number, number][] = [
    [{ yaw: 0, pitch: 0, roll: 0 }, 20, 256, 256],
    [{ yaw: 25, pitch: -10, roll: 8 }, 7, 100, 60],
    [{ yaw: -30, pitch: 15, roll: -20 }, 55.5, 1200, 900],
    [{ yaw: 10, pitch: 20, roll: 45 }, 3.2, 24, 30],
  ];

  it('rotated, scaled and shifted copies align to the same shape, and the pose comes back', () => {
    const aligned = poses.map(([pose, s, tx, ty]) => alignMesh(toImage(face, pose, s, tx, ty)));
    for (const [k, a] of aligned.entries()) {
      const [pose, s] = poses[k]!;
      // Stable points are undeformed, so the fit recovers the face itself.
      expect(maxAbsDiff(a.aligned, face)).toBeLessThan(2e-3);
      expect(maxAbsDiff(a.aligned, aligned[0]!.aligned)).toBeLessThan(2e-3);
      expect(a.pose.yaw).toBeCloseTo(pose.yaw, 2);
      expect(a.pose.pitch).toBeCloseTo(pose.pitch, 2);
      expect(a.pose.roll).toBeCloseTo(pose.roll, 2);
      expect(a.similarity.scale / s).toBeCloseTo(1, 4);
      expect(a.depthScale).toBeCloseTo(1 / DETECTOR_Z, 3);
      expect(a.fitError).toBeLessThan(1e-3);
      expect(det3(a.similarity.rotation)).toBeCloseTo(1, 9);
    }
    // The raised corner survives alignment: expression is kept, the transform removed.
    const a0 = aligned[0]!.aligned;
    expect(a0[MOUTH_CORNER_LEFT * 3 + 1]! - a0[MOUTH_CORNER_RIGHT * 3 + 1]!).toBeGreaterThan(0.6);
  });

  it('the sign conventions of the pose: yaw > 0 turns the nose to image right, pitch > 0 lifts it', () => {
    const turned = toImage(face, { yaw: 20, pitch: 0, roll: 0 }, 10, 0, 0);
    const front = toImage(face, { yaw: 0, pitch: 0, roll: 0 }, 10, 0, 0);
    expect(turned[4 * 3]!).toBeGreaterThan(front[4 * 3]!); // nose tip (4) moves right in the image
    const up = toImage(face, { yaw: 0, pitch: 20, roll: 0 }, 10, 0, 0);
    expect(up[4 * 3 + 1]!).toBeLessThan(front[4 * 3 + 1]!); // and up (smaller y) when looking up
    const tilted = toImage(face, { yaw: 0, pitch: 0, roll: 20 }, 10, 0, 0);
    // roll > 0: towards the subject's own left shoulder, so the left eye (263, image right) drops.
    expect(tilted[263 * 3 + 1]! - tilted[33 * 3 + 1]!).toBeGreaterThan(0);
  });

  it('the landmark mirror map is an involution that pairs left with right', () => {
    for (let i = 0; i < LANDMARK_COUNT; i++) expect(MIRROR_INDEX[MIRROR_INDEX[i]!]).toBe(i);
    expect(MIRROR_INDEX[33]).toBe(263);
    expect(MIRROR_INDEX[MOUTH_CORNER_RIGHT]).toBe(MOUTH_CORNER_LEFT);
    expect(MIRROR_INDEX[1]).toBe(1); // nose tip on the midline
  });

  it('a mirrored photo maps the subject\'s left to the left: no reflection, the expression mirrored', () => {
    const width = 640;
    const img = toImage(face, { yaw: 20, pitch: 5, roll: 6 }, 18, 320, 300);
    const mirrored = mirrorImageMesh(img, width);
    const a = alignMesh(img), m = alignMesh(mirrored);
    expect(det3(m.similarity.rotation)).toBeCloseTo(1, 9);
    // The left eye (263) stays on canonical +x, the right eye (33) on -x.
    expect(m.aligned[263 * 3]!).toBeGreaterThan(2);
    expect(m.aligned[33 * 3]!).toBeLessThan(-2);
    // The person in the mirror smiles on their right: the shape is the mirror image, the pose turns the other way.
    expect(maxAbsDiff(m.aligned, mirrorAligned(a.aligned))).toBeLessThan(2e-3);
    expect(m.aligned[MOUTH_CORNER_RIGHT * 3 + 1]! - m.aligned[MOUTH_CORNER_LEFT * 3 + 1]!).toBeGreaterThan(0.6);
    expect(m.pose.yaw).toBeCloseTo(-20, 2);
    expect(m.pose.roll).toBeCloseTo(-6, 2);
    expect(m.fitError).toBeLessThan(1e-3);
  });

  it('a reflection that keeps the landmark labels cannot be aligned: rejected as a bad fit', () => {
    const img = toImage(face, { yaw: 10, pitch: 0, roll: 0 }, 18, 320, 300);
    const reflected = Float64Array.from(img, (v, k) => (k % 3 === 0 ? 640 - v : v));
    const a = alignMesh(reflected);
    expect(det3(a.similarity.rotation)).toBeCloseTo(1, 9);
    expect(a.fitError).toBeGreaterThan(DEFAULT_THRESHOLDS.maxFitError);
  });
});

describe('the rules, one reason at a time', () => {
  const face = syntheticFace(5);
  const mesh = (pose: HeadPose, s = 20, tx = 300, ty = 300) => Float32Array.from(toImage(face, pose, s, tx, ty));
  const box = (x: number, w: number) => ({ x, y: 100, width: w, height: w });
  const det = (faces: { box: ReturnType<typeof box>; score: number; mesh: Float32Array }[]): Detection => ({ status: 'ok', width: 640, height: 640, faces });
  const frontal = mesh({ yaw: 5, pitch: 3, roll: 2 });
  const T = DEFAULT_THRESHOLDS;

  it('accepts a frontal face and keeps its alignment', () => {
    const j = judge(det([{ box: box(100, 300), score: 0.97, mesh: frontal }]), T);
    expect(j.ok).toBe(true);
    if (j.ok) expect(j.alignment.pose.yaw).toBeCloseTo(5, 2);
  });

  it('rejects for each reason', () => {
    const cases: [Detection, string][] = [
      [{ status: 'unreadable', message: 'x.jpg could not be decoded' }, 'unreadable'],
      [det([]), 'no-face'],
      [det([{ box: box(100, 300), score: 0.3, mesh: frontal }]), 'low-score'],
      [det([{ box: box(0, 300), score: 0.9, mesh: frontal }, { box: box(320, 250), score: 0.9, mesh: frontal }]), 'several-faces'],
      [det([{ box: box(100, 20), score: 0.9, mesh: mesh({ yaw: 0, pitch: 0, roll: 0 }, 1.2) }]), 'face-too-small'],
      [det([{ box: box(100, 300), score: 0.9, mesh: Float32Array.from({ length: N }, (_, k) => ((k * 7919) % 613) - 300) }]), 'bad-fit'],
      [det([{ box: box(100, 300), score: 0.9, mesh: mesh({ yaw: 50, pitch: 0, roll: 0 }) }]), 'pose-too-far'],
      [det([{ box: box(100, 300), score: 0.9, mesh: mesh({ yaw: 0, pitch: -40, roll: 0 }) }]), 'pose-too-far'],
    ];
    const seen = new Set<string>();
    for (const [d, reason] of cases) {
      const j = judge(d, T);
      expect(j.ok, reason).toBe(false);
      if (!j.ok) { expect(j.reason, j.detail).toBe(reason); seen.add(j.reason); }
    }
    expect([...seen].sort()).toEqual([...REJECT_REASONS].sort());
  });

  it('a small face in the background or a low-score ghost does not make "several faces"', () => {
    const withSmall = det([{ box: box(100, 300), score: 0.95, mesh: frontal }, { box: box(500, 80), score: 0.9, mesh: frontal }]);
    expect(judge(withSmall, T).ok).toBe(true);
    const withGhost = det([{ box: box(100, 300), score: 0.95, mesh: frontal }, { box: box(320, 300), score: 0.2, mesh: frontal }]);
    expect(judge(withGhost, T).ok).toBe(true);
  });

  it('thresholds move the decision', () => {
    const d = det([{ box: box(100, 300), score: 0.97, mesh: mesh({ yaw: 20, pitch: 0, roll: 0 }) }]);
    expect(judge(d, T).ok).toBe(true);
    const j = judge(d, { ...T, maxYaw: 15 });
    expect(j.ok ? 'ok' : j.reason).toBe('pose-too-far');
  });
});

describe('the image the detector sees', () => {
  it('scales a 48x48 crop to 192 px and adds a 25% grey border; leaves a 350 px photo its size', () => {
    const g = detectionGeometry(48, 48, DEFAULT_RULE);
    expect([g.scale, g.innerWidth, g.border, g.width, g.height]).toEqual([4, 192, 48, 288, 288]);
    const m = detectionGeometry(350, 350, DEFAULT_RULE);
    expect([m.scale, m.border, m.width]).toEqual([1, 88, 526]);
    const big = detectionGeometry(4000, 2000, DEFAULT_RULE);
    expect([big.innerWidth, big.innerHeight]).toEqual([1280, 640]);
    const raw = detectionGeometry(48, 48, NO_UPSCALE_RULE);
    expect([raw.scale, raw.border, raw.width]).toEqual([1, 0, 48]);
  });

  it('maps meshes and boxes back to source pixels exactly', () => {
    const rng = createRng(3);
    for (const [w, h] of [[48, 48], [37, 61], [350, 350], [3000, 1700]] as const) {
      const g = detectionGeometry(w, h, DEFAULT_RULE);
      const src = Float64Array.from({ length: 30 }, (_, k) => (k % 3 === 0 ? rng() * w : k % 3 === 1 ? rng() * h : rng() * 20 - 10));
      const seen = Float64Array.from(src, (v, k) => (k % 3 === 0 ? v * g.scaleX + g.border : k % 3 === 1 ? v * g.scaleY + g.border : v * (g.scaleX + g.scaleY) / 2));
      expect(maxAbsDiff(meshToSource(seen, g), src)).toBeLessThan(1e-3 * Math.max(w, h));
      const b = boxToSource({ x: 10 * g.scaleX + g.border, y: 5 * g.scaleY + g.border, width: 20 * g.scaleX, height: 30 * g.scaleY }, g);
      expect(b.x).toBeCloseTo(10, 4); expect(b.y).toBeCloseTo(5, 4); expect(b.width).toBeCloseTo(20, 4); expect(b.height).toBeCloseTo(30, 4);
    }
  });
});
