/**
 * Detection of one image or video frame for the data pipeline (edge: sharp and the detector).
 * Moves the pixels as src/data/preprocess.ts says, runs the detector, and returns what it found
 * in source-image pixels.
 */
import sharp from 'sharp';
import { EmoteBotError } from '../core/errors.ts';
import { decodeImage } from '../face/image.ts';
import type { FaceDetector, RasterImage } from '../face/types.ts';
import type { Detection } from './judge.ts';
import { type DetectionRule, detectionGeometry, faceToSource } from './preprocess.ts';

/** Decodes an image file's bytes and detects faces in it; an undecodable file is a result, not an error. */
export async function detectInImageBytes(detector: FaceDetector, bytes: Uint8Array, rule: DetectionRule, name = 'image'): Promise<Detection> {
  let raster: RasterImage;
  try {
    raster = await decodeImage(bytes, name);
  } catch (e) {
    if (e instanceof EmoteBotError) return { status: 'unreadable', message: e.message };
    throw e;
  }
  return detectInRaster(detector, raster, rule);
}

const GREY = { r: 128, g: 128, b: 128 };

export async function detectInRaster(detector: FaceDetector, raster: RasterImage, rule: DetectionRule): Promise<Detection> {
  const g = detectionGeometry(raster.width, raster.height, rule);
  let input: RasterImage = raster;
  if (g.innerWidth !== raster.width || g.innerHeight !== raster.height || g.border > 0) {
    let img = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: raster.channels } });
    if (g.innerWidth !== raster.width || g.innerHeight !== raster.height) {
      img = sharp(await img.resize(g.innerWidth, g.innerHeight, { kernel: 'lanczos3', fit: 'fill' }).raw().toBuffer(), {
        raw: { width: g.innerWidth, height: g.innerHeight, channels: raster.channels },
      });
    }
    if (g.border > 0) img = img.extend({ top: g.border, bottom: g.border, left: g.border, right: g.border, background: { ...GREY, alpha: 1 } });
    const data = await img.raw().toBuffer();
    input = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: g.width, height: g.height, channels: raster.channels };
  }
  const faces = await detector.detect(input);
  return {
    status: 'ok',
    width: raster.width,
    height: raster.height,
    faces: faces.map((f) => faceToSource(f, g)),
  };
}
