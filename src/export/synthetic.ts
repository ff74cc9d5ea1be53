// Synthetic opaque RGBA frames for tests and benchmarks: a gradient background with a moving,
// gradient-filled square and a soft moving disc (smooth colour ramps stress GIF palettes and video codecs).

export function syntheticFrame(width: number, height: number, i: number, count: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  const rgba = out ?? new Uint8ClampedArray(width * height * 4);
  const t = count > 1 ? i / (count - 1) : 0;
  const side = Math.max(4, Math.round(Math.min(width, height) * 0.4));
  const sx = Math.round(t * (width - side));
  const sy = Math.round((height - side) * (0.5 - 0.5 * Math.cos(t * Math.PI)));
  const cx = width * (0.75 - 0.5 * t);
  const cy = height * 0.3;
  const r2 = (Math.min(width, height) * 0.18) ** 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r = (x / width) * 200 + 30;
      let g = (y / height) * 160 + 40;
      let b = 180 - (x / width) * 120;
      if (x >= sx && x < sx + side && y >= sy && y < sy + side) {
        r = 255 - ((x - sx) / side) * 120;
        g = 60 + ((y - sy) / side) * 150;
        b = 40 + t * 180;
      }
      const d2 = (x - cx) ** 2 + (y - cy) ** 2;
      if (d2 < r2) {
        const k = 1 - d2 / r2;
        r = r * (1 - k) + 250 * k;
        g = g * (1 - k) + 235 * k;
        b = b * (1 - k) + 90 * k;
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}
