/**
 * Entry of the EmoteBot page: finds the page's elements, wires the services (photo analysis
 * worker, clip encoders, the bundled Mona Lisa) and starts the app (the only root of state in
 * the page).
 */
import { startApp, type App, type AppElements } from './app.ts';
import monaLisaUrl from './assets/mona-lisa.jpg';
import { pageOptions } from './options.ts';
import { loadPageModels } from './models.ts';
import { createPhotoAnalyser } from './photo-client.ts';
import { createClipEncoder } from './recorder.ts';

const CANVAS_CSS_SIZE = 512;

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`The page is missing #${id}.`);
  return el;
}

declare global {
  interface Window {
    /** Frame statistics for the benchmark (only with ?stats=1). */
    emotebotStats?: App['stats'];
  }
}

async function main(): Promise<void> {
  const elements: AppElements = {
    canvas: byId('face', HTMLCanvasElement),
    photoCanvas: byId('face-photo', HTMLCanvasElement),
    stage: byId('stage', HTMLElement),
    form: byId('say-form', HTMLFormElement),
    input: byId('say', HTMLInputElement),
    emotions: byId('emotions', HTMLElement),
    intensity: byId('intensity', HTMLInputElement),
    intensityOut: byId('intensity-value', HTMLOutputElement),
    fps: byId('fps', HTMLElement),
    messages: byId('messages', HTMLElement),
    face: byId('face-choice', HTMLSelectElement),
    file: byId('photo-file', HTMLInputElement),
    webcam: byId('webcam', HTMLButtonElement),
    webcamPanel: byId('webcam-panel', HTMLElement),
    webcamVideo: byId('webcam-video', HTMLVideoElement),
    snap: byId('snap', HTMLButtonElement),
    snapCancel: byId('snap-cancel', HTMLButtonElement),
    download: byId('download', HTMLButtonElement),
    downloadFormat: byId('download-format', HTMLSelectElement),
  };
  // Sharp on high-density screens: the backing store follows the device pixel ratio.
  const dpr = Math.min(Math.max(window.devicePixelRatio || 1, 1), 2);
  for (const c of [elements.canvas, elements.photoCanvas]) {
    c.width = Math.round(CANVAS_CSS_SIZE * dpr);
    c.height = Math.round(CANVAS_CSS_SIZE * dpr);
  }
  const base = document.baseURI;
  const analyser = createPhotoAnalyser({
    modelBasePath: new URL('models/', base).href,
    wasmPath: new URL('wasm/', base).href,
    createWorker: () => new Worker(new URL('./analyse-worker.ts', import.meta.url), { type: 'module', name: 'emotebot-photo-analysis' }),
  });
  const options = pageOptions(window.location.search);
  // A few kilobytes from the page's own files, checked against their manifests before the first frame.
  const models = await loadPageModels(base, options);
  elements.stage.dataset.models = `${models.expressions}+${models.motion}`;
  elements.stage.dataset.detail = models.detail;
  elements.stage.dataset.mouth = models.mouth;
  const app = startApp(elements, window, options, {
    analyser,
    models,
    monaLisaUrl,
    createClipEncoder,
    ...(navigator.mediaDevices ? { mediaDevices: navigator.mediaDevices } : {}),
  });
  if (new URLSearchParams(window.location.search).get('stats') === '1') window.emotebotStats = app.stats;
  document.body.dataset.ready = 'true';
}

main().catch((e: unknown) => {
  const msg = document.getElementById('messages');
  if (msg) msg.textContent = `EmoteBot could not start: ${e instanceof Error ? e.message : String(e)}`;
  throw e;
});
