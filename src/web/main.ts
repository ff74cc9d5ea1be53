/**
 * Entry of the EmoteBot page: finds the page's elements and starts the app (the only root of
 * state in the page).
 */
import { startApp, type AppElements } from './app.ts';
import { pageOptions } from './options.ts';

const CANVAS_CSS_SIZE = 512;

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`The page is missing #${id}.`);
  return el;
}

function main(): void {
  const elements: AppElements = {
    canvas: byId('face', HTMLCanvasElement),
    form: byId('say-form', HTMLFormElement),
    input: byId('say', HTMLInputElement),
    emotions: byId('emotions', HTMLElement),
    intensity: byId('intensity', HTMLInputElement),
    intensityOut: byId('intensity-value', HTMLOutputElement),
    fps: byId('fps', HTMLElement),
    messages: byId('messages', HTMLElement),
    face: byId('face-choice', HTMLSelectElement),
    faceNote: byId('face-note', HTMLElement),
  };
  // Sharp on high-density screens: the backing store follows the device pixel ratio.
  const dpr = Math.min(Math.max(window.devicePixelRatio || 1, 1), 3);
  elements.canvas.width = Math.round(CANVAS_CSS_SIZE * dpr);
  elements.canvas.height = Math.round(CANVAS_CSS_SIZE * dpr);
  startApp(elements, window, pageOptions(window.location.search));
  document.body.dataset.ready = 'true';
}

try {
  main();
} catch (e) {
  const msg = document.getElementById('messages');
  if (msg) msg.textContent = `EmoteBot could not start: ${e instanceof Error ? e.message : String(e)}`;
  throw e;
}
