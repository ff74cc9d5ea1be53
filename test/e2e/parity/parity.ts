/**
 * Test page: renders one frame of a photo with the page's WebGL2 renderer and returns the
 * pixels, so the browser test can compare them with the CPU renderer's frame in Node.
 */
import { createExpressionRig } from '../../../src/core/rig.ts';
import type { FrameState } from '../../../src/motion/animator.ts';
import { createWebGlPhotoRenderer } from '../../../src/render/webgl-photo.ts';

declare global {
  interface Window {
    renderGl(rgba: number[], size: number, mesh: number[], frame: FrameState, detail?: { size: number; shading: number[] }, mouth?: { cols: number; rows: number; bins: number; openness: number[]; rgb: number[] }, bitmap?: boolean): Promise<number[]>;
  }
}

window.renderGl = async (rgba, size, mesh, frame, detail, mouth, bitmap) => {
  const canvas = document.getElementById('c') as HTMLCanvasElement;
  canvas.width = size;
  canvas.height = size;
  const gl = canvas.getContext('webgl2', { alpha: false, antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: true });
  if (!gl) throw new Error('no WebGL2');
  const data = new ImageData(new Uint8ClampedArray(rgba), size, size);
  // With `bitmap`, the photo as the page hands it over (an ImageBitmap from the analysis worker),
  // so what the renderer reads from its pixels (the eyes) goes through a canvas.
  const image = bitmap ? await createImageBitmap(data) : data;
  const map = detail ? { size: detail.size, shading: Float32Array.from(detail.shading) } : null;
  const table = mouth ? { ...mouth, openness: Float32Array.from(mouth.openness), rgb: Float32Array.from(mouth.rgb) } : undefined;
  // With a mouth: a first frame drawn with a darker table, then the source gives the real one (as
  // a frame whose emotions moved does), so the pixels read back also show that the renderer
  // uploads a new table when its source hands one over.
  let calls = 0;
  const dark = table ? { ...table, rgb: table.rgb.map((x) => x * 0.3) } : undefined;
  const mouthSource = table && dark ? { tableFor: () => (calls++ === 0 ? dark : table) } : undefined;
  const r = createWebGlPhotoRenderer(gl, { image, width: size, height: size, mesh }, createExpressionRig(), { ...(map ? { detail: { name: 'test', detailFor: () => map } } : {}), ...(mouthSource ? { mouth: mouthSource } : {}) });
  const f = { ...frame, code: Float64Array.from(frame.code as unknown as number[]) };
  r.render(f);
  if (mouthSource) {
    r.render(f);
    if (calls !== 2) throw new Error(`the renderer asked its mouth source ${calls} times for two frames`);
  }
  const out = new Uint8Array(size * size * 4);
  gl.readPixels(0, 0, size, size, gl.RGBA, gl.UNSIGNED_BYTE, out);
  r.dispose();
  // readPixels starts at the bottom row: flip to top-first like every other raster here.
  const flipped: number[] = new Array(out.length);
  for (let y = 0; y < size; y++) for (let x = 0; x < size * 4; x++) flipped[y * size * 4 + x] = out[(size - 1 - y) * size * 4 + x]!;
  return flipped;
};
document.body.dataset.ready = 'true';
