/**
 * Photos in the EmoteBot page, in Debian's Chromium: the bundled Mona Lisa, a dropped photo,
 * the file picker, a webcam snapshot (Chromium's fake camera), files that cannot be animated,
 * and the Download of the current animation as GIF and WebM, made in the page.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changed, faceBox, framesAdvance, openPage, SETTLE_MS, type Box, type Harness } from './harness.ts';

const MONA = path.resolve(import.meta.dirname, '../fixtures/mona-lisa.jpg');

describe('photos in the EmoteBot page', () => {
  let h: Harness;
  let monaSurprised: Buffer | undefined;
  let page: Harness['page'];

  beforeAll(async () => {
    h = await openPage('?idle=0&blinks=0&seed=1', ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    page = h.page;
  });
  afterAll(async () => {
    await h?.close();
  });

  const photoShown = (): Promise<unknown> => page.waitForFunction(() => {
    const stage = document.querySelector('#stage') as HTMLElement | null;
    return stage?.dataset.face === 'photo' && stage.dataset.busy === undefined;
  }, undefined, { timeout: 60_000 });
  const messages = (): Promise<string | null> => page.locator('#messages').textContent();
  /** A corner of the face square, outside the warp ring: the photo's background there never moves. */
  const corner = async (): Promise<Box> => {
    const f = await faceBox(page);
    return { x: f.x + 8, y: f.y + 8, width: 70, height: 70 };
  };
  /** The middle of the face square, where the face is. */
  const middle = async (): Promise<Box> => {
    const f = await faceBox(page);
    return { x: f.x + f.width * 0.3, y: f.y + f.height * 0.3, width: f.width * 0.4, height: f.height * 0.45 };
  };
  const drop = async (bytes: Buffer, name: string, type: string): Promise<void> => {
    const dt = await page.evaluateHandle(({ b64, name, type }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bin], name, { type }));
      return data;
    }, { b64: bytes.toString('base64'), name, type });
    await page.dispatchEvent('#stage', 'drop', { dataTransfer: dt });
  };

  it('the bundled Mona Lisa is analysed in the page and comes alive', async () => {
    await page.locator('#face-choice').selectOption('mona-lisa');
    await photoShown();
    expect(await messages()).toMatch(/Animating the Mona Lisa/);
    expect(await page.locator('#face-photo').isVisible()).toBe(true);
    await page.waitForTimeout(300);
    const before = await h.shot('photo-mona-neutral');
    await page.locator('button[data-emotion="happy"]').click();
    await page.waitForTimeout(SETTLE_MS);
    const after = await h.shot('photo-mona-happy');
    expect(await changed(before, after, await middle())).toBeGreaterThan(0.01);
    expect(await changed(before, after, await corner())).toBe(0);
    await page.locator('button[data-emotion="surprised"]').click();
    await page.waitForTimeout(SETTLE_MS);
    const surprised = await h.shot('photo-mona-surprised');
    expect(await changed(after, surprised, await middle())).toBeGreaterThan(0.01);
    monaSurprised = surprised;
  });

  it('draws the learned mouth interior by default and the hand-drawn one with ?mouth=procedural', async () => {
    expect(await page.locator('#stage').getAttribute('data-mouth')).toBe('learned');
    // The same page, seed and triggers (so the same codes) with the procedural interior.
    const other = await h.context.newPage();
    try {
      await other.goto(`${h.server.url}?idle=0&blinks=0&seed=1&mouth=procedural`);
      await other.waitForSelector('body[data-ready="true"]');
      expect(await other.locator('#stage').getAttribute('data-mouth')).toBe('procedural');
      await other.locator('#face-choice').selectOption('mona-lisa');
      await other.waitForFunction(() => {
        const stage = document.querySelector('#stage') as HTMLElement | null;
        return stage?.dataset.face === 'photo' && stage.dataset.busy === undefined;
      }, undefined, { timeout: 60_000 });
      for (const e of ['happy', 'surprised']) {
        await other.locator(`button[data-emotion="${e}"]`).click();
        await other.waitForTimeout(SETTLE_MS);
      }
      const procedural = await other.screenshot({ fullPage: false });
      const box = await faceBox(other);
      // Only the open mouth differs: a small part of the face, nothing in the corner.
      const face = { x: box.x + box.width * 0.3, y: box.y + box.height * 0.3, width: box.width * 0.4, height: box.height * 0.45 };
      const share = await changed(monaSurprised!, procedural, face);
      expect(share).toBeGreaterThan(0.002);
      expect(share).toBeLessThan(0.2);
      expect(await changed(monaSurprised!, procedural, { x: box.x + 8, y: box.y + 8, width: 70, height: 70 })).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('the character and the photo swap without losing the animation', async () => {
    await page.locator('#face-choice').selectOption('bot');
    await framesAdvance(page, 3);
    expect(await page.locator('#face-photo').isVisible()).toBe(false);
    const bot = await h.shot('photo-back-to-bot');
    await page.locator('#face-choice').selectOption('mona-lisa');
    await photoShown();
    await framesAdvance(page, 3);
    const mona = await h.shot('photo-mona-again');
    expect(await changed(bot, mona, await middle())).toBeGreaterThan(0.3);
  });

  it('a dropped photo is animated', async () => {
    await page.locator('button[data-emotion="neutral"]').click();
    await page.waitForTimeout(SETTLE_MS);
    // The Mona Lisa mirrored, so the dropped photo differs from the bundled one.
    const mirrored = await sharp(await readFile(MONA)).flop().jpeg().toBuffer();
    const before = await h.shot('photo-before-drop');
    await drop(mirrored, 'portrait.jpg', 'image/jpeg');
    await expect.poll(messages, { timeout: 60_000 }).toMatch(/Animating portrait\.jpg/);
    expect(await messages()).not.toMatch(/hard to read/);
    await photoShown();
    await framesAdvance(page, 3);
    const dropped = await h.shot('photo-dropped');
    expect(await changed(before, dropped, await middle())).toBeGreaterThan(0.05);
    expect(await page.locator('#face-choice').inputValue()).toBe('photo');
    await page.locator('#say').fill('very angry');
    await page.locator('#say').press('Enter');
    await page.waitForTimeout(SETTLE_MS);
    const angry = await h.shot('photo-dropped-angry');
    expect(await changed(dropped, angry, await middle())).toBeGreaterThan(0.005);
    expect(await changed(dropped, angry, await corner())).toBe(0);
  });

  it('a headshot that fills the frame is found and animated', async () => {
    // A square of the Mona Lisa cut at her chin and forehead, enlarged to 350x350: found only
    // because the worker detects on a grey border, as the command line and the training data do.
    const tight = await sharp(await readFile(MONA)).extract({ left: 237, top: 235, width: 170, height: 170 }).resize(350, 350).jpeg({ quality: 92 }).toBuffer();
    await drop(tight, 'headshot.jpg', 'image/jpeg');
    await expect.poll(messages, { timeout: 60_000 }).toMatch(/Animating headshot\.jpg/);
    await photoShown();
    await framesAdvance(page, 3);
    const still = await h.shot('photo-headshot');
    await page.locator('button[data-emotion="happy"]').click();
    await page.waitForTimeout(SETTLE_MS);
    const happy = await h.shot('photo-headshot-happy');
    expect(await changed(still, happy, await middle())).toBeGreaterThan(0.01);
  });

  it('a face the detector reads differently in a mirror is animated with a warning', async () => {
    // The painting turned 60 degrees: the mesh lands across her cheek (face/photo.test.ts).
    const turned = await sharp(await readFile(MONA)).extract({ left: 200, top: 150, width: 280, height: 320 }).rotate(60, { background: '#808080' }).jpeg({ quality: 92 }).toBuffer();
    await drop(turned, 'turned.jpg', 'image/jpeg');
    await expect.poll(messages, { timeout: 60_000 }).toMatch(/Animating turned\.jpg/);
    expect(await messages()).toMatch(/The face is hard to read in this photo, so the mouth and eyes may be drawn in the wrong place/);
    await photoShown();
  });

  it('a file that is not an image gets a clear message and the page keeps animating', async () => {
    await drop(Buffer.from('name,emotion\nann,happy\n'), 'notes.csv', 'text/csv');
    await expect.poll(messages, { timeout: 30_000 }).toMatch(/not a picture this browser can read/);
    await h.shot('photo-not-an-image');
    expect(await page.locator('#messages li.error').count()).toBe(1);
    // Still the photo from before, still animating, still answering triggers.
    expect(await page.locator('#stage').getAttribute('data-face')).toBe('photo');
    const before = await page.screenshot();
    await page.locator('button[data-emotion="surprised"]').click();
    await page.waitForTimeout(SETTLE_MS);
    expect(await changed(before, await page.screenshot(), await middle())).toBeGreaterThan(0.005);
  });

  it('a picture with no face (file picker) gets a clear message', async () => {
    const blank = path.join(h.tmp, 'wall.png');
    await writeFile(blank, await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 180, g: 170, b: 160 } } }).png().toBuffer());
    await page.locator('#photo-file').setInputFiles(blank);
    await expect.poll(messages, { timeout: 60_000 }).toMatch(/No face was found/);
    expect(await page.locator('#stage').getAttribute('data-face')).toBe('photo');
    await framesAdvance(page, 5);
  });

  it('a webcam snapshot is analysed (the fake camera shows no face: a clear message)', async () => {
    await page.locator('#webcam').click();
    await expect.poll(() => page.locator('#webcam-panel').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.waitForFunction(() => ((document.querySelector('#webcam-video') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, undefined, { timeout: 20_000 });
    await h.shot('photo-webcam');
    await page.locator('#snap').click();
    await expect.poll(messages, { timeout: 60_000 }).toMatch(/No face was found/);
    expect(await page.locator('#webcam-panel').isVisible()).toBe(false);
  });

  for (const format of ['gif', 'webm'] as const) {
    it(`Download saves the current animation as ${format.toUpperCase()}, made in the page`, async () => {
      await page.locator('#face-choice').selectOption('mona-lisa');
      await photoShown();
      await page.locator('button[data-emotion="happy"]').click();
      await page.locator('#download-format').selectOption(format);
      const pending = page.waitForEvent('download', { timeout: 120_000 });
      await page.locator('#download').click();
      const download = await pending;
      expect(download.suggestedFilename()).toBe(`emotebot-happy.${format}`);
      const file = path.join(h.downloads, download.suggestedFilename());
      await download.saveAs(file);
      const bytes = await readFile(file);
      if (format === 'gif') expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
      else expect(bytes.readUInt32BE(0)).toBe(0x1a45dfa3);
      const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file], { encoding: 'utf8' })) as { streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[] };
      const s = probe.streams[0]!;
      expect(s.codec_name).toMatch(format === 'gif' ? /^gif$/ : /^vp[89]$/);
      expect(Number(s.nb_read_frames)).toBeGreaterThanOrEqual(format === 'gif' ? 50 : 80);
      expect(await messages()).toMatch(new RegExp(`Saved emotebot-happy\\.${format}`));
    });
  }

  it('ends with no console errors and no requests outside the origin', () => {
    expect(h.consoleErrors).toEqual([]);
    expect(h.foreignRequests).toEqual([]);
  });
});
