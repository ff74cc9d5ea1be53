/**
 * What the Node and the browser face detectors share: Human's configuration (face box and
 * 468-point mesh only, still images), the input tensor layout and the mapping of Human's
 * results onto the FaceDetector contract (face/types.ts). Pure: no I/O, no DOM.
 */
import type { DetectedFace, RasterImage } from './types.ts';

export interface HumanFace { box: [number, number, number, number]; score: number; faceScore: number; mesh: [number, number, number][]; embedding?: number[] }

export interface HumanTensor { dispose(): void }
export interface HumanLike {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: HumanFace[] }>;
  tf: {
    tensor4d(data: Uint8Array, shape: [number, number, number, number], dtype: 'int32'): HumanTensor;
    memory(): { numTensors: number };
    getBackend(): string;
  };
}

export interface HumanPaths {
  /** URL of the folder holding blazeface.json/.bin and facemesh.json/.bin, ending in "/". */
  modelBasePath: string;
  /** URL of the folder holding tfjs-backend-wasm's .wasm files, ending in "/". */
  wasmPath: string;
  /** Human fetches the .wasm files itself (Node); false lets the browser stream them. */
  wasmPlatformFetch: boolean;
}

/**
 * Human's configuration: wasm backend, face detection and mesh only, no frame caching. With
 * `describe`, also the face-description model (faceres.json), whose embedding becomes
 * DetectedFace.descriptor; it reads its own crop, so the mesh is the same either way.
 */
export function humanConfig(paths: HumanPaths, maxFaces = 5, describe = false): object {
  return {
    backend: 'wasm',
    ...paths,
    debug: false,
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: maxFaces, skipFrames: 0, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: describe ? { enabled: true, minConfidence: 0, skipFrames: 0, skipTime: 0 } : { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
    },
    body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false },
    segmentation: { enabled: false }, filter: { enabled: false },
  };
}

/** The models Human loads with this configuration (files under modelBasePath). */
export const HUMAN_MODEL_FILES = ['blazeface.json', 'blazeface.bin', 'facemesh.json', 'facemesh.bin'] as const;

/** Interleaved RGB bytes of an RGB or RGBA raster. */
export function toRgb(image: RasterImage): Uint8Array {
  if (image.channels === 3) return image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = image.data[i * 4]!;
    out[i * 3 + 1] = image.data[i * 4 + 1]!;
    out[i * 3 + 2] = image.data[i * 4 + 2]!;
  }
  return out;
}

/** Runs Human on a raster; faces at or above `minScore` with a full mesh, largest first. */
export async function detectWithHuman(human: HumanLike, image: RasterImage, minScore: number): Promise<DetectedFace[]> {
  const tensor = human.tf.tensor4d(toRgb(image), [1, image.height, image.width, 3], 'int32');
  try {
    const res = await human.detect(tensor);
    const faces = res.face
      .filter((f) => (f.faceScore ?? f.score) >= minScore && f.mesh.length >= 468)
      .map((f): DetectedFace => {
        const mesh = new Float32Array(468 * 3);
        for (let i = 0; i < 468; i++) {
          const p = f.mesh[i]!;
          mesh[i * 3] = p[0]; mesh[i * 3 + 1] = p[1]; mesh[i * 3 + 2] = p[2];
        }
        return { box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] }, score: f.faceScore ?? f.score, mesh, ...(f.embedding?.length ? { descriptor: Float32Array.from(f.embedding) } : {}) };
      });
    return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  } finally {
    tensor.dispose();
  }
}
