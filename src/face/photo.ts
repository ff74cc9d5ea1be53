/**
 * A photo made ready to animate: the largest face found, the photo cropped to a square around
 * it at the output size, and the face's mesh in that square's pixels.
 */
import sharp from 'sharp';
import { EmoteBotError } from '../core/errors.ts';
import type { RgbaImage } from '../render/cpu-warp.ts';
import type { DetectedFace, FaceDetector, RasterImage } from './types.ts';

export interface PreparedPhoto {
  /** size x size RGBA crop around the face. */
  image: RgbaImage;
  /** 468 x (x, y, z) in the crop's pixels (see face/types.ts for the convention). */
  mesh: Float32Array;
  /** How many faces the photo holds (the largest is animated). */
  faceCount: number;
  /** Detector score of the animated face. */
  score: number;
  /** The animated face's box in the original photo. */
  box: DetectedFace['box'];
}

/** Smallest face (shorter side of its box, original pixels) that animates well. */
export const MIN_FACE_PIXELS = 48;
/** Photos are scaled down to this longer side before detection (the mesh is refined at crop scale). */
const DETECT_MAX_SIDE = 1280;
/** The crop is this many times the face box, centred a little above the box centre. */
const CROP_FACTOR = 2.1;

export async function preparePhoto(raster: RasterImage, detector: FaceDetector, size: number): Promise<PreparedPhoto> {
  const { width, height } = raster;
  const scale = Math.min(1, DETECT_MAX_SIDE / Math.max(width, height));
  let detectInput = raster;
  if (scale < 1) {
    const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
    const data = await sharp(raster.data, { raw: { width, height, channels: raster.channels } }).resize(w, h).raw().toBuffer();
    detectInput = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: w, height: h, channels: raster.channels };
  }
  const faces = await detector.detect(detectInput);
  const face = faces[0];
  if (!face) throw new EmoteBotError('no-face', 'no face found in the photo (try a clearer, front-facing portrait)');
  const box = { x: face.box.x / scale, y: face.box.y / scale, width: face.box.width / scale, height: face.box.height / scale };
  if (Math.min(box.width, box.height) < MIN_FACE_PIXELS) {
    throw new EmoteBotError('face-too-small', `the face is too small (${Math.round(Math.min(box.width, box.height))} px across; at least ${MIN_FACE_PIXELS} px needed)`);
  }
  // Square crop around the face, padded by mirroring where it leaves the photo.
  const side = Math.round(CROP_FACTOR * Math.max(box.width, box.height));
  const cx = box.x + box.width / 2, cy = box.y + box.height * 0.42;
  const left = Math.round(cx - side / 2), top = Math.round(cy - side / 2);
  const padL = Math.max(0, -left), padT = Math.max(0, -top);
  const padR = Math.max(0, left + side - width), padB = Math.max(0, top + side - height);
  let img = sharp(raster.data, { raw: { width, height, channels: raster.channels } });
  if (padL || padT || padR || padB) {
    // Mirror padding needs the padding to be smaller than the image; fall back to copying edges.
    const mirror = padL < width && padR < width && padT < height && padB < height;
    img = sharp(await img.extend({ left: padL, top: padT, right: padR, bottom: padB, extendWith: mirror ? 'mirror' : 'copy' }).raw().toBuffer(), {
      raw: { width: width + padL + padR, height: height + padT + padB, channels: raster.channels },
    });
  }
  const crop = await img
    .extract({ left: left + padL, top: top + padT, width: side, height: side })
    .resize(size, size, { kernel: 'lanczos3' })
    .ensureAlpha()
    .raw()
    .toBuffer();
  const k = size / side;
  let mesh: Float32Array = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    mesh[i * 3] = (face.mesh[i * 3]! / scale - left) * k;
    mesh[i * 3 + 1] = (face.mesh[i * 3 + 1]! / scale - top) * k;
    mesh[i * 3 + 2] = (face.mesh[i * 3 + 2]! / scale) * k;
  }
  const data = new Uint8ClampedArray(crop.buffer, crop.byteOffset, crop.byteLength);
  // Refine: the mesh measured on the crop itself is sharper than one scaled up from a big photo.
  const refined = (await detector.detect({ data, width: size, height: size, channels: 4 }))
    .map((f) => ({ f, d: Math.hypot(f.mesh[4 * 3]! - mesh[4 * 3]!, f.mesh[4 * 3 + 1]! - mesh[4 * 3 + 1]!) }))
    .sort((a, b) => a.d - b.d)[0];
  if (refined && refined.d < size * 0.1) mesh = refined.f.mesh;
  return { image: { data, width: size, height: size }, mesh, faceCount: faces.length, score: face.score, box };
}
