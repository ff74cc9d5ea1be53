/**
 * tfjs for training in Node: the wasm backend (no native TensorFlow), its .wasm files read from
 * the package's own dist folder by file path. Idempotent; a process that already runs tfjs on
 * wasm (for example Human's detector) keeps its backend.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
let ready: Promise<typeof tf> | null = null;

export function wasmDistDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

export function useWasmBackend(): Promise<typeof tf> {
  ready ??= (async () => {
    if (tf.engine().backendName !== 'wasm') {
      setWasmPaths(wasmDistDir() + path.sep);
      if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start');
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}
