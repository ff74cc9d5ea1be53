/**
 * The page's figures in headless Chromium (software WebGL): frames per second over 5 s of
 * continuous emotion changes at 512x512, main-thread milliseconds per frame (p50, p95: the
 * frame callback's own work, measured in the page), trigger-to-first-changed-frame latency in
 * frames, and photo-to-first-frame time in the page (models loaded cold, then warm).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildWeb } from '../src/server/build.ts';
import { startPageServer } from '../src/server/server.ts';

export interface BenchRow { name: string; value: number; unit: string; target: string }

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const EMOTION_CYCLE = ['happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted', 'contempt', 'neutral'];

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export async function benchPage(seconds = 5): Promise<BenchRow[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'emotebot-page-bench-'));
  const rows: BenchRow[] = [];
  try {
    const web = path.join(tmp, 'web');
    await buildWeb(web);
    const server = await startPageServer({ root: web, port: 0 });
    const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { headless: true, executablePath: '/usr/bin/chromium', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, args: ARGS });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      await page.goto(`${server.url}?stats=1&seed=1`);
      await page.waitForSelector('body[data-ready="true"]');
      for (const face of ['bot', 'photo'] as const) {
        if (face === 'photo') {
          const t0 = performance.now();
          await page.locator('#face-choice').selectOption('mona-lisa');
          await page.waitForFunction(() => (document.querySelector('#stage') as HTMLElement).dataset.face === 'photo' && (document.querySelector('#stage') as HTMLElement).dataset.busy === undefined, undefined, { timeout: 60_000 });
          rows.push({ name: 'page: bundled photo to first frame, cold (worker + models + analysis)', value: performance.now() - t0, unit: 'ms', target: '< 2000 ms' });
        }
        await page.waitForTimeout(1000);
        // Emotion changes every 250 ms for `seconds`, clicked from inside the page (no driver latency).
        const result = await page.evaluate(async ({ seconds, cycle }) => {
          const stats = window.emotebotStats!;
          const before = stats();
          const t0 = performance.now();
          let k = 0;
          await new Promise<void>((resolve) => {
            const timer = setInterval(() => {
              (document.querySelector(`button[data-emotion="${cycle[k++ % cycle.length]}"]`) as HTMLButtonElement).click();
              if (performance.now() - t0 >= seconds * 1000) { clearInterval(timer); resolve(); }
            }, 250);
          });
          const after = stats();
          const frames = after.frames - before.frames;
          return { fps: frames / ((performance.now() - t0) / 1000), work: after.workMs.slice(-frames), latency: after.latencyFrames.slice(-(k - 1)) };
        }, { seconds, cycle: EMOTION_CYCLE });
        const label = face === 'bot' ? 'character (Canvas 2D)' : 'photo (WebGL2)';
        rows.push({ name: `page: ${label}, frames/s over ${seconds} s of emotion changes`, value: result.fps, unit: 'frames/s', target: '>= 55 frames/s' });
        rows.push({ name: `page: ${label}, main-thread ms per frame p50`, value: quantile(result.work, 0.5), unit: 'ms', target: '-' });
        rows.push({ name: `page: ${label}, main-thread ms per frame p95`, value: quantile(result.work, 0.95), unit: 'ms', target: '< 8 ms' });
        rows.push({ name: `page: ${label}, trigger to first changed frame (max of ${result.latency.length})`, value: Math.max(...result.latency), unit: 'frames', target: '1 frame' });
      }
    } finally {
      await ctx.close();
      await server.close();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchPage()) console.log(r.name, r.value.toFixed(2), r.unit, r.target);
}
