/**
 * Shared set-up of the browser tests: the page built with Vite's API into a fresh folder,
 * served by the page server on a free port, Debian's Chromium driven by playwright-core,
 * console errors and requests outside the origin collected, screenshots in reports/screenshots.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { buildWeb } from '../../src/server/build.ts';
import { startPageServer, type PageServer } from '../../src/server/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = path.resolve('reports/screenshots');
/** Long enough for any onset (at most 0.55 s plus lags) to finish. */
export const SETTLE_MS = 1200;

export interface Box { x: number; y: number; width: number; height: number }

export interface Harness {
  page: Page;
  context: BrowserContext;
  server: PageServer;
  origin: string;
  tmp: string;
  consoleErrors: string[];
  foreignRequests: string[];
  downloads: string;
  shot(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function openPage(query: string, extraArgs: string[] = []): Promise<Harness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install the Debian package (apt-get install chromium); ./setup.sh does it`);
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'emotebot-e2e-'));
  const web = path.join(tmp, 'web');
  await buildWeb(web);
  const server = await startPageServer({ root: web, port: 0 });
  const origin = new URL(server.url).origin;
  await mkdir(SHOTS, { recursive: true });
  const downloads = path.join(tmp, 'downloads');
  await mkdir(downloads);
  const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    headless: true,
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
    downloadsPath: downloads,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) foreignRequests.push(u);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => Number(document.querySelector('canvas')?.dataset.frames ?? 0) > 10);
  return {
    page, context, server, origin, tmp, consoleErrors, foreignRequests, downloads,
    async shot(name: string) {
      const png = await page.screenshot({ fullPage: false });
      await writeFile(path.join(SHOTS, `${name}.png`), png);
      return png;
    },
    async close() {
      await context.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

async function rgba(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Fraction of pixels in `box` (page pixels) whose colour differs by more than 8 in any channel. */
export async function changed(a: Buffer, b: Buffer, box: Box): Promise<number> {
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

/** The face's square on the page (both canvases share it). */
export async function faceBox(page: Page): Promise<Box> {
  const box = await page.locator('#stage .frame').boundingBox();
  if (!box) throw new Error('no face on the page');
  return box;
}

/** Waits until the page has drawn `n` more frames (the animation is running). */
export async function framesAdvance(page: Page, n: number): Promise<void> {
  const start = Number(await page.locator('#face').getAttribute('data-frames'));
  await page.waitForFunction((s) => Number(document.querySelector('#face')?.getAttribute('data-frames')) >= s, start + n, { timeout: 20_000 });
}
