/**
 * Face detection and the 468-point mesh through @vladmandic/human on the tfjs wasm backend,
 * in Node, with the models that ship inside the npm package (no network).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { DetectedFace, FaceDetector, RasterImage } from './types.ts';

const require = createRequire(import.meta.url);

interface HumanFace { box: [number, number, number, number]; score: number; faceScore: number; mesh: [number, number, number][] }
interface HumanInstance {
  load(): Promise<void>;
  warmup?(): Promise<unknown>;
  detect(input: unknown): Promise<{ face: HumanFace[] }>;
  tf: {
    tensor4d(data: Uint8Array, shape: [number, number, number, number], dtype: 'int32'): { dispose(): void };
    memory(): { numTensors: number };
    getBackend(): string;
  };
}

export interface HumanDetectorOptions {
  /** Folder holding Human's models (default: the copy inside node_modules). */
  modelDir?: string;
  /** Most faces to look for. */
  maxFaces?: number;
  /** Faces below this detector score are ignored. */
  minScore?: number;
}

let fetchPatched = false;
/**
 * Node's fetch has no file:// support; Human and the wasm backend load their files through
 * fetch. Answer file:// URLs from disk and pass everything else to the real fetch.
 */
function allowFileFetch(): void {
  if (fetchPatched) return;
  fetchPatched = true;
  const real = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('file://')) {
      const body = await readFile(fileURLToPath(url));
      return new Response(body, { status: 200, headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
    }
    return real(input, init);
  }) as typeof fetch;
}

/** The node_modules/@vladmandic folder that holds Human (its exports map hides package.json). */
export function humanPackageDir(): string {
  // require.resolve gives .../@vladmandic/human/dist/<main>.js
  return path.dirname(path.dirname(path.dirname(require.resolve('@vladmandic/human'))));
}

export async function createHumanDetector(options: HumanDetectorOptions = {}): Promise<FaceDetector & { readonly human: HumanInstance }> {
  allowFileFetch();
  const pkg = path.join(humanPackageDir(), 'human');
  const modelDir = options.modelDir ?? path.join(pkg, 'models');
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  // The package's exports map refuses this subpath, so load it by file path.
  const { Human } = require(path.join(pkg, 'dist', 'human.node-wasm.js')) as { Human: new (config: object) => HumanInstance };
  const human = new Human({
    backend: 'wasm',
    modelBasePath: pathToFileURL(modelDir).href + '/',
    wasmPath: pathToFileURL(wasmDir).href + '/',
    wasmPlatformFetch: true,
    debug: false,
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: options.maxFaces ?? 5, skipFrames: 0, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
    },
    body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false },
    segmentation: { enabled: false }, filter: { enabled: false },
  });
  await human.load();
  const minScore = options.minScore ?? 0.5;

  return {
    human,
    async detect(image: RasterImage): Promise<DetectedFace[]> {
      const rgb = toRgb(image);
      const tensor = human.tf.tensor4d(rgb, [1, image.height, image.width, 3], 'int32');
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
            return { box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] }, score: f.faceScore ?? f.score, mesh };
          });
        return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
      } finally {
        tensor.dispose();
      }
    },
    dispose() {
      // Human keeps its models for the life of the process; nothing else is held here.
    },
  };
}

function toRgb(image: RasterImage): Uint8Array {
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
