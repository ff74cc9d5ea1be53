/**
 * Node-side rendering of the EmoteBot character with @napi-rs/canvas.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { FaceFeatures } from '../core/features.ts';
import { drawCharacter, type CharacterStyle } from './character.ts';

/** Renders the character into a size x size RGBA buffer (row-major, 4 bytes per pixel). */
export function renderCharacterRGBA(features: FaceFeatures, size: number, style?: CharacterStyle): Uint8ClampedArray {
  const n = Math.max(1, Math.round(Number.isFinite(size) ? size : 1));
  const canvas = createCanvas(n, n);
  const ctx = canvas.getContext('2d');
  drawCharacter(ctx as unknown as CanvasRenderingContext2D, features, n, style);
  const data = ctx.getImageData(0, 0, n, n).data;
  return new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
}
