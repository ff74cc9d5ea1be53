/**
 * The report of a dataset or sequences file: counts per label and split, rejections by reason,
 * throughput, alignment quality; and the mean aligned face per emotion. Pure.
 */
import { TEXTURE_MISSING } from '../render/uv-texture.ts';
import type { FaceDataset, Sequences } from './format.ts';
import { MESH_VALUES } from './format.ts';
import { REASON_TEXT, REJECT_REASONS, type RejectReason } from './judge.ts';

export interface MeanFaces {
  /** Per vocabulary index: the mean aligned mesh (undefined when no face has the label). */
  mean: (Float64Array | undefined)[];
  count: number[];
}

/** Mean aligned mesh per label. */
export function meanMeshes(mesh: Float32Array, label: Uint8Array, labels: number): MeanFaces {
  const sums = Array.from({ length: labels }, () => new Float64Array(MESH_VALUES));
  const count = new Array<number>(labels).fill(0);
  for (let i = 0; i < label.length; i++) {
    const l = label[i]!;
    if (l >= labels) continue;
    const s = sums[l]!;
    const base = i * MESH_VALUES;
    for (let k = 0; k < MESH_VALUES; k++) s[k] = s[k]! + mesh[base + k]!;
    count[l]!++;
  }
  return {
    mean: sums.map((s, l) => {
      const c = count[l]!;
      if (c === 0) return undefined;
      for (let k = 0; k < MESH_VALUES; k++) s[k] = s[k]! / c;
      return s;
    }),
    count,
  };
}

function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  const a = Float64Array.from(values).sort();
  return a[Math.min(a.length - 1, Math.max(0, Math.floor(q * (a.length - 1) + 0.5)))]!;
}

function pct(a: number, b: number): string {
  return b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-';
}

function table(rows: string[][], rightFrom = 1): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (c >= rightFrom ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

function rejectionLines(rejected: Partial<Record<RejectReason, number>>, total: number, noun: string): string[] {
  const n = REJECT_REASONS.reduce((a, r) => a + (rejected[r] ?? 0), 0);
  const lines = [`rejected ${n} of ${total} ${noun} (${pct(n, total)})${n ? ':' : ''}`];
  const rows = REJECT_REASONS.filter((r) => (rejected[r] ?? 0) > 0).map((r) => [REASON_TEXT[r], String(rejected[r]), pct(rejected[r] ?? 0, total)]);
  if (rows.length) lines.push(...table(rows));
  return lines;
}

function runLine(run: FaceDataset['header']['run'], noun: string): string {
  if (run.processed === 0) return `throughput: no detection in the last run (all ${run.fromCache} ${noun} from the cache)`;
  const from = run.fromCache > 0 ? `, ${run.fromCache} from the cache` : '';
  return `throughput: ${run.processed} ${noun} detected in ${run.seconds.toFixed(1)} s, ${run.perSecond.toFixed(1)} ${noun}/s on ${run.workers} worker${run.workers === 1 ? '' : 's'}${from}`;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

/** The report of a face dataset, as lines of text. */
export function datasetReport(ds: FaceDataset, file: string, fileBytes: number): string[] {
  const h = ds.header;
  const vocab = h.vocabulary, splits = h.splits;
  const lines = [`${file}: ${ds.count} faces, ${h.kind} format v${h.version}, ${mb(fileBytes)}, made ${h.created}`];
  for (const s of h.sources) {
    lines.push(`  source ${s.path} (${s.kind}): ${s.images} labelled images, ${s.accepted} used${s.unknownLabel ? `, ${s.unknownLabel} skipped for an unknown label` : ''}`);
  }
  const counts = vocab.map(() => splits.map(() => 0));
  for (let i = 0; i < ds.count; i++) counts[ds.label[i]!]![ds.split[i]!]!++;
  const rows: string[][] = [['label', ...splits, 'total']];
  const col = splits.map(() => 0);
  vocab.forEach((v, l) => {
    const r = counts[l]!;
    const tot = r.reduce((a, b) => a + b, 0);
    r.forEach((c, s) => { col[s]! += c; });
    rows.push([v, ...r.map(String), String(tot)]);
  });
  rows.push(['total', ...col.map(String), String(ds.count)]);
  lines.push('faces per label and split:', ...table(rows));
  const images = h.sources.reduce((a, s) => a + s.images, 0);
  lines.push(...rejectionLines(h.rejected, images, 'images'));
  const unknown = Object.entries(h.unknownLabels);
  if (unknown.length) lines.push(`unknown labels, skipped (map them with --map name=emotion): ${unknown.map(([k, v]) => `${k} (${v})`).join(', ')}`);
  if (h.duplicates) lines.push(`duplicates: ${h.duplicates} images have the same content as another image (each path kept with its own label)`);
  lines.push(runLine(h.run, 'images'));
  if (ds.count > 0) lines.push(qualityLine(ds.fitError, ds.pose, ds.score));
  if (ds.texture) lines.push(textureLine(ds.texture, ds.count, 'face'));
  if (h.clampedValues) lines.push(`warning: ${h.clampedValues} mesh values were outside the int16 range and clamped`);
  return lines;
}

function qualityLine(fitError: Float32Array, pose: Float32Array, score: Float32Array): string {
  const n = fitError.length;
  const yaw = new Float64Array(n), pitch = new Float64Array(n);
  for (let i = 0; i < n; i++) { yaw[i] = Math.abs(pose[i * 3]!); pitch[i] = Math.abs(pose[i * 3 + 1]!); }
  return `alignment: fit error median ${quantile(fitError, 0.5).toFixed(2)} cm (90% under ${quantile(fitError, 0.9).toFixed(2)}), |yaw| median ${quantile(yaw, 0.5).toFixed(0)}°, |pitch| median ${quantile(pitch, 0.5).toFixed(0)}°, score median ${quantile(score, 0.5).toFixed(2)}`;
}

/** The report of a sequences file, as lines of text. */
export function sequencesReport(seq: Sequences, file: string, fileBytes: number): string[] {
  const h = seq.header;
  const valid = seq.clips.reduce((a, c) => a + c.info.validFrames, 0);
  const lines = [`${file}: ${seq.clips.length} clips, ${seq.frameCount} frames (${valid} valid, ${pct(valid, seq.frameCount)}), ${h.kind} format v${h.version}, ${mb(fileBytes)}, made ${h.created}`];
  const rows: string[][] = [['clip', 'frames', 'valid', 'fps', 'seconds', 'size']];
  for (const c of seq.clips) {
    rows.push([c.info.identity, String(c.info.frameCount), String(c.info.validFrames), c.info.fps.toFixed(2), c.info.duration.toFixed(2), `${c.info.width}x${c.info.height}`]);
  }
  lines.push(...table(rows));
  lines.push(...rejectionLines(h.rejected, seq.frameCount, 'frames'));
  lines.push(runLine(h.run, 'frames'));
  if (valid > 0) {
    const fe = new Float32Array(valid), pose = new Float32Array(valid * 3), score = new Float32Array(valid);
    let k = 0;
    for (const c of seq.clips) {
      for (let i = 0; i < c.valid.length; i++) {
        if (!c.valid[i]) continue;
        fe[k] = c.fitError[i]!; score[k] = c.score[i]!; pose.set(c.pose.subarray(i * 3, i * 3 + 3), k * 3);
        k++;
      }
    }
    lines.push(qualityLine(fe.subarray(0, k), pose.subarray(0, k * 3), score.subarray(0, k)));
  }
  if (seq.texture) lines.push(textureLine(seq.texture, seq.frameCount, 'frame'));
  return lines;
}

/** Texture size and how much of the UV layout the faces cover (texels that are not TEXTURE_MISSING). */
function textureLine(texture: Int8Array, rows: number, noun: string): string {
  const per = rows > 0 ? texture.length / rows : 0;
  const side = Math.round(Math.sqrt(per));
  const shares: number[] = [];
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (let p = r * per, end = p + per; p < end; p++) if (texture[p] !== TEXTURE_MISSING) c++;
    if (c > 0) shares.push(c / per);
  }
  const median = shares.length ? quantile(Float64Array.from(shares), 0.5) : 0;
  return `textures: ${side}x${side} UV, lighting-normalised ln-luminance (int8); ${shares.length} ${noun}s with one, median ${(median * 100).toFixed(0)}% of the texels covered`;
}
