/**
 * The EmoteBot page in a real browser (Debian's Chromium through playwright-core): the page
 * is built with Vite's API into a fresh folder, served by the page server on a free port, and
 * driven like a user would. Screenshots go to reports/screenshots/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/core/emotions.ts';
import { changed, faceBox as stageBox, openPage, SETTLE_MS, type Box, type Harness } from './harness.ts';

describe('the EmoteBot page in Chromium', () => {
  let h: Harness;
  let page: Harness['page'];

  beforeAll(async () => {
    // Still face (no idle motion, no blinks): only the triggers change the pixels.
    h = await openPage('?idle=0&blinks=0&seed=1');
    page = h.page;
    // blinks=0 still lets one blink through in the first 3.6 s (BlinkSchedule schedules its first
    // blink before it looks at the rate): wait until it is over.
    await page.waitForFunction(() => Number(document.querySelector('canvas')?.dataset.time ?? 0) > 4.2, undefined, { timeout: 20_000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  const faceBox = (): Promise<Box> => stageBox(page);
  /** Page background left of the face, away from every control. */
  const backgroundBox = async (): Promise<Box> => {
    const f = await faceBox();
    return { x: 0, y: 0, width: Math.max(1, f.x - 20), height: 800 };
  };
  const shot = (name: string): Promise<Buffer> => h.shot(name);

  it('loads with a drawn face, a frame-rate readout, no console errors and no foreign requests', async () => {
    await expect.poll(() => page.locator('#fps').textContent(), { timeout: 5000 }).toMatch(/^\d+ fps$/);
    // The learned expressions and motion that ship in models/ are loaded and checked in the page.
    expect(await page.locator('#stage').getAttribute('data-models')).toBe('gan+gru');
    // The expression detail the shipped model recommends (its manifest) is on by default.
    const detailManifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/expression-detail/manifest.json'), 'utf8')) as { architecture: { recommended?: string } };
    expect(await page.locator('#stage').getAttribute('data-detail')).toBe(detailManifest.architecture.recommended ?? 'gan');
    const size = await page.locator('#face').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(size).toEqual([512, 512]);
    await page.waitForTimeout(400);
    const a = await shot('page-neutral');
    await page.waitForTimeout(400);
    const b = await shot('page-neutral-later');
    expect(await changed(a, b, await faceBox())).toBe(0);
    expect(h.consoleErrors).toEqual([]);
    expect(h.foreignRequests).toEqual([]);
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

  it('ends with no console errors and no requests outside the origin', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.foreignRequests).toEqual([]);
  });
});
