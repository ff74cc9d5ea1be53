/**
 * Face detection and the 468-point mesh through @vladmandic/human on the tfjs wasm backend,
 * in Node, with the models that ship inside the npm package (no network).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { detectWithHuman, humanConfig, type HumanLike } from './human-common.ts';
import type { FaceDetector, RasterImage } from './types.ts';

const require = createRequire(import.meta.url);

type HumanInstance = HumanLike & { warmup?(): Promise<unknown> };

export interface HumanDetectorOptions {
  /** Folder holding Human's models (default: the copy inside node_modules). */
  modelDir?: string;
  /** Most faces to look for. */
  maxFaces?: number;
  /** Faces below this detector score are ignored. */
  minScore?: number;
  /** Also run Human's face-description model: every face gets a descriptor (DetectedFace.descriptor). */
  describe?: boolean;
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
  const human = new Human(humanConfig({
    modelBasePath: pathToFileURL(modelDir).href + '/',
    wasmPath: pathToFileURL(wasmDir).href + '/',
    wasmPlatformFetch: true,
  }, options.maxFaces ?? 5, options.describe ?? false));
  await human.load();
  const minScore = options.minScore ?? 0.5;

  return {
    human,
    detect: (image: RasterImage) => detectWithHuman(human, image, minScore),
    dispose() {
      // Human keeps its models for the life of the process; nothing else is held here.
    },
  };
}
