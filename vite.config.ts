// The EmoteBot page: sources in src/web, built into dist/web (served by `emotebot serve`).
// Human's face models and tfjs's .wasm files are copied from node_modules into the build
// (models/, wasm/), so the page analyses photos with nothing fetched from outside its origin.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { HUMAN_MODEL_FILES } from './src/face/human-common.ts';

const require = createRequire(import.meta.url);
const humanModels = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/human'))), 'models');
const tfjsWasm = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
/** EmoteBot's own trained models (manifest.json + the weights it names), as shipped in models/. */
const OWN_MODELS = ['expression-gan', 'motion-gru', 'expression-detail', 'mouth-interior'];
const ownModels = fileURLToPath(new URL('./models/', import.meta.url));

function faceModels(): Plugin {
  return {
    name: 'emotebot-face-models',
    apply: 'build',
    generateBundle() {
      for (const f of HUMAN_MODEL_FILES) this.emitFile({ type: 'asset', fileName: `models/${f}`, source: readFileSync(path.join(humanModels, f)) });
      for (const f of WASM_FILES) this.emitFile({ type: 'asset', fileName: `wasm/${f}`, source: readFileSync(path.join(tfjsWasm, f)) });
      const shipped: string[] = [];
      for (const name of OWN_MODELS) {
        const dir = path.join(ownModels, name);
        const manifestFile = path.join(dir, 'manifest.json');
        // A model not trained yet is left out; the page then says so and uses the baseline.
        if (!existsSync(manifestFile)) continue;
        const manifest = readFileSync(manifestFile);
        const weights = (JSON.parse(manifest.toString('utf8')) as { weights: { file: string } }).weights.file;
        this.emitFile({ type: 'asset', fileName: `emotebot-models/${name}/manifest.json`, source: manifest });
        this.emitFile({ type: 'asset', fileName: `emotebot-models/${name}/${path.basename(weights)}`, source: readFileSync(path.join(dir, path.basename(weights))) });
        shipped.push(name);
      }
      // The page reads this first, so a model that is not there is never requested.
      this.emitFile({ type: 'asset', fileName: 'emotebot-models/index.json', source: JSON.stringify({ models: shipped }) + '\n' });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./src/web/', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [faceModels()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or data: modules: the page runs under script-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 2600,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
});
