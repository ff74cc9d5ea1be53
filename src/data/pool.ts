/**
 * Detection spread over worker threads (edge). Each worker loads its own detector (a couple of
 * hundred milliseconds) and takes one job at a time; jobs wait in a queue for a free worker.
 * `workers: 0` runs detection in this thread instead (tests, debugging).
 *
 * The workers also unwrap face textures (src/render/uv-texture.ts) from the decoded source image:
 * `detectWithTexture` detects and, when the judge accepts the face, unwraps it from the same
 * decoded pixels; `texture` decodes an image (or takes a frame) whose detection came from the
 * cache and unwraps the given mesh.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createHumanDetector } from '../face/human-node.ts';
import { DEFAULT_THRESHOLDS, type Detection, type Thresholds } from './judge.ts';
import type { DetectionRule } from './preprocess.ts';
import { runJob } from './texture.ts';

export interface WorkerSetup { rule: DetectionRule; maxFaces: number; thresholds: Thresholds }

export type DetectJob =
  | { kind: 'image'; bytes: Uint8Array; name: string }
  /** RGB, 3 bytes per pixel. */
  | { kind: 'frame'; data: Uint8Array; width: number; height: number };

/** A texture to unwrap from an image file or a frame whose detection is known: `mesh` is the face's 468 x xyz in source pixels. */
export type TextureJob = DetectJob & { mesh: Float32Array };

/** What a worker is asked: detect (optionally unwrapping the accepted face too), or unwrap only. */
export type PoolJob =
  | { op: 'detect'; job: DetectJob; texture: boolean }
  | { op: 'texture'; job: TextureJob };

export type WorkerJob = PoolJob & { id: number };

/** A worker's answer to one job: the detection (detect jobs) and the texture, if one was unwrapped. */
export interface JobResult { detection?: Detection; texture?: Int8Array }

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'failed'; id: number; message: string };

export interface DetectPool {
  readonly size: number;
  /** Detects faces in one image or frame. The job's bytes are handed over (do not reuse them). */
  detect(job: DetectJob): Promise<Detection>;
  /**
   * Detects faces and, when the judge (with the pool's thresholds) accepts one, unwraps its
   * lighting-normalised texture from the same decoded pixels (int8, UV_SIZE^2).
   */
  detectWithTexture(job: DetectJob): Promise<{ detection: Detection; texture?: Int8Array }>;
  /** Decodes the image (or takes the frame) and unwraps the mesh's texture; undefined when the image cannot be decoded. */
  texture(job: TextureJob): Promise<Int8Array | undefined>;
  close(): Promise<void>;
}

/** Most faces the pipeline looks for in one image (enough to notice "several faces"). */
export const MAX_FACES = 3;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** `thresholds` decide which face detectWithTexture unwraps (the one the judge accepts). */
export async function createDetectPool(workers: number, rule: DetectionRule, thresholds: Thresholds = DEFAULT_THRESHOLDS): Promise<DetectPool> {
  const setup: WorkerSetup = { rule: { ...rule }, maxFaces: MAX_FACES, thresholds: { ...thresholds } };
  return workers <= 0 ? createInlinePool(setup) : createWorkerPool(workers, setup);
}

function jobName(j: PoolJob): string {
  return j.job.kind === 'image' ? j.job.name : 'a video frame';
}

/** The pool API over one `run` of PoolJobs. */
function api(size: number, run: (j: PoolJob) => Promise<JobResult>, close: () => Promise<void>): DetectPool {
  const detection = (r: JobResult, j: PoolJob): Detection => {
    if (!r.detection) throw new Error(`internal: no detection for ${jobName(j)}`);
    return r.detection;
  };
  return {
    size,
    async detect(job) { const j: PoolJob = { op: 'detect', job, texture: false }; return detection(await run(j), j); },
    async detectWithTexture(job) {
      const j: PoolJob = { op: 'detect', job, texture: true };
      const r = await run(j);
      return r.texture ? { detection: detection(r, j), texture: r.texture } : { detection: detection(r, j) };
    },
    async texture(job) { return (await run({ op: 'texture', job })).texture; },
    close,
  };
}

async function createInlinePool(setup: WorkerSetup): Promise<DetectPool> {
  const detector = await createHumanDetector({ maxFaces: MAX_FACES, minScore: 0 });
  let tail: Promise<unknown> = Promise.resolve();
  return api(1, (j) => {
    const run = tail.then(() => runJob(detector, j, setup));
    tail = run.catch(() => undefined);
    return run;
  }, async () => { detector.dispose(); });
}

interface Pending { job: WorkerJob; resolve: (r: JobResult) => void; reject: (e: Error) => void }

async function createWorkerPool(n: number, setup: WorkerSetup): Promise<DetectPool> {
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
      const j = next.job.job;
      const transfer = [(j.kind === 'image' ? j.bytes.buffer : j.data.buffer) as ArrayBuffer];
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
        if (m.type === 'done') p.resolve(m.result);
        else p.reject(new Error(`${p.job.op === 'detect' ? 'detection' : 'texture'} failed on ${jobName(p.job)}: ${m.message}`));
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
  // Hand over a buffer of its own: a view into a shared one (Node's small Buffers) must not be transferred.
  const own = (a: Uint8Array) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : new Uint8Array(a));
  const ownJob = <T extends DetectJob>(job: T): T => (job.kind === 'image' ? { ...job, bytes: own(job.bytes) } : { ...job, data: own(job.data) });
  return api(n, (j) => {
    if (broken) return Promise.reject(broken);
    const sent: PoolJob = j.op === 'detect' ? { ...j, job: ownJob(j.job) } : { op: 'texture', job: ownJob(j.job) };
    return new Promise<JobResult>((resolve, reject) => {
      queue.push({ job: { ...sent, id: nextId++ }, resolve, reject });
      pump();
    });
  }, async () => {
    fail(new Error('the detection pool is closed'));
    await Promise.all(workers.map((w) => w.terminate()));
  });
}
