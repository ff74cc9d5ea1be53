/**
 * Detection spread over worker threads (edge). Each worker loads its own detector (a couple of
 * hundred milliseconds) and takes one job at a time; jobs wait in a queue for a free worker.
 * `workers: 0` runs detection in this thread instead (tests, debugging).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createHumanDetector } from '../face/human-node.ts';
import { detectInImageBytes, detectInRaster } from './detect.ts';
import type { Detection } from './judge.ts';
import type { DetectionRule } from './preprocess.ts';

export interface WorkerSetup { rule: DetectionRule; maxFaces: number }

export type DetectJob =
  | { kind: 'image'; bytes: Uint8Array; name: string }
  /** RGB, 3 bytes per pixel. */
  | { kind: 'frame'; data: Uint8Array; width: number; height: number };

export type WorkerJob = DetectJob & { id: number };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'done'; id: number; detection: Detection }
  | { type: 'failed'; id: number; message: string };

export interface DetectPool {
  readonly size: number;
  /** Detects faces in one image or frame. The job's bytes are handed over (do not reuse them). */
  detect(job: DetectJob): Promise<Detection>;
  close(): Promise<void>;
}

/** Most faces the pipeline looks for in one image (enough to notice "several faces"). */
export const MAX_FACES = 3;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function createDetectPool(workers: number, rule: DetectionRule): Promise<DetectPool> {
  return workers <= 0 ? createInlinePool(rule) : createWorkerPool(workers, rule);
}

async function createInlinePool(rule: DetectionRule): Promise<DetectPool> {
  const detector = await createHumanDetector({ maxFaces: MAX_FACES, minScore: 0 });
  let tail: Promise<unknown> = Promise.resolve();
  return {
    size: 1,
    detect(job) {
      const run = tail.then(() => job.kind === 'image'
        ? detectInImageBytes(detector, job.bytes, rule, job.name)
        : detectInRaster(detector, { data: job.data, width: job.width, height: job.height, channels: 3 }, rule));
      tail = run.catch(() => undefined);
      return run;
    },
    async close() { detector.dispose(); },
  };
}

interface Pending { job: WorkerJob; resolve: (d: Detection) => void; reject: (e: Error) => void }

async function createWorkerPool(n: number, rule: DetectionRule): Promise<DetectPool> {
  const setup: WorkerSetup = { rule: { ...rule }, maxFaces: MAX_FACES };
  const url = new URL('./worker-boot.mjs', import.meta.url);
  const queue: Pending[] = [];
  const busy = new Map<Worker, Pending | undefined>();
  let broken: Error | undefined;
  let nextId = 1;

  const fail = (e: Error) => {
    broken ??= e;
    for (const p of queue.splice(0)) p.reject(broken);
    for (const [w, p] of busy) { p?.reject(broken); busy.set(w, undefined); }
  };

  const pump = () => {
    for (const [w, p] of busy) {
      if (p || queue.length === 0) continue;
      const next = queue.shift()!;
      busy.set(w, next);
      const transfer = next.job.kind === 'image' ? [next.job.bytes.buffer as ArrayBuffer] : [next.job.data.buffer as ArrayBuffer];
      w.postMessage(next.job, transfer);
    }
  };

  const started = Array.from({ length: n }, () => new Promise<Worker>((resolve, reject) => {
    const w = new Worker(url, { workerData: setup });
    let ready = false;
    w.on('message', (m: WorkerReply) => {
      if (m.type === 'ready') { ready = true; busy.set(w, undefined); resolve(w); pump(); return; }
      if (m.type === 'fatal') { const e = new Error(`detection worker could not start: ${m.message}`); reject(e); fail(e); return; }
      const p = busy.get(w);
      busy.set(w, undefined);
      if (p && p.job.id === m.id) {
        if (m.type === 'done') p.resolve(m.detection);
        else p.reject(new Error(`detection failed on ${p.job.kind === 'image' ? p.job.name : 'a video frame'}: ${m.message}`));
      }
      pump();
    });
    w.on('error', (e: unknown) => { const err = new Error(`detection worker crashed: ${e instanceof Error ? e.message : String(e)}`); if (!ready) reject(err); fail(err); });
    w.on('exit', (code) => {
      const p = busy.get(w);
      busy.delete(w);
      if (p || (!ready && code !== 0)) fail(new Error(`detection worker stopped (exit code ${code})`));
      if (!ready) reject(new Error(`detection worker stopped before it was ready (exit code ${code})`));
    });
  }));
  const workers = await Promise.all(started).catch(async (e: unknown) => {
    await Promise.allSettled(started.map(async (s) => (await s).terminate()));
    throw e;
  });
  return {
    size: n,
    detect(job) {
      if (broken) return Promise.reject(broken);
      // Hand over a buffer of its own: a view into a shared one (Node's small Buffers) must not be transferred.
      const own = (a: Uint8Array) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : new Uint8Array(a));
      const sent: DetectJob = job.kind === 'image' ? { ...job, bytes: own(job.bytes) } : { ...job, data: own(job.data) };
      return new Promise<Detection>((resolve, reject) => {
        queue.push({ job: { ...sent, id: nextId++ }, resolve, reject });
        pump();
      });
    },
    async close() {
      fail(new Error('the detection pool is closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
