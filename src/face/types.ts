/**
 * The face-analysis contract. Every detector backend returns these.
 *
 * Coordinate space: pixels of the image passed in; x right, y down, origin at the top-left
 * corner. Mesh z is relative depth on the same pixel scale, negative towards the camera.
 * Landmark order is MediaPipe's 468-point face mesh; "left" landmarks belong to the subject's
 * own left side (image right when the face looks at the camera).
 */
export interface FaceBox { x: number; y: number; width: number; height: number }

export interface DetectedFace {
  box: FaceBox;
  /** Detector confidence, 0..1. */
  score: number;
  /** 468 x (x, y, z). */
  mesh: Float32Array;
  /**
   * Human's face-description embedding (its faceres model), from a detector made to describe
   * faces (Node: createHumanDetector({ describe: true })); absent otherwise. Compared by Euclidean
   * distance; its scale is Human's, not face-api's (the evaluation judge's 0.6 and 0.35 do not apply).
   */
  descriptor?: Float32Array;
}

/** An RGB(A) raster held in memory. */
export interface RasterImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

export interface FaceDetector {
  /** All faces found, largest first. */
  detect(image: RasterImage): Promise<DetectedFace[]>;
  dispose(): void;
}
