/**
 * Face detection and the 468-point mesh through @vladmandic/human in the browser (a page or a
 * worker), on tfjs's wasm backend, with the models and .wasm files served by the app itself.
 */
import { Human } from '@vladmandic/human';
import { detectWithHuman, humanConfig, type HumanLike } from './human-common.ts';
import type { FaceDetector, RasterImage } from './types.ts';

export interface BrowserDetectorOptions {
  /** Absolute URL of the folder with Human's models, ending in "/". */
  modelBasePath: string;
  /** Absolute URL of the folder with tfjs-backend-wasm's .wasm files, ending in "/". */
  wasmPath: string;
  maxFaces?: number;
  minScore?: number;
}

export async function createBrowserHumanDetector(options: BrowserDetectorOptions): Promise<FaceDetector & { readonly human: HumanLike }> {
  const config = humanConfig({ modelBasePath: options.modelBasePath, wasmPath: options.wasmPath, wasmPlatformFetch: false }, options.maxFaces ?? 5);
  const human = new Human(config) as unknown as HumanLike;
  await human.load();
  const minScore = options.minScore ?? 0.5;
  return {
    human,
    detect: (image: RasterImage) => detectWithHuman(human, image, minScore),
    dispose() {
      // Human keeps its models for the life of the worker; the worker's end frees them.
    },
  };
}
