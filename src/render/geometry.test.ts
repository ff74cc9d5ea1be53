import { describe, expect, it } from 'vitest';
import { CANONICAL_POSITIONS, CANONICAL_TRIANGLES, LANDMARK_COUNT } from '../core/topology.ts';
import { newSetup, setupTriangle } from './cpu-warp.ts';
import { buildWarpGeometry, MOUTH_EDGE_FEATHER, MOUTH_EDGE_MIN_PIXELS, mouthEdgeCoverage, targetPositions } from './geometry.ts';
import { signedAreas, windingOf } from './untangle.ts';

const W = 256;
/** The canonical face turned `deg` degrees about its vertical axis, as a photo's mesh (x, y pixels, z). */
function turnedMesh(deg: number): Float32Array {
  const a = (deg * Math.PI) / 180;
  return Float32Array.from({ length: LANDMARK_COUNT * 3 }, (_, k) => {
    const i = Math.floor(k / 3), x = CANONICAL_POSITIONS[i * 3]!, y = CANONICAL_POSITIONS[i * 3 + 1]!, z = CANONICAL_POSITIONS[i * 3 + 2]!;
    if (k % 3 === 0) return 128 + 12 * (x * Math.cos(a) + z * Math.sin(a));
    return k % 3 === 1 ? 120 - 12 * y : 12 * (z * Math.cos(a) - x * Math.sin(a));
  });
}

/** Pixels whose centre lies strictly inside two or more of the triangles, at these positions. */
function overlapped(pts: ArrayLike<number>, tris: ArrayLike<number>): number {
  const count = new Uint8Array(W * W), st = newSetup();
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t]!, b = tris[t + 1]!, c = tris[t + 2]!;
    const x0 = pts[a * 2]!, y0 = pts[a * 2 + 1]!;
    if (!setupTriangle(x0, y0, pts[b * 2]!, pts[b * 2 + 1]!, pts[c * 2]!, pts[c * 2 + 1]!, W, W, st)) continue;
    for (let y = st.minY; y <= st.maxY; y++) for (let x = st.minX; x <= st.maxX; x++) {
      const l1 = st.l1x * (x + 0.5 - x0) + st.l1y * (y + 0.5 - y0), l2 = st.l2x * (x + 0.5 - x0) + st.l2y * (y + 0.5 - y0);
      if (l1 > 1e-6 && l2 > 1e-6 && l1 + l2 < 1 - 1e-6) count[y * W + x]!++;
    }
  }
  return count.reduce((n, c) => n + (c > 1 ? 1 : 0), 0);
}

describe('buildWarpGeometry on a turned face', () => {
  it('untangles the fold of the far cheek, so each pixel is warped through one triangle', () => {
    const mesh = turnedMesh(30), geom = buildWarpGeometry(mesh, W, W);
    const photo = Float32Array.from(geom.source);
    for (let i = 0; i < LANDMARK_COUNT * 2; i++) photo[i] = photo[i]! - geom.sourceShift[i]!;
    const folded = (pts: Float32Array) => windingOf(signedAreas(pts.subarray(0, LANDMARK_COUNT * 2), CANONICAL_TRIANGLES)).flipped;
    expect(folded(photo)).toBeGreaterThan(30);
    // One triangle whose corners are all on a contour that never moves may stay folded.
    expect(folded(geom.source)).toBeLessThanOrEqual(1);
    // The photo's own mesh covers hundreds of pixels twice; the untangled one (almost) none.
    expect(overlapped(photo, geom.triangles)).toBeGreaterThan(500);
    expect(overlapped(geom.source, geom.triangles)).toBeLessThan(5);
  });

  it('keeps the fold flat as the face moves: a smile-like pull of the mouth corners folds nothing over', () => {
    const mesh = turnedMesh(30), geom = buildWarpGeometry(mesh, W, W);
    // Every point pulled up and out from the mouth's middle, more the nearer it is (a smooth field).
    const moved = Float32Array.from(mesh);
    const mx = (mesh[78 * 3]! + mesh[308 * 3]!) / 2, my = (mesh[78 * 3 + 1]! + mesh[308 * 3 + 1]!) / 2;
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      const dx = mesh[i * 3]! - mx, dy = mesh[i * 3 + 1]! - my, fall = Math.exp(-(dx * dx + dy * dy) / (2 * 30 * 30));
      moved[i * 3] = mesh[i * 3]! + 0.15 * dx * fall;
      moved[i * 3 + 1] = mesh[i * 3 + 1]! - 6 * fall;
    }
    const target = targetPositions(geom, moved);
    // The same pull on the photo's folded mesh, as the warp drew it before untangling.
    const folded = Float32Array.from(target);
    for (let i = 0; i < LANDMARK_COUNT * 2; i++) folded[i] = folded[i]! - geom.sourceShift[i]!;
    expect(overlapped(folded, geom.triangles)).toBeGreaterThan(500);
    // A sliver along the crease may tip over by a pixel or two; nothing like the fold's band.
    expect(overlapped(target, geom.triangles)).toBeLessThan(20);
  });

  it('is still the identity at the photo\'s own pose: the target of the unmoved mesh is the source', () => {
    const mesh = turnedMesh(30), geom = buildWarpGeometry(mesh, W, W);
    const target = targetPositions(geom, mesh);
    for (let i = 0; i < geom.vertexCount * 2; i++) expect(target[i]).toBeCloseTo(geom.source[i]!, 4);
    // A frontal face barely folds (a few thin triangles at the nose): it moves under 2 pixels.
    const front = buildWarpGeometry(turnedMesh(0), W, W);
    expect(Math.max(...Array.from(front.sourceShift, Math.abs))).toBeLessThan(2);
  });
});

describe('mouthEdgeCoverage', () => {
  it('is 0 at the lips and 1 from the feather width in, rising smoothly between', () => {
    const width = 120, feather = MOUTH_EDGE_FEATHER * width;
    expect(mouthEdgeCoverage(0, width)).toBe(0);
    expect(mouthEdgeCoverage(feather, width)).toBe(1);
    expect(mouthEdgeCoverage(3 * feather, width)).toBe(1);
    expect(mouthEdgeCoverage(feather / 2, width)).toBeCloseTo(0.5, 12);
    let last = 0;
    for (let e = 0; e <= feather; e += feather / 50) {
      const c = mouthEdgeCoverage(e, width);
      expect(c).toBeGreaterThanOrEqual(last);
      last = c;
    }
    // Smooth at both ends: the step from the lip is small.
    expect(mouthEdgeCoverage(feather / 50, width)).toBeLessThan(0.002);
  });

  it('scales with the mouth, and never sharper than its minimum width in pixels', () => {
    expect(mouthEdgeCoverage(3, 120)).toBeCloseTo(mouthEdgeCoverage(6, 240), 12);
    // A tiny mouth: the feather is MOUTH_EDGE_MIN_PIXELS, not a share of its width.
    expect(mouthEdgeCoverage(MOUTH_EDGE_MIN_PIXELS / 2, 4)).toBeCloseTo(0.5, 12);
    expect(mouthEdgeCoverage(MOUTH_EDGE_MIN_PIXELS, 0)).toBe(1);
  });

  it('is 0 outside the opening (a negative distance) and never NaN', () => {
    expect(mouthEdgeCoverage(-2, 100)).toBe(0);
    expect(mouthEdgeCoverage(Number.NaN, 100)).toBe(0);
    expect(mouthEdgeCoverage(MOUTH_EDGE_MIN_PIXELS, Number.NaN)).toBe(1);
  });
});
