/**
 * Face textures for the data pipeline (edge: decodes images with sharp): one job of the worker
 * pool, run in a worker thread (or inline). The unwrapping itself is src/render/uv-texture.ts:
 * the face's luminance unwrapped into the canonical face's UV layout (UV_SIZE^2, v down),
 * lighting-normalised (ln-luminance minus a quadratic surface), int8 with TEXTURE_STEP, and
 * TEXTURE_MISSING where the image does not show the face (turned away or too oblique).
 *
 * The texture always comes from the source image at its own resolution (the photo or the video
 * frame as decoded), through the face's mesh in source pixels: never from the upscaled,
 * grey-bordered image the detector saw.
 */
import { EmoteBotError } from '../core/errors.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { decodeImage } from '../face/image.ts';
import type { FaceDetector, RasterImage } from '../face/types.ts';
import type { RgbaImage } from '../render/cpu-warp.ts';
import { TEXTURE_MISSING, unwrapTexture, UV_SIZE } from '../render/uv-texture.ts';
import { detectInRaster } from './detect.ts';
import { judge } from './judge.ts';
import type { JobResult, PoolJob, WorkerSetup } from './pool.ts';

/** Bytes of one stored texture. */
export const TEXTURE_VALUES = UV_SIZE * UV_SIZE;

/**
 * The part of an RGB(A) raster under the mesh (its x, y bounding box plus 2 pixels, clipped to the
 * image) as RGBA, with the mesh moved into the crop's pixels.
 */
export function cropToMesh(raster: RasterImage, mesh: ArrayLike<number>): { image: RgbaImage; mesh: Float32Array } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const x = mesh[i * 3]!, y = mesh[i * 3 + 1]!;
    if (x < x0) x0 = x; if (x > x1) x1 = x;
    if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  const left = Math.max(0, Math.floor(x0) - 2), top = Math.max(0, Math.floor(y0) - 2);
  const right = Math.min(raster.width, Math.ceil(x1) + 3), bottom = Math.min(raster.height, Math.ceil(y1) + 3);
  const w = Math.max(1, right - left), h = Math.max(1, bottom - top);
  const data = new Uint8ClampedArray(w * h * 4);
  const ch = raster.channels, src = raster.data;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(raster.height - 1, Math.max(0, top + y));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(raster.width - 1, Math.max(0, left + x));
      const i = (sy * raster.width + sx) * ch, o = (y * w + x) * 4;
      data[o] = src[i]!; data[o + 1] = src[i + 1]!; data[o + 2] = src[i + 2]!; data[o + 3] = 255;
    }
  }
  const moved = new Float32Array(LANDMARK_COUNT * 3);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    moved[i * 3] = mesh[i * 3]! - left; moved[i * 3 + 1] = mesh[i * 3 + 1]! - top; moved[i * 3 + 2] = mesh[i * 3 + 2]!;
  }
  return { image: { data, width: w, height: h }, mesh: moved };
}

/** The stored texture of one face: its source raster and its mesh in source pixels. */
export function faceTexture(raster: RasterImage, mesh: ArrayLike<number>): Int8Array {
  const c = cropToMesh(raster, mesh);
  return unwrapTexture(c.image, c.mesh, UV_SIZE);
}

/** A texture of TEXTURE_MISSING everywhere (a face or frame without one). */
export function missingTexture(): Int8Array {
  return new Int8Array(TEXTURE_VALUES).fill(TEXTURE_MISSING);
}

async function rasterOf(job: PoolJob['job']): Promise<{ raster: RasterImage } | { unreadable: string }> {
  if (job.kind === 'frame') return { raster: { data: job.data, width: job.width, height: job.height, channels: 3 } };
  try {
    return { raster: await decodeImage(job.bytes, job.name) };
  } catch (e) {
    // An image that is not an image, truncated or too large: a result, as in detectInImageBytes.
    if (e instanceof EmoteBotError) return { unreadable: e.message };
    throw e;
  }
}

/** Runs one pool job with this detector: what a worker thread does with each message. */
export async function runJob(detector: FaceDetector, j: PoolJob, setup: WorkerSetup): Promise<JobResult> {
  const r = await rasterOf(j.job);
  if (!('raster' in r)) return j.op === 'texture' ? {} : { detection: { status: 'unreadable', message: r.unreadable } };
  if (j.op === 'texture') return { texture: faceTexture(r.raster, j.job.mesh) };
  const detection = await detectInRaster(detector, r.raster, setup.rule);
  if (!j.texture) return { detection };
  const verdict = judge(detection, setup.thresholds);
  return verdict.ok ? { detection, texture: faceTexture(r.raster, verdict.face.mesh) } : { detection };
}
