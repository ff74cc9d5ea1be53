import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AU_COUNT } from '../core/rig.ts';
import type { FrameState } from '../motion/animator.ts';
import { loadPageModels, MODELS_PATH } from './models.ts';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
const BASE = 'http://emotebot.test/';
const SHIPPED = ['expression-gan', 'motion-gru', 'expression-detail', 'mouth-interior'];

/** The page's fetch, served from the repository's models/ (as the build copies them); `corrupt` flips a byte of that model's weights. */
function serveModels(corrupt?: string): void {
  vi.stubGlobal('fetch', async (url: URL | string) => {
    const rel = new URL(String(url)).pathname.replace(/^\//, '');
    if (!rel.startsWith(MODELS_PATH)) return new Response('', { status: 404 });
    const file = rel.slice(MODELS_PATH.length);
    if (file === 'index.json') return new Response(JSON.stringify({ models: SHIPPED }));
    try {
      const bytes = new Uint8Array(await readFile(path.join(MODELS, file)));
      if (corrupt && file.startsWith(`${corrupt}/`) && !file.endsWith('.json')) bytes[0] = bytes[0]! ^ 0xff;
      return new Response(bytes);
    } catch {
      return new Response('', { status: 404 });
    }
  });
}

const frame = (code: ArrayLike<number>): FrameState => ({ time: 0, code: Float64Array.from(code), blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } });

describe('the page\'s learned mouth interior', () => {
  afterEach(() => { vi.unstubAllGlobals(); });

  it('follows the frame\'s emotion: a surprised frame and a happy one get different tables, from the same model', async () => {
    serveModels();
    const m = await loadPageModels(BASE, { expressions: 'gan', motion: 'ease', detail: 'none' });
    expect(m.mouth).toBe('learned');
    const codeFor = m.codeFor!(1);
    const source = m.photoOptions(1).mouth!;
    const surprised = Float32Array.from(source.tableFor(frame(codeFor({ surprised: 1 }, 1))).rgb);
    const happy = Float32Array.from(source.tableFor(frame(codeFor({ happy: 1 }, 1))).rgb);
    const rest = Float32Array.from(source.tableFor(frame(new Float64Array(AU_COUNT))).rgb);
    const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + Math.abs(x - b[i]!), 0) / a.length;
    expect(meanAbs(surprised, happy)).toBeGreaterThan(0.05);
    expect(meanAbs(surprised, rest)).toBeGreaterThan(0.05);
    // The surprised mouths of the data are darker than the happy ones (teeth).
    const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(surprised)).toBeLessThan(mean(happy));
  });

  it('is the procedural interior when asked for, and with a note when the model fails its checks', async () => {
    serveModels();
    const asked = await loadPageModels(BASE, { expressions: 'rig', motion: 'ease', detail: 'none', mouth: 'procedural' });
    expect(asked.mouth).toBe('procedural');
    expect(asked.photoOptions(1).mouth).toBeUndefined();
    serveModels('mouth-interior');
    const broken = await loadPageModels(BASE, { expressions: 'rig', motion: 'ease', detail: 'none' });
    expect(broken.mouth).toBe('procedural');
    expect(broken.photoOptions(1).mouth).toBeUndefined();
    expect(broken.notes.join(' ')).toMatch(/mouth interior could not be loaded.*SHA-256/);
  });

  it('turns the eye pass off only when asked (?eyes=warp)', async () => {
    serveModels();
    expect((await loadPageModels(BASE, { expressions: 'rig', motion: 'ease', detail: 'none' })).photoOptions(1).eyes).toBeUndefined();
    const warp = await loadPageModels(BASE, { expressions: 'rig', motion: 'ease', detail: 'none', eyes: 'warp' });
    expect(warp.photoOptions(1).eyes).toBe(false);
    expect(warp.photoOptions(1).mouth).toBeDefined();
  });
});
