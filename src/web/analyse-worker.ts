/**
 * The page's photo analysis, off the main thread: Human finds the faces, the largest is
 * cropped to a square (face/crop.ts, the same rules as the command line) and measured again
 * on the crop; a face that fills the frame is found on a mid-grey border, as the command line
 * and the training data do (face/photo.ts). The photo stays in this browser: nothing is sent
 * anywhere.
 */
/// <reference lib="webworker" />
import { EmoteBotError } from '../core/errors.ts';
import { mirrorImageMesh } from '../data/align.ts';
import { DEFAULT_RULE, detectionGeometry, faceToSource } from '../data/preprocess.ts';
import { chooseFace, cropSquare, detectScale, flipDiscrepancy, meshInPhoto, meshIntoCrop, needsBorder, refineMesh, type CropSquare } from '../face/crop.ts';
import { fillBeyondPhoto, photoExtentInCrop } from '../face/fill.ts';
import { createBrowserHumanDetector } from '../face/human-browser.ts';
import type { DetectedFace, FaceDetector, RasterImage } from '../face/types.ts';
import { estimateSkin } from '../render/mouth-interior.ts';
import type { AnalyseRequest, AnalyseResponse } from './analysis-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let detector: Promise<FaceDetector> | undefined;

/** A canvas whose pixels are read back (kept in memory, not on the GPU). */
function readableCanvas(width: number, height: number): { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas in this worker');
  return { canvas, ctx };
}

function raster(canvas: OffscreenCanvas): RasterImage {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas in this worker');
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data: img.data, width: img.width, height: img.height, channels: 4 };
}

/**
 * Draws the crop square of `bitmap` into a size x size canvas. Where the square leaves the photo,
 * the photo's edge rows and columns are stretched over it, then spread out by fillBeyondPhoto
 * (face/fill.ts), as the command line does. Returns the canvas and its pixels as drawn.
 */
function drawCrop(bitmap: ImageBitmap | OffscreenCanvas, sq: CropSquare, size: number): { canvas: OffscreenCanvas; pixels: RasterImage } {
  const { canvas, ctx } = readableCanvas(size, size);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const k = size / sq.side, w = bitmap.width, h = bitmap.height;
  // Where the photo's edges land in the crop.
  const left = -sq.left * k, top = -sq.top * k, right = (w - sq.left) * k, bottom = (h - sq.top) * k;
  // [source x, y, width, height] of an edge or corner, stretched over [dest x, y, width, height].
  const pads: [number, number, number, number, number, number, number, number][] = [
    [0, 0, 1, h, 0, top, left, bottom - top],
    [w - 1, 0, 1, h, right, top, size - right, bottom - top],
    [0, 0, w, 1, left, 0, right - left, top],
    [0, h - 1, w, 1, left, bottom, right - left, size - bottom],
    [0, 0, 1, 1, 0, 0, left, top],
    [w - 1, 0, 1, 1, right, 0, size - right, top],
    [0, h - 1, 1, 1, 0, bottom, left, size - bottom],
    [w - 1, h - 1, 1, 1, right, bottom, size - right, size - bottom],
  ];
  for (const [sx, sy, sw, sh, dx, dy, dw, dh] of pads) if (dw > 0 && dh > 0) ctx.drawImage(bitmap, sx, sy, sw, sh, dx, dy, dw, dh);
  ctx.drawImage(bitmap, left, top, right - left, bottom - top);
  const img = ctx.getImageData(0, 0, size, size);
  const { pad } = sq;
  if (pad.left || pad.top || pad.right || pad.bottom) {
    fillBeyondPhoto(img.data, size, photoExtentInCrop(sq, w, h, size));
    ctx.putImageData(img, 0, 0);
  }
  return { canvas, pixels: { data: img.data, width: size, height: size, channels: 4 } };
}

/** The faces in an image, found by the training data's detection rule, in the image's pixels. */
async function detectAsData(det: FaceDetector, image: ImageBitmap | OffscreenCanvas): Promise<DetectedFace[]> {
  const g = detectionGeometry(image.width, image.height, DEFAULT_RULE);
  const { canvas, ctx } = readableCanvas(g.width, g.height);
  ctx.fillStyle = 'rgb(128, 128, 128)';
  ctx.fillRect(0, 0, g.width, g.height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, g.border, g.border, g.innerWidth, g.innerHeight);
  return (await det.detect(raster(canvas))).map((f) => faceToSource(f, g));
}

async function analyse(req: AnalyseRequest): Promise<AnalyseResponse> {
  let loadMs = 0;
  if (!detector) {
    const t0 = performance.now();
    detector = createBrowserHumanDetector({ modelBasePath: req.modelBasePath, wasmPath: req.wasmPath });
    try {
      await detector;
    } catch (e) {
      detector = undefined;
      throw e;
    }
    loadMs = performance.now() - t0;
  }
  const det = await detector;
  const t0 = performance.now();
  const { bitmap, size } = req;
  const { width, height } = bitmap;
  const p = await analyseOnce(det, bitmap, size);
  // The same analysis of the photo mirrored left to right (at most MIRROR_MAX_SIDE on its longer
  // side), its mesh mirrored back into the photo's pixels (as the command line does, face/photo.ts):
  // where the two disagree, the detector could not read the face.
  const m = Math.min(1, MIRROR_MAX_SIDE / Math.max(width, height));
  const { canvas: flipped, ctx: fctx } = readableCanvas(Math.max(1, Math.round(width * m)), Math.max(1, Math.round(height * m)));
  fctx.setTransform(-flipped.width / width, 0, 0, flipped.height / height, flipped.width, 0);
  fctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  let mirroredMesh: Float64Array | null = null;
  try {
    const q = await analyseOnce(det, flipped, size);
    const inMirror = meshInPhoto(q.mesh, q.square, size);
    for (let i = 0; i < inMirror.length; i++) if (i % 3 !== 2) inMirror[i] = inMirror[i]! * (i % 3 === 0 ? width / flipped.width : height / flipped.height);
    mirroredMesh = mirrorImageMesh(inMirror, width);
  } catch (e) {
    // No face (or too small a one) in the mirror image: the reading is not to be trusted.
    if (!(e instanceof EmoteBotError)) throw e;
  }
  const discrepancy = flipDiscrepancy(meshInPhoto(p.mesh, p.square, size), mirroredMesh);
  // The skin colour the learned mouth interior is drawn in (from the crop's cheeks).
  const skin = estimateSkin(p.pixels, p.mesh);
  const image = p.crop.transferToImageBitmap();
  return { type: 'result', id: req.id, ok: true, image, mesh: p.mesh, ...(skin ? { skin } : {}), faceCount: p.faceCount, score: p.score, flipDiscrepancy: discrepancy, loadMs, analyseMs: performance.now() - t0 };
}

/** Longest side of the mirrored copy the check analyses (a 40-megapixel photo is not copied whole). */
const MIRROR_MAX_SIDE = 4096;

/** One analysis of an image: the largest face, its crop at `size` and its mesh in the crop's pixels. */
async function analyseOnce(det: FaceDetector, image: ImageBitmap | OffscreenCanvas, size: number): Promise<{ crop: OffscreenCanvas; pixels: RasterImage; mesh: Float32Array; square: CropSquare; faceCount: number; score: number }> {
  const scale = detectScale(image.width, image.height);
  const { canvas: small, ctx } = readableCanvas(Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)));
  ctx.drawImage(image, 0, 0, small.width, small.height);
  let faces = await det.detect(raster(small));
  let found = scale;
  // The crop's detection: its pixels as they are, or (a face that fills the frame) on a border.
  let redetect = (_crop: OffscreenCanvas, pixels: RasterImage): Promise<DetectedFace[]> => det.detect(pixels);
  if (needsBorder(faces, scale, image.width, image.height)) {
    const bordered = await detectAsData(det, image);
    if (bordered.length > 0) {
      faces = bordered;
      found = 1;
      redetect = (c) => detectAsData(det, c);
    }
  }
  const { face, box } = chooseFace(faces, found, image.width, image.height);
  const sq = cropSquare(box, image.width, image.height);
  const { canvas: crop, pixels } = drawCrop(image, sq, size);
  const estimate = meshIntoCrop(face.mesh, found, sq, size);
  const mesh = refineMesh(estimate, await redetect(crop, pixels), size);
  return { crop, pixels, mesh, square: sq, faceCount: faces.length, score: face.score };
}

scope.addEventListener('message', (ev: MessageEvent<AnalyseRequest>) => {
  const req = ev.data;
  if (req?.type !== 'analyse') return;
  analyse(req).then(
    (res) => scope.postMessage(res, res.ok ? [res.image, res.mesh.buffer] : []),
    (e: unknown) => {
      req.bitmap.close();
      const res: AnalyseResponse = e instanceof EmoteBotError
        ? { type: 'result', id: req.id, ok: false, code: e.code, message: e.message }
        : { type: 'result', id: req.id, ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e) };
      scope.postMessage(res);
    },
  );
});
