/**
 * The detection cache beside a dataset (edge): an append-only file of records (src/data/record.ts)
 * keyed by a hash of each file's content and the pipeline version. A rerun skips every image
 * already in it, so Ctrl-C loses at most the images in flight; a record cut short is dropped
 * when the cache is opened again.
 */
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Detection } from './judge.ts';
import type { DetectionRule } from './preprocess.ts';
import { decodeRecord, encodeRecord, fromHex, hex, scanRecords } from './record.ts';

/**
 * Bump when detection output changes for the same input (detector, its settings, the mapping back
 * to source pixels): every cached result is then recomputed.
 */
export const PIPELINE_VERSION = 1;

export function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** The cache key of a file's content (its SHA-256) under a detection rule, optionally for one video frame. */
export function cacheKey(contentHash: Uint8Array, rule: DetectionRule, frame?: number): string {
  const variant = `emotebot-data/${PIPELINE_VERSION}/human-3.3/${rule.minSide}/${rule.maxSide}/${rule.border}${frame === undefined ? '' : `/frame-${frame}`}`;
  return hex(sha256(hex(contentHash) + '|' + variant));
}

export class DetectionCache {
  private readonly index = new Map<string, { offset: number; length: number }>();
  private end: number;
  /** Records dropped when opening (the tail of an interrupted write). */
  readonly droppedBytes: number;

  private constructor(readonly path: string, private fd: number | undefined, spans: { key: string; offset: number; length: number }[], validBytes: number, dropped: number) {
    for (const s of spans) this.index.set(s.key, { offset: s.offset, length: s.length });
    this.end = validBytes;
    this.droppedBytes = dropped;
  }

  /** Opens (or creates) the cache file and drops a damaged tail. */
  static async open(path: string): Promise<DetectionCache> {
    let bytes: Uint8Array = new Uint8Array(0);
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const { spans, validBytes } = scanRecords(bytes);
    await mkdir(dirname(path), { recursive: true });
    const fd = openSync(path, bytes.length === 0 ? 'w+' : 'r+');
    if (validBytes < bytes.length) ftruncateSync(fd, validBytes);
    return new DetectionCache(path, fd, spans, validBytes, bytes.length - validBytes);
  }

  get size(): number {
    return this.index.size;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): Detection | undefined {
    const at = this.index.get(key);
    if (!at || this.fd === undefined) return undefined;
    const buf = new Uint8Array(at.length);
    let got = 0;
    while (got < at.length) {
      const n = readSync(this.fd, buf, got, at.length - got, at.offset + got);
      if (n === 0) break;
      got += n;
    }
    const rec = decodeRecord(buf);
    if (rec.key !== key) throw new Error(`${this.path}: cache index is inconsistent; delete the file and rerun`);
    return rec.detection;
  }

  /** Appends one record (written whole, synchronously, so an interruption cuts at most this one). */
  put(key: string, detection: Detection): void {
    if (this.fd === undefined) throw new Error('the cache is closed');
    if (this.index.has(key)) return;
    const rec = encodeRecord(fromHex(key), detection);
    let done = 0;
    while (done < rec.length) done += writeSync(this.fd, rec, done, rec.length - done, this.end + done);
    this.index.set(key, { offset: this.end, length: rec.length });
    this.end += rec.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
