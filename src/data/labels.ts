/**
 * Labels and splits of face datasets in the wild, mapped onto EmoteBot's vocabulary. Pure: no I/O.
 *
 * Folder layout: `<root>/<label>/<image>` or `<root>/<split>/<label>/<image>`; the label is the
 * image's parent folder, the split the nearest ancestor folder whose name is a split name.
 * CSV layout: `path,label[,split]` (a header row naming the columns is optional).
 */
import { EMOTIONS, emotionFromName, type Emotion } from '../core/emotions.ts';

/** What a dataset label becomes: an emotion, or skipped on purpose. */
export type LabelDecision = Emotion | 'skip';

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Dataset label names that look like an emotion word but are not one (AffectNet's "None" class). */
const NOT_EMOTIONS = new Set(['none']);

const SPLIT_NAMES: Readonly<Record<string, Split>> = {
  train: 'train', training: 'train',
  val: 'val', valid: 'val', validation: 'val', dev: 'val', publictest: 'val',
  test: 'test', testing: 'test', privatetest: 'test',
};

function key(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Parses `--map` values: `name=emotion` or `name=skip`, several separated by commas.
 * Throws a message a user can act on when the emotion is not in the vocabulary.
 */
export function parseLabelMap(specs: readonly string[]): Map<string, LabelDecision> {
  const map = new Map<string, LabelDecision>();
  for (const spec of specs) {
    for (const part of spec.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new Error(`--map "${part}" must look like name=emotion or name=skip`);
      const from = key(part.slice(0, eq));
      const to = key(part.slice(eq + 1));
      if (to === 'skip') { map.set(from, 'skip'); continue; }
      const e = emotionFromName(to);
      if (!e) throw new Error(`--map "${part}": "${to}" is not an emotion (use ${EMOTIONS.join(', ')} or skip)`);
      map.set(from, e);
    }
  }
  return map;
}

/** The emotion a dataset label names, 'skip', or undefined when the label is unknown. */
export function mapLabel(raw: string, custom?: ReadonlyMap<string, LabelDecision>): LabelDecision | undefined {
  const k = key(raw);
  const c = custom?.get(k);
  if (c) return c;
  if (NOT_EMOTIONS.has(k)) return undefined;
  return emotionFromName(k);
}

/** The split a folder name stands for (train, val, test), or undefined. */
export function splitFromName(name: string): Split | undefined {
  return SPLIT_NAMES[key(name).replace(/[\s_-]/g, '')];
}

export interface PathLabel {
  /** The raw label (parent folder name); undefined when the image sits directly in the root. */
  label: string | undefined;
  split: Split | undefined;
}

/** Label and split of an image from its path below a root, as folder names (`train/happy/1.jpg`). */
export function labelFromPath(relativePath: string): PathLabel {
  const parts = relativePath.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const label = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  let split: Split | undefined;
  for (let i = parts.length - 3; i >= 0 && split === undefined; i--) split = splitFromName(parts[i]!);
  return { label, split };
}

/**
 * A person's name from a file name such as `Al_Gore_0002.jpg` (the trailing number removed), or
 * undefined when nothing but digits is left.
 */
export function identityFromFileName(fileName: string): string | undefined {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const id = base.replace(/[\s_-]*\d+$/, '');
  return id === '' || /^\d+$/.test(id) ? undefined : id;
}

/** FNV-1a, 32 bits: a stable hash of a string for deterministic choices. */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  // Final avalanche so nearby strings spread over the whole range.
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0; h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0; h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A split for an image whose source has none: `val` for about `valFraction` of the keys, `train`
 * for the rest. The key is the identity when known (so one person never sits in both splits),
 * else the file's content hash. Deterministic: the same key always gets the same split.
 */
export function assignSplit(key: string, valFraction: number): Split {
  return stableHash(key) / 2 ** 32 < valFraction ? 'val' : 'train';
}

/** One parsed CSV row. */
export interface CsvEntry { path: string; label: string; split: Split | undefined; line: number }

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  row.push(field);
  if (row.length > 1 || row[0] !== '') rows.push(row);
  return rows;
}

const PATH_COLUMNS = ['path', 'file', 'filename', 'image', 'img', 'image_path', 'file_path'];
const LABEL_COLUMNS = ['label', 'emotion', 'expression', 'class', 'category'];
const SPLIT_COLUMNS = ['split', 'usage', 'set', 'subset'];

/**
 * Rows of a labels CSV: `path,label[,split]` by position, or by a header naming the columns
 * (path/file/image, label/emotion/expression/class, split/usage). Rows with an empty path or
 * label are reported in `bad` with their line numbers.
 */
export function csvEntries(text: string): { entries: CsvEntry[]; bad: number[] } {
  const rows = parseCsv(text);
  let pathCol = 0, labelCol = 1, splitCol = 2, first = 0;
  const head = rows[0]?.map(key);
  if (head) {
    const p = head.findIndex((h) => PATH_COLUMNS.includes(h));
    const l = head.findIndex((h) => LABEL_COLUMNS.includes(h));
    if (p >= 0 && l >= 0) {
      pathCol = p; labelCol = l; splitCol = head.findIndex((h) => SPLIT_COLUMNS.includes(h)); first = 1;
    }
  }
  const entries: CsvEntry[] = [];
  const bad: number[] = [];
  for (let r = first; r < rows.length; r++) {
    const row = rows[r]!;
    const path = row[pathCol]?.trim() ?? '';
    const label = row[labelCol]?.trim() ?? '';
    if (path === '' || label === '') { bad.push(r + 1); continue; }
    const s = splitCol >= 0 ? row[splitCol]?.trim() : undefined;
    entries.push({ path, label, split: s ? splitFromName(s) : undefined, line: r + 1 });
  }
  return { entries, bad };
}
