/**
 * Reading photos from disk with clear errors: missing file, not an image, truncated file,
 * too many pixels (checked from the header, before decoding).
 */
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { EmoteBotError } from '../core/errors.ts';
import { MAX_PHOTO_PIXELS } from './crop.ts';
import type { RasterImage } from './types.ts';

/** 40 megapixels: a large phone photo is about 12-50; anything above is refused before decoding. */
export const DEFAULT_MAX_PIXELS = MAX_PHOTO_PIXELS;
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

export async function readImageFile(path: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<RasterImage> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new EmoteBotError('not-found', `${path} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof EmoteBotError) throw e;
    throw new EmoteBotError('not-found', `cannot open ${path}: no such file`);
  }
  if (size === 0) throw new EmoteBotError('not-an-image', `${path} is empty, not an image`);
  if (size > MAX_FILE_BYTES) throw new EmoteBotError('too-large', `${path} is ${(size / 2 ** 20).toFixed(0)} MB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MB`);
  return decodeImage(await readFile(path), path, maxPixels);
}

export async function decodeImage(bytes: Uint8Array, name = 'image', maxPixels = DEFAULT_MAX_PIXELS): Promise<RasterImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new EmoteBotError('not-an-image', `${name} is not an image EmoteBot can read (use JPEG, PNG or WebP)`);
  }
  if (!meta.format || !FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new EmoteBotError('not-an-image', `${name} is not an image EmoteBot can read (use JPEG, PNG or WebP)`);
  }
  const pixels = meta.width * meta.height;
  if (pixels > maxPixels) {
    throw new EmoteBotError('too-large', `${name} is ${meta.width}x${meta.height} (${(pixels / 1e6).toFixed(1)} MP); the limit is ${(maxPixels / 1e6).toFixed(0)} MP`);
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels })
      .rotate() // honour EXIF orientation
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new EmoteBotError('unreadable', `${name} could not be decoded (truncated or corrupt file: ${why})`);
  }
}
