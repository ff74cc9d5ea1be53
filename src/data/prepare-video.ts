/**
 * `emotebot data prepare-video`: face videos to one sequences file, every frame aligned the same
 * way as the photos, with its time stamp and a valid flag (edge: composes ffmpeg, the cache, the
 * worker pool, the rules and the format). One clip is one identity.
 *
 * Every valid frame's texture (src/data/texture.ts) is unwrapped in the workers from the decoded
 * frame, so every clip is decoded even when its detections are all in the cache.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EmoteBotError } from '../core/errors.ts';
import { cacheKey, DetectionCache, sha256 } from './cache.ts';
import { writeFileAtomic } from './files.ts';
import { type ClipInfo, decodeSequences, encodeSequences, FaceTable, FRAME_REASONS } from './format.ts';
import { judge, type RejectReason, type Thresholds } from './judge.ts';
import { missingTexture, TEXTURE_VALUES } from './texture.ts';
import { commonMeta, csvField, sidePaths } from './prepare.ts';
import { createDetectPool, type DetectPool } from './pool.ts';
import type { DetectionRule } from './preprocess.ts';
import { RateProgress } from './progress.ts';
import { hex } from './record.ts';
import { sequencesReport } from './report.ts';
import { decodeFrames, probeVideo, type VideoInfo } from './video.ts';

export interface PrepareVideoOptions {
  videos: string[];
  out: string;
  rule: DetectionRule;
  thresholds: Thresholds;
  workers: number;
  /** Unwrap and store each valid frame's texture (default true). */
  textures?: boolean;
  quiet?: boolean;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface PrepareVideoResult {
  out: string;
  frames: number;
  report: string[];
  detected: number;
  fromCache: number;
}

interface Clip { file: string; identity: string; hash: Uint8Array; info: VideoInfo; keys: string[] }

export async function prepareVideos(o: PrepareVideoOptions): Promise<PrepareVideoResult> {
  const log = o.log ?? (() => undefined);
  const side = sidePaths(o.out);
  const started = performance.now();
  const clips: Clip[] = [];
  const skippedVideos: { path: string; reason: string }[] = [];
  const names = new Set<string>();
  for (const v of o.videos) {
    const file = path.resolve(v);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      throw new EmoteBotError('not-found', `cannot open ${v}: no such file`);
    }
    let info: VideoInfo;
    try {
      info = await probeVideo(file, o.signal);
    } catch (e) {
      if (e instanceof EmoteBotError) throw e;
      if (o.signal?.aborted) throw new EmoteBotError('interrupted', 'stopped before any frame was detected');
      const reason = `not a video ffmpeg can read (${e instanceof Error ? e.message : String(e)})`;
      skippedVideos.push({ path: file, reason });
      log(`skipped ${v}: ${reason}`);
      continue;
    }
    if (info.times.length === 0) { skippedVideos.push({ path: file, reason: 'no frames' }); log(`skipped ${v}: no frames`); continue; }
    let identity = path.basename(file, path.extname(file));
    for (let k = 2; names.has(identity); k++) identity = `${path.basename(file, path.extname(file))}-${k}`;
    names.add(identity);
    const hash = sha256(bytes);
    clips.push({ file, identity, hash, info, keys: info.times.map((_, i) => cacheKey(hash, o.rule, i)) });
  }
  if (clips.length === 0) throw new EmoteBotError('bad-argument', `no readable video among ${o.videos.join(', ')}`);
  const total = clips.reduce((a, c) => a + c.keys.length, 0);
  log(`${clips.length} video${clips.length === 1 ? '' : 's'}, ${total} frames`);

  const cache = await DetectionCache.open(side.cache);
  const progress = new RateProgress('preparing', 'frames', process.stderr, o.quiet);
  let pool: DetectPool | undefined;
  const withTextures = o.textures !== false;
  const textures = new Map<string, Int8Array>();
  let done = 0, detected = 0, fromCache = 0, textured = 0, detectStart = 0, detectEnd = 0, textureStart = 0, textureEnd = 0;
  let failure: unknown;
  const decoded = new Map<Clip, number>();
  try {
    for (const clip of clips) {
      if (o.signal?.aborted || failure !== undefined) break;
      const missing = clip.keys.filter((k) => !cache.has(k)).length;
      fromCache += clip.keys.length - missing;
      if (missing === 0 && !withTextures) { done += clip.keys.length; decoded.set(clip, clip.keys.length); progress.update(done, total, detected); continue; }
      pool ??= await createDetectPool(o.workers, o.rule, o.thresholds);
      const p = pool;
      const inflight = new Set<Promise<void>>();
      const track = (job: Promise<void>) => { inflight.add(job); void job.finally(() => inflight.delete(job)); };
      const { width, height } = clip.info;
      let n: number;
      try {
        n = await decodeFrames(clip.file, clip.info, (i, rgb) => {
          const key = clip.keys[i];
          if (key === undefined) return; // more frames than time stamps: ignored (reported below)
          if (o.signal?.aborted || failure !== undefined) return;
          if (cache.has(key)) {
            const j = withTextures ? judge(cache.get(key)!, o.thresholds) : undefined;
            if (!j?.ok) { done++; progress.update(done, total, detected + textured); return; }
            if (textureStart === 0) textureStart = performance.now();
            track(p.texture({ kind: 'frame', data: rgb, width, height, mesh: j.face.mesh })
              .then((t) => { if (t) textures.set(key, t); textured++; done++; textureEnd = performance.now(); progress.update(done, total, detected + textured); })
              .catch((e: unknown) => { failure ??= e; }));
          } else {
            if (detectStart === 0) detectStart = performance.now();
            const frame = { kind: 'frame' as const, data: rgb, width, height };
            track((withTextures ? p.detectWithTexture(frame) : p.detect(frame).then((detection) => ({ detection, texture: undefined })))
              .then((r) => {
                cache.put(key, r.detection);
                if (r.texture) textures.set(key, r.texture);
                detected++; done++; detectEnd = performance.now(); progress.update(done, total, detected + textured);
              })
              .catch((e: unknown) => { failure ??= e; }));
          }
          if (inflight.size >= p.size * 2 + 2) return Promise.race(inflight);
        }, o.signal);
      } finally {
        await Promise.all(inflight);
      }
      if (n !== clip.keys.length) log(`${path.basename(clip.file)}: ffmpeg decoded ${n} frames, ffprobe listed ${clip.keys.length}; using ${Math.min(n, clip.keys.length)}`);
      decoded.set(clip, missing === 0 ? clip.keys.length : Math.min(n, clip.keys.length));
    }
  } catch (e) {
    if (!(e instanceof EmoteBotError && e.code === 'interrupted')) failure ??= e;
  } finally {
    progress.done();
    await pool?.close();
  }
  if (failure !== undefined) { cache.close(); throw failure; }
  if (o.signal?.aborted) {
    cache.close();
    throw new EmoteBotError('interrupted', `stopped: ${cache.size} frames are done and kept in ${side.cache}; run the same command again to go on from there`);
  }
  const seconds = detectEnd > detectStart ? (detectEnd - detectStart) / 1000 : 0;

  const frames = new FaceTable(total);
  const clipIdx: number[] = [], time: number[] = [], valid: number[] = [], reason: number[] = [];
  const texture = withTextures ? new Int8Array(total * TEXTURE_VALUES) : undefined;
  const rejected: Partial<Record<RejectReason, number>> = {};
  const infos: ClipInfo[] = [];
  const rejectedRows = ['video,frame,time,reason,detail'];
  clips.forEach((clip, c) => {
    const n = decoded.get(clip) ?? 0;
    const first = frames.count;
    const t0 = clip.info.times[0] ?? 0;
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const d = cache.get(clip.keys[i]!);
      if (!d) throw new Error(`internal: no detection for frame ${i} of ${clip.file}`);
      const j = judge(d, o.thresholds);
      const a = j.alignment;
      const face = j.face;
      const row = frames.push({
        score: face?.score, box: face?.box,
        pose: a?.pose, aligned: a?.aligned, similarity: a?.similarity, depthScale: a?.depthScale, fitError: a?.fitError,
      });
      clipIdx.push(c);
      time.push(clip.info.times[i]! - t0);
      valid.push(j.ok ? 1 : 0);
      if (texture) texture.set((j.ok ? textures.get(clip.keys[i]!) : undefined) ?? missingTexture(), row * TEXTURE_VALUES);
      reason.push(j.ok ? 0 : FRAME_REASONS.indexOf(j.reason));
      if (j.ok) ok++;
      else {
        rejected[j.reason] = (rejected[j.reason] ?? 0) + 1;
        rejectedRows.push([clip.file, String(i), (clip.info.times[i]! - t0).toFixed(3), j.reason, j.detail].map(csvField).join(','));
      }
    }
    const last = clip.info.times[n - 1] ?? t0;
    infos.push({
      source: clip.file, identity: clip.identity, width: clip.info.width, height: clip.info.height, fps: clip.info.fps,
      duration: last - t0 + 1 / clip.info.fps, startTime: t0, firstFrame: first, frameCount: n, validFrames: ok, hash: hex(clip.hash),
    });
  });
  cache.close();
  const meta = {
    ...(await commonMeta(o.rule, o.thresholds, 'emotebot data prepare-video')),
    clips: infos, skippedVideos, rejected,
    run: {
      seconds, processed: detected, fromCache, workers: pool?.size ?? 0, perSecond: seconds > 0 ? detected / seconds : 0,
      ...(withTextures ? { textureJobs: textured, textureSeconds: textureEnd > textureStart ? (textureEnd - textureStart) / 1000 : 0 } : {}),
    },
  };
  const bytes = encodeSequences(meta, {
    frames, clip: Uint32Array.from(clipIdx), time: Float64Array.from(time), valid: Uint8Array.from(valid), reason: Uint8Array.from(reason),
    ...(texture ? { texture: texture.subarray(0, frames.count * TEXTURE_VALUES) } : {}),
  });
  const seq = decodeSequences(bytes, o.out);
  await writeFileAtomic(o.out, bytes);
  await writeFileAtomic(side.rejected, rejectedRows.join('\n') + '\n');
  const report = sequencesReport(seq, o.out, bytes.byteLength);
  for (const s of skippedVideos) report.push(`skipped ${s.path}: ${s.reason}`);
  report.push(`total time ${((performance.now() - started) / 1000).toFixed(1)} s; rejected frames listed in ${side.rejected}`);
  return { out: path.resolve(o.out), frames: seq.frameCount, report, detected, fromCache };
}
