/** Messages between the page and its photo-analysis worker (analyse-worker.ts). */
export interface AnalyseRequest {
  type: 'analyse';
  id: number;
  /** The decoded photo; transferred to the worker. */
  bitmap: ImageBitmap;
  /** Side of the square crop to animate, pixels. */
  size: number;
  modelBasePath: string;
  wasmPath: string;
}

export interface AnalyseSuccess {
  type: 'result';
  id: number;
  ok: true;
  /** size x size crop around the largest face; transferred back. */
  image: ImageBitmap;
  /** 468 x (x, y, z) in the crop's pixels (face/types.ts conventions). */
  mesh: Float32Array;
  /** The face's skin colour (RGB 0..255, render/mouth-interior.ts estimateSkin), for the learned mouth interior. */
  skin?: [number, number, number];
  faceCount: number;
  score: number;
  /** How well the detector read the face (face/crop.ts flipDiscrepancy; Infinity: not found mirrored). */
  flipDiscrepancy: number;
  /** Milliseconds spent: loading the models (0 once loaded), detecting and cropping. */
  loadMs: number;
  analyseMs: number;
}

export interface AnalyseFailure {
  type: 'result';
  id: number;
  ok: false;
  /** EmoteBotError code when the photo was the problem ('no-face', 'face-too-small'), else 'internal'. */
  code: string;
  message: string;
}

export type AnalyseResponse = AnalyseSuccess | AnalyseFailure;
