/**
 * The EmoteBot page in a real browser (Debian's Chromium through playwright-core): the page
 * is built with Vite's API into a fresh folder, served by the page server on a free port, and
 * driven like a user would. Screenshots go to reports/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/core/emotions.ts';
import { buildWeb } from '../../src/server/build.ts';
import { startPageServer, type PageServer } from '../../src/server/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve('reports/screenshots');
/** Long enough for any onset (at most 0.55 s plus lags) to finish. */
const SETTLE_MS = 1200;

interface Box { x: number; y: number; width: number; height: number }

async function rgba(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Fraction of pixels in `box` (page pixels) whose colour differs by more than 8 in any channel. */
async function changed(a: Buffer, b: Buffer, box: Box): Promise<number> {
  const [A, B] = [await rgba(a), await rgba(b)];
  expect(A.width).toBe(B.width);
  let diff = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(A.height, box.y + box.height); y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(A.width, box.x + box.width); x++) {
      const i = (y * A.width + x) * 4;
      n++;
      if (Math.max(Math.abs(A.data[i]! - B.data[i]!), Math.abs(A.data[i + 1]! - B.data[i + 1]!), Math.abs(A.data[i + 2]! - B.data[i + 2]!)) > 8) diff++;
    }
  }
  return n === 0 ? 0 : diff / n;
}

describe('the EmoteBot page in Chromium', () => {
  let tmp: string;
  let server: PageServer;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install the Debian package (apt-get install chromium); ./setup.sh does it`);
    }
    tmp = await mkdtemp(path.join(os.tmpdir(), 'emotebot-e2e-'));
    const web = path.join(tmp, 'web');
    await buildWeb(web);
    server = await startPageServer({ root: web, port: 0 });
    origin = new URL(server.url).origin;
    await mkdir(SHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      headless: true,
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin + '/') && !u.startsWith('data:')) foreignRequests.push(u);
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // Still face (no idle motion, no blinks): only the triggers change the pixels.
    await page.goto(`${server.url}?idle=0&blinks=0&seed=1`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForFunction(() => Number(document.querySelector('canvas')?.dataset.frames ?? 0) > 10);
    // blinks=0 still lets one blink through in the first 3.6 s (BlinkSchedule schedules its first
    // blink before it looks at the rate): wait until it is over.
    await page.waitForFunction(() => Number(document.querySelector('canvas')?.dataset.time ?? 0) > 4.2, undefined, { timeout: 20_000 });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const faceBox = async (): Promise<Box> => {
    const box = await page.locator('#face').boundingBox();
    if (!box) throw new Error('no canvas on the page');
    return box;
  };
  /** Page background left of the face, away from every control. */
  const backgroundBox = async (): Promise<Box> => {
    const f = await faceBox();
    return { x: 0, y: 0, width: Math.max(1, f.x - 20), height: 800 };
  };
  const shot = async (name: string): Promise<Buffer> => {
    const png = await page.screenshot({ fullPage: false });
    await writeFile(path.join(SHOTS, `${name}.png`), png);
    return png;
  };

  it('loads with a drawn face, a frame-rate readout, no console errors and no foreign requests', async () => {
    await expect.poll(() => page.locator('#fps').textContent(), { timeout: 5000 }).toMatch(/^\d+ fps$/);
    const size = await page.locator('#face').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(size).toEqual([512, 512]);
    await page.waitForTimeout(400);
    const a = await shot('page-neutral');
    await page.waitForTimeout(400);
    const b = await shot('page-neutral-later');
    expect(await changed(a, b, await faceBox())).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('typing "happy" + Enter moves the face, not the page background', async () => {
    const before = await shot('page-before-happy');
    await page.locator('#say').fill('happy');
    await page.locator('#say').press('Enter');
    await page.waitForTimeout(SETTLE_MS);
    const after = await shot('page-happy');
    expect(await changed(before, after, await faceBox())).toBeGreaterThan(0.01);
    expect(await changed(before, after, await backgroundBox())).toBe(0);
    await expect.poll(() => page.locator('#messages').textContent()).toContain('happy');
  });

  it('every emotion button changes the face', async () => {
    const box = await faceBox();
    let previous = await page.screenshot();
    const seen: Buffer[] = [];
    for (const e of EMOTIONS) {
      await page.locator(`button[data-emotion="${e}"]`).click();
      await page.waitForTimeout(SETTLE_MS);
      const now = await shot(`emotion-${e}`);
      expect(await page.locator(`button[data-emotion="${e}"]`).getAttribute('aria-pressed')).toBe('true');
      expect(await changed(previous, now, box), `${e} changes the face`).toBeGreaterThan(0.005);
      for (const other of seen) expect(await changed(other, now, box), `${e} differs from the earlier faces`).toBeGreaterThan(0.002);
      seen.push(now);
      previous = now;
    }
  });

  it('the intensity slider scales the expression', async () => {
    await page.locator('button[data-emotion="surprised"]').click();
    await page.waitForTimeout(SETTLE_MS);
    const full = await page.screenshot();
    await page.locator('#intensity').fill('30');
    await page.waitForTimeout(SETTLE_MS);
    const weak = await shot('surprised-30');
    expect(await page.locator('#intensity-value').textContent()).toBe('30%');
    expect(await changed(full, weak, await faceBox())).toBeGreaterThan(0.005);
    await page.locator('#intensity').fill('100');
  });

  it("shows the parser's messages", async () => {
    await page.locator('#say').fill('hapy');
    await page.locator('#say').press('Enter');
    await expect.poll(() => page.locator('#messages').textContent()).toMatch(/happy/i);
    await page.locator('#say').fill('qqqq zzzz');
    await page.locator('#say').press('Enter');
    await expect.poll(() => page.locator('#messages').textContent()).toMatch(/neutral/i);
    await shot('page-messages');
  });

  it('the photo choice says photo support comes next', async () => {
    await page.locator('#face-choice').selectOption('mona-lisa');
    await expect.poll(() => page.locator('#face-note').textContent()).toMatch(/Photo support comes next/);
    expect(await page.locator('#face-note').isVisible()).toBe(true);
  });

  it('ends with no console errors and no requests outside the origin', () => {
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
