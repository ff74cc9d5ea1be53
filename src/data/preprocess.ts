/**
 * The image a face detector sees, as geometry: small images are scaled up and every image gets a
 * grey border, because detectors miss faces that fill the frame (FER2013's 48x48 crops most of
 * all). Pure: the pixels are moved by the edge (src/data/detect.ts); this file says where.
 *
 * The rule, measured on seeded samples with Human 3.3.6 (see DATA.md):
 *   1. scale by k so the shorter side is at least `minSide` (192 px) and the longer at most
 *      `maxSide` (1280 px); k = 1 when the image is already in that range;
 *   2. add a mid-grey border of `border` (0.25) times the scaled longer side on every side.
 * A 48x48 FER2013 crop becomes a 192x192 face in a 288x288 image.
 *
 * A photo to animate whose face fills the frame is detected again by this rule (face/photo.ts, the
 * page's analysis worker; face/crop.ts needsBorder says when), so a tight headshot is found.
 */
import type { DetectedFace } from '../face/types.ts';

export interface DetectionRule {
  /** Images whose shorter side is below this are scaled up to it (0: never scale up). */
  minSide: number;
  /** Images whose longer side is above this are scaled down to it. */
  maxSide: number;
  /** Border on each side, as a fraction of the scaled longer side (0: none). */
  border: number;
}

/** The rule EmoteBot uses. */
export const DEFAULT_RULE: Readonly<DetectionRule> = Object.freeze({ minSide: 192, maxSide: 1280, border: 0.25 });
/** The image as it is (only huge images are scaled down): the "without" of the measurement. */
export const NO_UPSCALE_RULE: Readonly<DetectionRule> = Object.freeze({ minSide: 0, maxSide: 1280, border: 0 });

export interface DetectionGeometry {
  /** Source pixels to detection pixels (nominal; scaleX and scaleY are exact after rounding). */
  scale: number;
  scaleX: number;
  scaleY: number;
  /** Border in detection pixels on each side. */
  border: number;
  /** Size of the scaled image before the border. */
  innerWidth: number;
  innerHeight: number;
  /** Size of the image the detector sees. */
  width: number;
  height: number;
}

export function detectionGeometry(width: number, height: number, rule: DetectionRule): DetectionGeometry {
  if (!(width > 0 && height > 0)) throw new Error(`detectionGeometry: bad image size ${width}x${height}`);
  let scale = 1;
  const short = Math.min(width, height), long = Math.max(width, height);
  if (rule.minSide > 0 && short < rule.minSide) scale = rule.minSide / short;
  if (long * scale > rule.maxSide) scale = rule.maxSide / long;
  const innerWidth = Math.max(1, Math.round(width * scale));
  const innerHeight = Math.max(1, Math.round(height * scale));
  const border = Math.round(rule.border * Math.max(innerWidth, innerHeight));
  return {
    scale, scaleX: innerWidth / width, scaleY: innerHeight / height, border,
    innerWidth, innerHeight, width: innerWidth + 2 * border, height: innerHeight + 2 * border,
  };
}

/** A mesh (n x xyz) found in the detection image, back in source pixels. Depth is scaled like x and y. */
export function meshToSource(mesh: ArrayLike<number>, g: DetectionGeometry, out = new Float32Array(mesh.length)): Float32Array {
  const kx = 1 / g.scaleX, ky = 1 / g.scaleY, kz = 2 / (g.scaleX + g.scaleY);
  for (let i = 0; i < mesh.length; i += 3) {
    out[i] = (mesh[i]! - g.border) * kx;
    out[i + 1] = (mesh[i + 1]! - g.border) * ky;
    out[i + 2] = mesh[i + 2]! * kz;
  }
  return out;
}

/** A face found in the detection image, back in source pixels (score and descriptor as found). */
export function faceToSource(face: DetectedFace, g: DetectionGeometry): DetectedFace {
  return { box: boxToSource(face.box, g), score: face.score, mesh: meshToSource(face.mesh, g), ...(face.descriptor ? { descriptor: face.descriptor } : {}) };
}

/** A box found in the detection image, back in source pixels. */
export function boxToSource(box: { x: number; y: number; width: number; height: number }, g: DetectionGeometry): { x: number; y: number; width: number; height: number } {
  const kx = 1 / g.scaleX, ky = 1 / g.scaleY;
  return { x: (box.x - g.border) * kx, y: (box.y - g.border) * ky, width: box.width * kx, height: box.height * ky };
}
