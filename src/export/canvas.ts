/**
 * Pictures of figures and renders (Node, @napi-rs/canvas): the blank white canvas every report
 * picture starts from.
 */
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';

/** A width x height canvas filled white, and its 2D context. */
export function whiteCanvas(width: number, height: number): { canvas: Canvas; ctx: SKRSContext2D } {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}
