/**
 * `emotebot data prepare`: labelled face photos to one aligned dataset file (edge: composes the
 * enumeration, the cache, the worker pool, the pure rules and the format).
 *
 * Outputs, next to `out`:
 *   out                   the dataset (src/data/format.ts), written through a temporary file
 *   out.cache             detection results by file content, so a rerun skips finished images
 *   out.rejected.csv      every rejected image with its reason
 *   <out minus ext>.means.png  the mean aligned face per emotion
 *   <out minus ext>.textures.png  the mean UV texture per emotion and its difference from neutral
 *
 * Every accepted face's texture (src/data/texture.ts) is unwrapped in the workers from the decoded
 * photo: in the same job as its detection, or, for images whose detection comes from the cache,
 * in a texture-only job (the image is decoded again; textures are not cached).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EmoteBotError } from '../core/errors.ts';
import { EMOTIONS } from '../core/emotions.ts';
import { CANONICAL_POSITIONS, STABLE_POINTS } from '../core/topology.ts';
import { MAX_FILE_BYTES } from '../face/image.ts';
import { humanPackageDir } from '../face/human-node.ts';
import { NORMALISATION } from './align.ts';
import { cacheKey, DetectionCache, PIPELINE_VERSION, sha256 } from './cache.ts';
import { enumerateInputs, type IdentityRule } from './enumerate.ts';
import { writeFileAtomic } from './files.ts';
import { type CommonHeader, type DatasetHeader, decodeDataset, encodeDataset, FaceTable, MESH_STEP_CM, type SourceInfo } from './format.ts';
import { type Detection, judge, type RejectReason, type Thresholds } from './judge.ts';
import { missingTexture, TEXTURE_VALUES } from './texture.ts';
import { meanTextures, texturePicture } from './texture-picture.ts';
import { assignSplit, type LabelDecision, SPLITS } from './labels.ts';
import { meanFacePicture } from './picture.ts';
import { createDetectPool, type DetectPool } from './pool.ts';
import type { DetectionRule } from './preprocess.ts';
import { RateProgress } from './progress.ts';
import { hex } from './record.ts';
import { datasetReport, meanMeshes } from './report.ts';

export interface PrepareOptions {
  inputs: string[];
  out: string;
  labelMap?: ReadonlyMap<string, LabelDecision>;
  identity?: IdentityRule;
  /** Share of images (by identity, else by content) that go to `val` in sources without split folders. */
  valFraction?: number;
  rule: DetectionRule;
  thresholds: Thresholds;
  workers: number;
  picture?: boolean;
  /** Unwrap and store each face's texture (default true). */
  textures?: boolean;
  quiet?: boolean;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Stop after this many detections, as if interrupted (tests). */
  stopAfter?: number;
}

export interface PrepareResult {
  out: string;
  count: number;
  header: DatasetHeader;
  report: string[];
  picture: string | undefined;
  /** The textures picture, when drawn. */
  texturePicture?: string;
  rejectedCsv: string;
  /** Images that went through the detector in this run, and those found in the cache. */
  detected: number;
  fromCache: number;
}

export function sidePaths(out: string): { cache: string; rejected: string; picture: string; textures: string } {
  const abs = path.resolve(out);
  const ext = path.extname(abs);
  const stem = ext ? abs.slice(0, -ext.length) : abs;
  return { cache: `${abs}.cache`, rejected: `${abs}.rejected.csv`, picture: `${stem}.means.png`, textures: `${stem}.textures.png` };
}

export async function detectorName(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(path.join(humanPackageDir(), 'human', 'package.json'), 'utf8')) as { version?: string };
    return `@vladmandic/human ${pkg.version ?? '?'} (face detector and 468-point mesh, tfjs wasm)`;
  } catch {
    return '@vladmandic/human (face detector and 468-point mesh, tfjs wasm)';
  }
}

/** Header fields shared with prepare-video. */
export async function commonMeta(rule: DetectionRule, thresholds: Thresholds, generator: string): Promise<Omit<CommonHeader, 'kind' | 'version' | 'rejected' | 'run' | 'clampedValues' | 'vocabulary'>> {
  return {
    created: new Date().toISOString(),
    generator,
    canonical: { units: 'cm', axes: "x towards the subject's left, y up, z towards the viewer", positions: [...CANONICAL_POSITIONS] },
    alignment: {
      method: 'similarity (Procrustes, Horn quaternion; proper rotation, no reflection) to the canonical face over stablePoints, with a golden-section search of the depth scale',
      stablePoints: [...STABLE_POINTS], depthScaleSearch: [0.5, 4], normalisation: NORMALISATION, meshStepCm: MESH_STEP_CM, pipelineVersion: PIPELINE_VERSION,
    },
    detection: { detector: await detectorName(), rule: { ...rule }, thresholds: { ...thresholds } },
  };
}

export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function prepareDataset(o: PrepareOptions): Promise<PrepareResult> {
  const log = o.log ?? (() => undefined);
  const side = sidePaths(o.out);
  const started = performance.now();
  const found = await enumerateInputs(o.inputs, o.labelMap ?? new Map(), o.identity ?? 'none');
  const entries = found.entries;
  for (const r of found.badRows.slice(0, 5)) log(`skipped CSV row without path or label: ${r}`);
  const unknown = Object.entries(found.unknownLabels);
  if (unknown.length) log(`unknown labels, skipped (map them with --map name=emotion): ${unknown.map(([k, v]) => `${k} (${v})`).join(', ')}`);
  if (entries.length === 0) throw new EmoteBotError('bad-argument', `no labelled images found in ${o.inputs.join(', ')} (expected <folder>/<label>/*.jpg|png|webp or a CSV of path,label)`);
  log(`${entries.length} labelled images in ${found.sources.length} source${found.sources.length === 1 ? '' : 's'}`);

  const cache = await DetectionCache.open(side.cache);
  if (cache.droppedBytes > 0) log(`dropped ${cache.droppedBytes} bytes of an interrupted write from ${side.cache}`);
  const keys = new Array<string | undefined>(entries.length);
  const hashes = new Array<Uint8Array | undefined>(entries.length);
  const readErrors = new Map<number, string>();
  let pool: DetectPool | undefined;
  const withTextures = o.textures !== false;
  const textures = new Map<string, Int8Array>();
  const progress = new RateProgress('preparing', 'images', process.stderr, o.quiet);
  let done = 0, detected = 0, fromCache = 0, duplicates = 0, textured = 0;
  let detectStart = 0, detectEnd = 0, textureStart = 0, textureEnd = 0;
  let failure: unknown;
  const inflight = new Set<Promise<void>>();
  let detecting = 0;
  const pending = new Set<string>();
  const seen = new Set<string>();
  const startPool = async (): Promise<DetectPool> => {
    pool ??= await createDetectPool(o.workers, o.rule, o.thresholds);
    return pool;
  };
  const track = (job: Promise<void>) => {
    inflight.add(job);
    void job.finally(() => inflight.delete(job));
  };
  try {
    for (let i = 0; i < entries.length; i++) {
      if (o.signal?.aborted || failure !== undefined || (o.stopAfter !== undefined && detected + detecting >= o.stopAfter)) break;
      const e = entries[i]!;
      let bytes: Uint8Array;
      try {
        bytes = await readFile(e.file);
        if (bytes.byteLength > MAX_FILE_BYTES) throw new Error(`${(bytes.byteLength / 2 ** 20).toFixed(0)} MB is over the ${MAX_FILE_BYTES / 2 ** 20} MB limit`);
      } catch (err) {
        readErrors.set(i, `cannot read ${e.rel}: ${err instanceof Error ? err.message : String(err)}`);
        done++;
        continue;
      }
      const h = sha256(bytes);
      const key = cacheKey(h, o.rule);
      hashes[i] = h; keys[i] = key;
      if (seen.has(key)) duplicates++;
      seen.add(key);
      if (cache.has(key) || pending.has(key)) {
        if (cache.has(key)) fromCache++;
        // Detected before: decode again for the texture of an accepted face (once per content).
        const d = cache.has(key) && withTextures && !pending.has(key) && !textures.has(key) ? cache.get(key) : undefined;
        const j = d ? judge(d, o.thresholds) : undefined;
        if (!j?.ok) {
          done++;
          progress.update(done, entries.length, detected + textured);
          continue;
        }
        const p = await startPool();
        if (textureStart === 0) textureStart = performance.now();
        pending.add(key);
        track(p.texture({ kind: 'image', bytes, name: e.rel, mesh: j.face.mesh })
          .then((t) => {
            if (t) textures.set(key, t);
            textured++; done++;
            textureEnd = performance.now();
            progress.update(done, entries.length, detected + textured);
          })
          .catch((err: unknown) => { failure ??= err; })
          .finally(() => { pending.delete(key); }));
      } else {
        const p = await startPool();
        if (detectStart === 0) detectStart = performance.now();
        pending.add(key);
        detecting++;
        track((withTextures ? p.detectWithTexture({ kind: 'image', bytes, name: e.rel }) : p.detect({ kind: 'image', bytes, name: e.rel }).then((detection) => ({ detection, texture: undefined })))
          .then((r) => {
            cache.put(key, r.detection);
            if (r.texture) textures.set(key, r.texture);
            detected++; done++;
            detectEnd = performance.now();
            progress.update(done, entries.length, detected + textured);
          })
          .catch((err: unknown) => { failure ??= err; })
          .finally(() => { detecting--; pending.delete(key); }));
      }
      if (pool && inflight.size >= pool.size * 2 + 2) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    progress.done();
    await pool?.close();
  }
  if (failure !== undefined) { cache.close(); throw failure; }
  const interrupted = o.signal?.aborted || (o.stopAfter !== undefined && done < entries.length);
  if (interrupted) {
    cache.close();
    throw new EmoteBotError('interrupted', `stopped: ${cache.size} images are done and kept in ${side.cache}; run the same command again to go on from there`);
  }
  const seconds = detectEnd > detectStart ? (detectEnd - detectStart) / 1000 : 0;

  // Assemble: apply the rules to every image, in a stable order.
  const faces = new FaceTable(entries.length);
  const label: number[] = [], split: number[] = [], imageSize: number[] = [], source: string[] = [], root: number[] = [], identity: string[] = [];
  const hash: number[] = [];
  const texture = withTextures ? new Int8Array(entries.length * TEXTURE_VALUES) : undefined;
  const rejected: Partial<Record<RejectReason, number>> = {};
  const accepted = new Array<number>(found.sources.length).fill(0);
  const counts: Record<string, Record<string, number>> = {};
  const rejectedRows = ['path,label,reason,detail'];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const err = readErrors.get(i);
    const d: Detection | undefined = err !== undefined ? { status: 'unreadable', message: err } : cache.get(keys[i]!);
    if (!d) throw new Error(`internal: no detection for ${e.rel}`);
    const j = judge(d, o.thresholds);
    if (!j.ok) {
      rejected[j.reason] = (rejected[j.reason] ?? 0) + 1;
      rejectedRows.push([e.file, e.rawLabel, j.reason, j.detail].map(csvField).join(','));
      continue;
    }
    const sp = e.split ?? ((o.valFraction ?? 0) > 0 ? assignSplit(e.identity ?? hex(hashes[i]!), o.valFraction ?? 0) : 'train');
    faces.push({ score: j.face.score, pose: j.alignment.pose, aligned: j.alignment.aligned, similarity: j.alignment.similarity, depthScale: j.alignment.depthScale, fitError: j.alignment.fitError, box: j.face.box });
    label.push(EMOTIONS.indexOf(e.emotion));
    split.push(SPLITS.indexOf(sp));
    imageSize.push(d.status === 'ok' ? d.width : 0, d.status === 'ok' ? d.height : 0);
    source.push(e.rel); root.push(e.root); identity.push(e.identity ?? '');
    hash.push(...hashes[i]!.subarray(0, 8));
    if (texture) texture.set(textures.get(keys[i]!) ?? missingTexture(), (faces.count - 1) * TEXTURE_VALUES);
    accepted[e.root]!++;
    (counts[sp] ??= {})[e.emotion] = (counts[sp]![e.emotion] ?? 0) + 1;
  }
  cache.close();
  const sources: SourceInfo[] = found.sources.map((s, k) => ({ path: s.path, kind: s.kind, images: s.images, accepted: accepted[k]!, unknownLabel: s.unknownLabel }));
  const meta = {
    ...(await commonMeta(o.rule, o.thresholds, 'emotebot data prepare')),
    sources, counts, rejected, unknownLabels: found.unknownLabels, duplicates,
    run: {
      seconds, processed: detected, fromCache, workers: pool?.size ?? 0, perSecond: seconds > 0 ? detected / seconds : 0,
      ...(withTextures ? { textureJobs: textured, textureSeconds: textureEnd > textureStart ? (textureEnd - textureStart) / 1000 : 0 } : {}),
    },
  };
  const bytes = encodeDataset(meta, {
    faces, label: Uint8Array.from(label), split: Uint8Array.from(split), imageSize: Uint32Array.from(imageSize),
    source, root: Uint16Array.from(root), identity, hash: Uint8Array.from(hash),
    ...(texture ? { texture: texture.subarray(0, faces.count * TEXTURE_VALUES) } : {}),
  });
  const ds = decodeDataset(bytes, o.out);
  await writeFileAtomic(o.out, bytes);
  await writeFileAtomic(side.rejected, rejectedRows.join('\n') + '\n');
  let picture: string | undefined;
  if (o.picture !== false) {
    const png = await meanFacePicture(meanMeshes(ds.mesh, ds.label, ds.header.vocabulary.length), ds.header.vocabulary, `${path.basename(o.out)}: mean aligned face per emotion`);
    if (png) { await writeFileAtomic(side.picture, png); picture = side.picture; }
  }
  let texturesPng: string | undefined;
  if (o.picture !== false && ds.texture) {
    const png = await texturePicture(meanTextures(ds.texture, ds.label, ds.header.vocabulary.length), ds.header.vocabulary, `${path.basename(o.out)}: mean lighting-normalised face texture per emotion (canonical UV layout)`);
    if (png) { await writeFileAtomic(side.textures, png); texturesPng = side.textures; }
  }
  const report = datasetReport(ds, o.out, bytes.byteLength);
  report.push(`total time ${((performance.now() - started) / 1000).toFixed(1)} s; rejected images listed in ${side.rejected}${picture ? `; mean faces in ${picture}` : ''}${texturesPng ? `; mean textures in ${texturesPng}` : ''}`);
  return { out: path.resolve(o.out), count: ds.count, header: ds.header, report, picture, ...(texturesPng ? { texturePicture: texturesPng } : {}), rejectedCsv: side.rejected, detected, fromCache };
}
