// Export benchmark: encode 150 frames (5 s at 30 fps) of a 512x512 synthetic moving image to GIF, MP4
// and WebM, timing createFrameWriter() .. close() (frames are generated beforehand and not timed).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFrameWriter, type ExportFormat } from './index.ts';
import { syntheticFrame } from './synthetic.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
}

const WIDTH = 512;
const HEIGHT = 512;
const FPS = 30;
const FRAMES = 150;

const TARGET_MS: Record<'gif' | 'mp4' | 'webm', number> = { gif: 5000, mp4: 3000, webm: 3000 };

export async function benchExport(): Promise<BenchResult[]> {
  const frames: Uint8ClampedArray[] = [];
  for (let i = 0; i < FRAMES; i++) frames.push(syntheticFrame(WIDTH, HEIGHT, i, FRAMES));
  const dir = await mkdtemp(join(tmpdir(), 'emotebot-bench-export-'));
  const results: BenchResult[] = [];
  try {
    for (const format of ['gif', 'mp4', 'webm'] as const satisfies readonly ExportFormat[]) {
      const path = join(dir, `bench.${format}`);
      const t0 = performance.now();
      const writer = await createFrameWriter(path, { width: WIDTH, height: HEIGHT, fps: FPS });
      try {
        for (const frame of frames) await writer.write(frame);
        await writer.close();
      } catch (err) {
        await writer.abort();
        throw err;
      }
      const ms = performance.now() - t0;
      const { size } = await stat(path);
      results.push({
        name: `export ${format} ${FRAMES}x${WIDTH}x${HEIGHT}@${FPS}`,
        value: Math.round(ms),
        unit: 'ms',
        target: `< ${TARGET_MS[format]}`,
      });
      results.push({ name: `export ${format} file size`, value: Math.round(size / 1024), unit: 'KiB', target: 'info' });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
