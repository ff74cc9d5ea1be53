/**
 * A photo made ready to animate: the largest face found, the photo cropped to a square around
 * it at the output size, and the face's mesh in that square's pixels.
 *
 * A face that fills the frame (no face found, or a box within 5% of the photo's edge: crop.ts
 * needsBorder) is found again as the training faces were (data/preprocess.ts DEFAULT_RULE: on a
 * mid-grey border), on the photo and on the crop: the detector misses or misplaces such faces
 * without the border. Every other photo is detected as it is.
 *
 * The whole preparation then runs again on the photo mirrored, and the two meshes are compared
 * (crop.ts flipDiscrepancy): where they disagree, the caller is told the face is hard to read.
 */
import sharp from 'sharp';
import { EmoteBotError } from '../core/errors.ts';
import { mirrorImageMesh } from '../data/align.ts';
import { detectInRaster } from '../data/detect.ts';
import { DEFAULT_RULE } from '../data/preprocess.ts';
import type { RgbaImage } from '../render/cpu-warp.ts';
import { chooseFace, cropSquare, type CropSquare, detectScale, flipDiscrepancy, meshInPhoto, meshIntoCrop, needsBorder, refineMesh } from './crop.ts';
import { fillBeyondPhoto, photoExtentInCrop } from './fill.ts';
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
  /**
   * How well the detector read this face: crop.ts flipDiscrepancy between its mesh and the mesh
   * the same preparation finds on the mirrored photo, both in the photo's pixels (eye widths;
   * Infinity: no face found there). Above UNCERTAIN_FLIP the mouth and eyes may be drawn off the
   * face.
   */
  flipDiscrepancy: number;
}

export { MIN_FACE_PIXELS } from './crop.ts';

/** Smallest crop the mesh is measured on (the page's crops are never smaller). */
export const MIN_REFINE_SIZE = 512;

/** The faces in a raster, found by the training data's detection rule, in the raster's pixels. */
async function detectAsData(detector: FaceDetector, raster: RasterImage): Promise<DetectedFace[]> {
  const d = await detectInRaster(detector, raster, DEFAULT_RULE);
  return d.status === 'ok' ? d.faces : [];
}

/**
 * The photo prepared, and checked against its mirror image: the whole preparation runs again on
 * the photo flipped left to right, and the two meshes, in the photo's pixels, are compared
 * (flipDiscrepancy). A detector that reads the face finds the same points both ways; on a
 * headshot cut at the chin it may find the mouth on the nose one way and not the other.
 */
export async function preparePhoto(raster: RasterImage, detector: FaceDetector, size: number): Promise<PreparedPhoto> {
  const p = await prepareOnce(raster, detector, size);
  let mirroredMesh: Float64Array | null = null;
  try {
    const q = await prepareOnce(mirrorRaster(raster), detector, size);
    mirroredMesh = mirrorImageMesh(meshInPhoto(q.mesh, q.square, size), raster.width);
  } catch (e) {
    // No face (or too small a one) in the mirror image: the reading is not to be trusted.
    if (!(e instanceof EmoteBotError)) throw e;
  }
  const { square, ...prepared } = p;
  return { ...prepared, flipDiscrepancy: flipDiscrepancy(meshInPhoto(p.mesh, square, size), mirroredMesh) };
}

async function prepareOnce(raster: RasterImage, detector: FaceDetector, size: number): Promise<Omit<PreparedPhoto, 'flipDiscrepancy'> & { square: CropSquare }> {
  const { width, height } = raster;
  const scale = detectScale(width, height);
  let detectInput = raster;
  if (scale < 1) {
    const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
    const data = await sharp(raster.data, { raw: { width, height, channels: raster.channels } }).resize(w, h).raw().toBuffer();
    detectInput = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: w, height: h, channels: raster.channels };
  }
  let faces = await detector.detect(detectInput);
  let found = scale;
  let redetect = (r: RasterImage): Promise<DetectedFace[]> => detector.detect(r);
  if (needsBorder(faces, scale, width, height)) {
    const bordered = await detectAsData(detector, raster);
    if (bordered.length > 0) {
      faces = bordered;
      found = 1;
      redetect = (r) => detectAsData(detector, r);
    }
  }
  const { face, box } = chooseFace(faces, found, width, height);
  // Square crop around the face. Where it leaves the photo, the photo's edge is stretched over it,
  // then spread out by fillBeyondPhoto (face/fill.ts: the page does the same on its crop).
  const sq = cropSquare(box, width, height);
  const { side, left, top } = sq;
  const { left: padL, top: padT, right: padR, bottom: padB } = sq.pad;
  const padded = padL || padT || padR || padB
    ? sharp(await sharp(raster.data, { raw: { width, height, channels: raster.channels } }).extend({ left: padL, top: padT, right: padR, bottom: padB, extendWith: 'copy' }).raw().toBuffer(), {
      raw: { width: width + padL + padR, height: height + padT + padB, channels: raster.channels },
    })
    : sharp(raster.data, { raw: { width, height, channels: raster.channels } });
  /** The square at n x n pixels, RGBA, its outside filled. */
  const cropAt = async (n: number): Promise<Uint8ClampedArray> => {
    const crop = await padded.clone()
      .extract({ left: left + padL, top: top + padT, width: side, height: side })
      .resize(n, n, { kernel: 'lanczos3' })
      .ensureAlpha()
      .raw()
      .toBuffer();
    const data = new Uint8ClampedArray(crop.buffer, crop.byteOffset, crop.byteLength);
    if (padL || padT || padR || padB) fillBeyondPhoto(data, n, photoExtentInCrop(sq, width, height, n));
    return data;
  };
  const data = await cropAt(size);
  // The mesh is measured on a crop of at least MIN_REFINE_SIZE pixels: on smaller ones the
  // detector misplaces more faces (at 256 px one more of 280 dev headshots had its mouth drawn
  // on its nose).
  const at = Math.max(size, MIN_REFINE_SIZE);
  const refineData = at === size ? data : await cropAt(at);
  const refined = refineMesh(meshIntoCrop(face.mesh, found, sq, at), await redetect({ data: refineData, width: at, height: at, channels: 4 }), at);
  const mesh = at === size ? refined : refined.map((v) => (v * size) / at);
  return { image: { data, width: size, height: size }, mesh, faceCount: faces.length, score: face.score, box, square: sq };
}

/** A raster mirrored left to right (a copy). */
function mirrorRaster(r: RasterImage): RasterImage {
  const { width, height, channels, data } = r;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + width - 1 - x) * channels, to = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c]!;
    }
  }
  return { data: out, width, height, channels };
}
