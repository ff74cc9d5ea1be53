/**
 * The page's WebGL2 photo renderer draws the same face as the CPU renderer: the same photo
 * crop, mesh and frame go through both (WebGL in Chromium's SwiftShader, CPU in Node) and the
 * pixels must agree up to rasterisation and filtering differences.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_UNITS, createExpressionRig } from '../../src/core/rig.ts';
import { createHumanDetector } from '../../src/face/human-node.ts';
import { readImageFile } from '../../src/face/image.ts';
import { preparePhoto, type PreparedPhoto } from '../../src/face/photo.ts';
import type { FrameState } from '../../src/motion/animator.ts';
import { apexFrame } from '../../src/pipeline/render-job.ts';
import { type DetailMap, faceDetailMask } from '../../src/render/detail.ts';
import { readEyes } from '../../src/render/eyes.ts';
import { fixedMouth, type MouthTable } from '../../src/render/mouth-interior.ts';
import { createPhotoRenderer } from '../../src/render/photo-renderer.ts';
import { startPageServer, type PageServer } from '../../src/server/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, SHOTS } from './harness.ts';

const SIZE = 256;
const MONA = path.resolve(import.meta.dirname, '../fixtures/mona-lisa.jpg');

describe('WebGL2 and CPU photo renderers agree', () => {
  let tmp: string;
  let server: PageServer;
  let context: BrowserContext;
  let page: Page;
  let photo: PreparedPhoto;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'emotebot-parity-'));
    const out = path.join(tmp, 'web');
    await build({ configFile: false, root: path.resolve(import.meta.dirname, 'parity'), base: './', logLevel: 'warn', build: { outDir: out, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } } });
    server = await startPageServer({ root: out, port: 0 });
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { headless: true, executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    const det = await createHumanDetector();
    photo = await preparePhoto(await readImageFile(MONA), det, SIZE);
    det.dispose();
  });
  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  // A stripy detail map (up to ±0.5 in ln-luminance) inside the face mask.
  const DS = 64;
  const mask = faceDetailMask(DS);
  const stripes: DetailMap = { size: DS, shading: Float32Array.from(mask, (m, i) => m * 0.5 * Math.sin((i % DS) * 0.6) * Math.cos(Math.floor(i / DS) * 0.45)) };
  // A mouth table with strong structure (bright teeth band, a red-green ramp along the mouth), two bins.
  const MC = 8, MR = 4;
  const mouthTable: MouthTable = {
    cols: MC, rows: MR, bins: 2, openness: Float32Array.from([0.05, 0.4]),
    rgb: Float32Array.from({ length: 2 * MR * MC * 3 }, (_, k) => {
      const cell = Math.floor(k / 3), c = k % 3, bin = Math.floor(cell / (MR * MC)), j = Math.floor((cell % (MR * MC)) / MC), i = cell % MC;
      return j === 0 ? 1.3 : (c === 0 ? 0.2 + 0.6 * (i / (MC - 1)) : c === 1 ? 0.1 + 0.3 * bin : 0.15);
    }),
  };
  // Surprise with the upper lids fully raised (AU5 = 1): the eyes widen, so the eye pass (render/eyes.ts) draws sclera above the iris.
  const wide = apexFrame([{ weights: { surprised: 1 }, intensity: 1, start: 0, duration: null }]);
  wide.code[ACTION_UNITS.indexOf('AU5')] = 1;
  const frames: [string, FrameState, DetailMap?, MouthTable?, 'eyes'?][] = [
    ['neutral', apexFrame([])],
    ['happy', apexFrame([{ weights: { happy: 1 }, intensity: 1, start: 0, duration: null }])],
    ['surprised', apexFrame([{ weights: { surprised: 1 }, intensity: 1, start: 0, duration: null }])],
    ['blink, head turned', { ...apexFrame([{ weights: { sad: 1 }, intensity: 0.7, start: 0, duration: null }]), blinkLeft: 1, blinkRight: 1, pose: { yaw: 0.08, pitch: -0.04, roll: 0.03, lift: 0.01, gazeX: 0, gazeY: 0 } }],
    ['surprised with detail', apexFrame([{ weights: { surprised: 1 }, intensity: 1, start: 0, duration: null }]), stripes],
    ['surprised with the learned mouth', apexFrame([{ weights: { surprised: 1 }, intensity: 1, start: 0, duration: null }]), undefined, mouthTable],
    ['eyes wide open', wide, undefined, undefined, 'eyes'],
  ];

  for (const [name, frame, detail, mouth, eyes] of frames) {
    it(`${name}: the same pixels up to rasterisation`, async () => {
      const cpu = createPhotoRenderer(photo, createExpressionRig(), { ...(detail ? { detail: { name: 'test', detailFor: () => detail } } : {}), ...(mouth ? { mouth: fixedMouth(mouth) } : {}) }).render(frame);
      // Pixels the learned interior paints (else this case would compare two procedural frames).
      const mouthPixels: number[] = [];
      if (mouth) {
        const plain = createPhotoRenderer(photo, createExpressionRig()).render(frame);
        for (let i = 0; i < cpu.length; i += 4) if (Math.abs(cpu[i]! - plain[i]!) > 8) mouthPixels.push(i);
        expect(mouthPixels.length).toBeGreaterThan(100);
      }
      // Pixels the eye pass changes (else this case would compare two warped frames): the
      // photo's two eyes are read, and the widened lids show more eyeball than the warp does.
      const eyePixels: number[] = [];
      if (eyes) {
        expect(readEyes(photo.image, photo.mesh).filter((e) => e !== undefined)).toHaveLength(2);
        const warped = createPhotoRenderer(photo, createExpressionRig(), { eyes: false }).render(frame);
        for (let i = 0; i < cpu.length; i += 4) if (Math.max(Math.abs(cpu[i]! - warped[i]!), Math.abs(cpu[i + 1]! - warped[i + 1]!), Math.abs(cpu[i + 2]! - warped[i + 2]!)) > 8) eyePixels.push(i);
        expect(eyePixels.length).toBeGreaterThan(30);
      }
      if (detail) {
        // The detail changes the face (else this case would compare two plain frames); the mask
        // fades it out over a wide band towards the outline (render/detail.ts).
        const plain = createPhotoRenderer(photo, createExpressionRig()).render(frame);
        let changed = 0;
        for (let i = 0; i < cpu.length; i += 4) if (Math.abs(cpu[i]! - plain[i]!) > 8) changed++;
        expect(changed / (cpu.length / 4)).toBeGreaterThan(0.04);
      }
      // The eyes case hands the page an ImageBitmap, as the page's analysis does (its pixels read through a canvas).
      const gl = await page.evaluate(({ rgba, size, mesh, frame, detail, mouth, bitmap }) => window.renderGl(rgba, size, mesh, frame, detail, mouth, bitmap),
        { rgba: Array.from(photo.image.data), size: SIZE, mesh: Array.from(photo.mesh), frame: { ...frame, code: Array.from(frame.code) as unknown as Float64Array }, detail: detail ? { size: detail.size, shading: Array.from(detail.shading) } : undefined,
          mouth: mouth ? { cols: mouth.cols, rows: mouth.rows, bins: mouth.bins, openness: Array.from(mouth.openness), rgb: Array.from(mouth.rgb) } : undefined, bitmap: eyes === 'eyes' });
      expect(gl).toHaveLength(cpu.length);
      let sum = 0, far = 0, moved = 0;
      const base = photo.image.data;
      for (let i = 0; i < cpu.length; i += 4) {
        const d = Math.max(Math.abs(cpu[i]! - gl[i]!), Math.abs(cpu[i + 1]! - gl[i + 1]!), Math.abs(cpu[i + 2]! - gl[i + 2]!));
        sum += d;
        if (d > 40) far++;
        if (Math.abs(cpu[i]! - base[i]!) > 8) moved++;
      }
      const n = cpu.length / 4;
      const mean = sum / n;
      // Visual record: CPU | WebGL side by side.
      const pair = Buffer.alloc(SIZE * 2 * SIZE * 4);
      for (let y = 0; y < SIZE; y++) {
        Buffer.from(cpu.buffer, cpu.byteOffset + y * SIZE * 4, SIZE * 4).copy(pair, y * SIZE * 8);
        Buffer.from(Uint8Array.from(gl.slice(y * SIZE * 4, (y + 1) * SIZE * 4))).copy(pair, y * SIZE * 8 + SIZE * 4);
      }
      await writeFile(path.join(SHOTS, `parity-${name.replace(/[^a-z]+/g, '-')}.png`), await sharp(pair, { raw: { width: SIZE * 2, height: SIZE, channels: 4 } }).png().toBuffer());
      console.log(`parity ${name}: mean max-channel difference ${mean.toFixed(2)}, ${(100 * far / n).toFixed(2)}% of pixels differ by more than 40, ${(100 * moved / n).toFixed(1)}% moved from the photo`);
      expect(mean).toBeLessThan(2.5);
      expect(far / n).toBeLessThan(0.01);
      if (mouth) {
        // The page drew its second frame with the table its source handed over last (parity.ts):
        // inside the mouth too, the two renderers agree.
        const off = mouthPixels.filter((i) => Math.max(Math.abs(cpu[i]! - gl[i]!), Math.abs(cpu[i + 1]! - gl[i + 1]!), Math.abs(cpu[i + 2]! - gl[i + 2]!)) > 40).length;
        expect(off / mouthPixels.length).toBeLessThan(0.05);
      }
      if (eyes) {
        // Inside the eyes too: the page draws the eyeballs as the CPU does (a page without the
        // eye pass would miss every one of these pixels by more than 8).
        const off = eyePixels.filter((i) => Math.max(Math.abs(cpu[i]! - gl[i]!), Math.abs(cpu[i + 1]! - gl[i + 1]!), Math.abs(cpu[i + 2]! - gl[i + 2]!)) > 8).length;
        console.log(`parity ${name}: ${eyePixels.length} pixels drawn by the eye pass, ${off} of them differ by more than 8`);
        expect(off / eyePixels.length).toBeLessThan(0.1);
      }
    });
  }
});
