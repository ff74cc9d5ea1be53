/**
 * A detection worker thread: loads its own Human detector, then answers jobs from src/data/pool.ts
 * one at a time. Started through worker-boot.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { createHumanDetector } from '../face/human-node.ts';
import { detectInImageBytes, detectInRaster } from './detect.ts';
import type { Detection } from './judge.ts';
import type { WorkerJob, WorkerReply, WorkerSetup } from './pool.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts runs in a worker thread');
const setup = workerData as WorkerSetup;
// One thread per worker: the pool already spreads work over the cores.
sharp.concurrency(1);

try {
  const detector = await createHumanDetector({ maxFaces: setup.maxFaces, minScore: 0 });
  port.on('message', (job: WorkerJob) => {
    void (async () => {
      let reply: WorkerReply;
      const transfer: ArrayBuffer[] = [];
      try {
        let detection: Detection;
        if (job.kind === 'image') detection = await detectInImageBytes(detector, job.bytes, setup.rule, job.name);
        else detection = await detectInRaster(detector, { data: job.data, width: job.width, height: job.height, channels: 3 }, setup.rule);
        if (detection.status === 'ok') for (const f of detection.faces) transfer.push(f.mesh.buffer as ArrayBuffer);
        reply = { type: 'done', id: job.id, detection };
      } catch (e) {
        reply = { type: 'failed', id: job.id, message: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply, transfer);
    })();
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (e) {
  port.postMessage({ type: 'fatal', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
}
