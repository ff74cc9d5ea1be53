import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPeakMemory } from '../bench/peak-memory.ts';

describe('the bench\'s peak memory of emotebot render (its own process)', () => {
  let dir = '';
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('runs the real command and reads the peak resident memory it reports as it exits', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'emotebot-peak-'));
    const out = path.join(dir, 'bot.png');
    const r = await renderPeakMemory(['--face', 'bot', '--say', 'happy', '--size', '128', '--out', out]);
    expect(r.error).toBeUndefined();
    // A Node process that loaded the CLI holds tens of megabytes at the least; the figure is in MB, not kB.
    expect(r.mb).toBeGreaterThan(20);
    expect(r.mb).toBeLessThan(64 * 1024);
    expect((await stat(out)).size).toBeGreaterThan(0);
  });

  it('reports the command\'s own peak, not that of the larger process that started it', async () => {
    // getrusage's maxRSS survives execve: a child forked from a 500 MB parent reported 500 MB.
    const ballast = Buffer.alloc(500 * 1024 * 1024, 1);
    expect(process.memoryUsage().rss / 1024 / 1024).toBeGreaterThan(500);
    const r = await renderPeakMemory(['--face', 'bot', '--say', 'happy', '--size', '64', '--out', path.join(dir || tmpdir(), 'ballast.png')]);
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(r.error).toBeUndefined();
    expect(r.mb).toBeGreaterThan(20);
    expect(r.mb).toBeLessThan(400);
  });

  it('gives the command\'s own reason, and no figure, when it fails', async () => {
    const r = await renderPeakMemory(['--face', path.join(tmpdir(), 'no-such-portrait.jpg'), '--out', path.join(tmpdir(), 'x.png')]);
    expect(Number.isNaN(r.mb)).toBe(true);
    expect(r.error).toMatch(/no-such-portrait\.jpg/);
  });
});
