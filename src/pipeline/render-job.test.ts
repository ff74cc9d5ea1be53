import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExpressionRig } from '../core/rig.ts';
import { createCharacterRenderer } from '../render/character-renderer.ts';
import { minimumDuration, runRenderJob } from './render-job.ts';

describe('runRenderJob', () => {
  const renderer = createCharacterRenderer(64, createExpressionRig());

  it('stops between frames when interrupted and leaves no file behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-job-'));
    const out = path.join(dir, 'clip.gif');
    const stop = new AbortController();
    const job = runRenderJob({
      renderer, targets: [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: null }], out, fps: 30, duration: 3, seed: 1, idle: 0.5, signal: stop.signal,
      onProgress: (done) => { if (done === 10) stop.abort(); },
    });
    await expect(job).rejects.toThrow(/interrupted/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes one frame per 1/fps of the duration', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-job-'));
    const r = await runRenderJob({ renderer, targets: [{ weights: { sad: 1 }, intensity: 1, start: 0, duration: null }], out: path.join(dir, 'c.webm'), fps: 15, duration: 2, seed: 1, idle: 0 });
    expect(r.frames).toBe(30);
  });

  it('a sequence gets a clip long enough to show every target and return', () => {
    const d = minimumDuration([
      { weights: { happy: 1 }, intensity: 1, start: 0, duration: 2 },
      { weights: { sad: 1 }, intensity: 1, start: 2, duration: null },
    ]);
    expect(d).toBeGreaterThan(4);
  });
});
