/**
 * A detection worker thread: loads its own Human detector, then answers jobs from src/data/pool.ts
 * one at a time (detect, detect and unwrap the face's texture, or unwrap only: src/data/texture.ts).
 * Started through worker-boot.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { createHumanDetector } from '../face/human-node.ts';
import type { WorkerJob, WorkerReply, WorkerSetup } from './pool.ts';
import { runJob } from './texture.ts';

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
        const result = await runJob(detector, job, setup);
        if (result.detection?.status === 'ok') for (const f of result.detection.faces) transfer.push(f.mesh.buffer as ArrayBuffer);
        if (result.texture) transfer.push(result.texture.buffer as ArrayBuffer);
        reply = { type: 'done', id: job.id, result };
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
