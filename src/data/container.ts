/**
 * The byte container of EmoteBot's data files: a JSON header describing a list of named, typed,
 * shaped arrays, then the arrays themselves. Pure: bytes in, bytes out (src/data/files.ts reads
 * and writes files).
 *
 * Layout (all numbers little-endian):
 *   0   8 bytes  magic "EMOTEBOT"
 *   8   uint32   container version (CONTAINER_VERSION)
 *   12  uint32   H, byte length of the header (a multiple of 8)
 *   16  H bytes  UTF-8 JSON header, padded with spaces
 *   16+H         data: each array at `offset` bytes from here, 8-byte aligned, `byteLength` long;
 *                the header's `dataBytes` is the data's total length, so a truncated file is
 *                recognised before anything is read from it.
 * Array types: int8/uint8/int16/uint16/int32/uint32/float32/float64 (row-major, `shape` gives the
 * dimensions), and utf8: a list of strings stored as uint32 offsets (count + 1) then the bytes.
 * A quantised array stores integers with a `step`: value = integer * step.
 * New arrays can be added under new names without a version change; readers ignore names they do
 * not know. Changing the meaning of an existing array needs a new version.
 */
import { EmoteBotError } from '../core/errors.ts';

export const MAGIC = 'EMOTEBOT';
export const CONTAINER_VERSION = 1;
const PREFIX = 16;

export type NumericDType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
export type DType = NumericDType | 'utf8';
export type NumericArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
export type ArrayData = NumericArray | readonly string[];

export interface ArraySpec {
  name: string;
  dtype: DType;
  shape: number[];
  /** Quantised arrays: value = stored integer * step. */
  step?: number;
  description?: string;
}

export interface StoredArray extends ArraySpec {
  offset: number;
  byteLength: number;
}

export interface ContainerHeader {
  format: 'emotebot-data';
  version: number;
  kind: string;
  dataBytes: number;
  arrays: StoredArray[];
  [key: string]: unknown;
}

/** Why a file was refused. */
export type DataErrorKind = 'not-emotebot' | 'version' | 'truncated' | 'corrupt' | 'wrong-kind';

export class DataFileError extends EmoteBotError {
  constructor(readonly kind: DataErrorKind, message: string) {
    super('unreadable', message);
    this.name = 'DataFileError';
  }
}

const CTORS = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
} as const;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function encodeStrings(list: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = list.map((s) => enc.encode(s));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(4 * (list.length + 1) + total);
  const offsets = new DataView(out.buffer);
  let at = 0;
  const base = 4 * (list.length + 1);
  parts.forEach((p, i) => {
    offsets.setUint32(i * 4, at, true);
    out.set(p, base + at);
    at += p.length;
  });
  offsets.setUint32(list.length * 4, at, true);
  return out;
}

function decodeStrings(bytes: Uint8Array, count: number, name: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base = 4 * (count + 1);
  if (bytes.byteLength < base) throw new DataFileError('corrupt', `array "${name}" is shorter than its string table`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const out = new Array<string>(count);
  let prev = view.getUint32(0, true);
  for (let i = 0; i < count; i++) {
    const next = view.getUint32((i + 1) * 4, true);
    if (next < prev || base + next > bytes.byteLength) throw new DataFileError('corrupt', `array "${name}": string ${i} is out of range`);
    out[i] = dec.decode(bytes.subarray(base + prev, base + next));
    prev = next;
  }
  return out;
}

/** Bytes of one array as stored. */
function arrayBytes(spec: ArraySpec, data: ArrayData): Uint8Array {
  if (spec.dtype === 'utf8') {
    if (!Array.isArray(data)) throw new Error(`array "${spec.name}": utf8 needs a list of strings`);
    if (data.length !== (spec.shape[0] ?? 0) || spec.shape.length !== 1) throw new Error(`array "${spec.name}": shape ${JSON.stringify(spec.shape)} does not match ${data.length} strings`);
    return encodeStrings(data as readonly string[]);
  }
  const Ctor = CTORS[spec.dtype];
  if (!(data instanceof Ctor)) throw new Error(`array "${spec.name}": expected ${Ctor.name} for ${spec.dtype}`);
  if (data.length !== product(spec.shape)) throw new Error(`array "${spec.name}": ${data.length} values do not fill shape ${JSON.stringify(spec.shape)}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Encodes a header (everything but the array table) and arrays into one file's bytes. */
export function encodeContainer(meta: { kind: string; version: number; [key: string]: unknown }, arrays: ReadonlyArray<{ spec: ArraySpec; data: ArrayData }>): Uint8Array {
  if (!isLittleEndian()) throw new Error('EmoteBot data files are little-endian; this machine is not');
  const names = new Set<string>();
  const stored: StoredArray[] = [];
  const blobs: Uint8Array[] = [];
  let at = 0;
  for (const { spec, data } of arrays) {
    if (names.has(spec.name)) throw new Error(`array "${spec.name}" appears twice`);
    names.add(spec.name);
    const bytes = arrayBytes(spec, data);
    stored.push({ ...spec, offset: at, byteLength: bytes.byteLength });
    blobs.push(bytes);
    at = align8(at + bytes.byteLength);
  }
  const header: ContainerHeader = { ...meta, format: 'emotebot-data', kind: meta.kind, version: meta.version, dataBytes: at, arrays: stored };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const H = align8(json.length);
  const out = new Uint8Array(PREFIX + H + at);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, H, true);
  out.set(json, PREFIX);
  out.fill(0x20, PREFIX + json.length, PREFIX + H);
  stored.forEach((s, i) => out.set(blobs[i]!, PREFIX + H + s.offset));
  return out;
}

export interface Container {
  header: ContainerHeader;
  /** The array called `name` (a view into the file's bytes when aligned), or undefined. */
  get(name: string): ArrayData | undefined;
  /** A numeric array as float32, quantisation undone. */
  floats(name: string): Float32Array | undefined;
}

/**
 * Decodes a file's bytes. Refuses, with a message naming `what` (the file), anything that is not an
 * EmoteBot data file, another container or content version, a truncated file, and a header that
 * does not describe its data.
 */
export function decodeContainer(bytes: Uint8Array, what: string, expect: { kind: string; version: number }): Container {
  if (!isLittleEndian()) throw new Error('EmoteBot data files are little-endian; this machine is not');
  const magicOk = bytes.byteLength >= MAGIC.length && [...MAGIC].every((ch, i) => bytes[i] === ch.charCodeAt(0));
  if (!magicOk) {
    if (bytes.byteLength === 0) throw new DataFileError('truncated', `${what} is empty: rebuild it`);
    if (bytes.byteLength < MAGIC.length && [...MAGIC].slice(0, bytes.byteLength).every((ch, i) => bytes[i] === ch.charCodeAt(0))) {
      throw new DataFileError('truncated', `${what} is truncated (${bytes.byteLength} bytes): rebuild it`);
    }
    throw new DataFileError('not-emotebot', `${what} is not an EmoteBot data file`);
  }
  if (bytes.byteLength < PREFIX) throw new DataFileError('truncated', `${what} is truncated (${bytes.byteLength} bytes): rebuild it`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cv = view.getUint32(8, true);
  if (cv !== CONTAINER_VERSION) {
    throw new DataFileError('version', `${what} uses container version ${cv}; this EmoteBot reads version ${CONTAINER_VERSION}: rebuild it with this version of emotebot`);
  }
  const H = view.getUint32(12, true);
  if (PREFIX + H > bytes.byteLength) throw new DataFileError('truncated', `${what} is truncated (its header alone needs ${PREFIX + H} bytes, the file has ${bytes.byteLength}): rebuild it`);
  let header: ContainerHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + H))) as ContainerHeader;
  } catch {
    throw new DataFileError('corrupt', `${what} has a damaged header: rebuild it`);
  }
  if (header.format !== 'emotebot-data' || typeof header.kind !== 'string' || !Array.isArray(header.arrays) || typeof header.dataBytes !== 'number') {
    throw new DataFileError('corrupt', `${what} has a damaged header: rebuild it`);
  }
  if (header.kind !== expect.kind) throw new DataFileError('wrong-kind', `${what} holds ${header.kind}, not ${expect.kind}`);
  if (header.version !== expect.version) {
    throw new DataFileError('version', `${what} is ${header.kind} format version ${header.version}; this EmoteBot reads version ${expect.version}: rebuild it with this version of emotebot`);
  }
  const base = PREFIX + H;
  const expected = base + header.dataBytes;
  if (bytes.byteLength < expected) throw new DataFileError('truncated', `${what} is truncated (${bytes.byteLength} of ${expected} bytes): rebuild it`);
  if (bytes.byteLength > expected) throw new DataFileError('corrupt', `${what} has ${bytes.byteLength - expected} unexpected bytes at its end: rebuild it`);
  const byName = new Map<string, StoredArray>();
  for (const a of header.arrays) {
    const ok = a && typeof a.name === 'string' && (a.dtype === 'utf8' || a.dtype in CTORS) && Array.isArray(a.shape)
      && Number.isInteger(a.offset) && Number.isInteger(a.byteLength) && a.offset >= 0 && a.offset % 8 === 0 && a.offset + a.byteLength <= header.dataBytes;
    if (!ok) throw new DataFileError('corrupt', `${what}: array ${JSON.stringify(a?.name)} is described wrongly: rebuild it`);
    if (a.dtype !== 'utf8' && a.byteLength !== product(a.shape) * CTORS[a.dtype].BYTES_PER_ELEMENT) {
      throw new DataFileError('corrupt', `${what}: array "${a.name}" has ${a.byteLength} bytes for shape ${JSON.stringify(a.shape)}: rebuild it`);
    }
    byName.set(a.name, a);
  }
  const cache = new Map<string, ArrayData>();
  const get = (name: string): ArrayData | undefined => {
    const hit = cache.get(name);
    if (hit) return hit;
    const a = byName.get(name);
    if (!a) return undefined;
    const start = bytes.byteOffset + base + a.offset;
    let data: ArrayData;
    if (a.dtype === 'utf8') data = decodeStrings(bytes.subarray(base + a.offset, base + a.offset + a.byteLength), a.shape[0] ?? 0, a.name);
    else {
      const Ctor = CTORS[a.dtype];
      const n = a.byteLength / Ctor.BYTES_PER_ELEMENT;
      data = start % Ctor.BYTES_PER_ELEMENT === 0
        ? new Ctor(bytes.buffer as ArrayBuffer, start, n)
        : new Ctor(bytes.slice(base + a.offset, base + a.offset + a.byteLength).buffer, 0, n);
    }
    cache.set(name, data);
    return data;
  };
  const floats = (name: string): Float32Array | undefined => {
    const a = byName.get(name);
    const data = get(name);
    if (!a || !data || a.dtype === 'utf8' || Array.isArray(data)) return undefined;
    const src = data as NumericArray;
    if (a.step === undefined) return src instanceof Float32Array ? src : Float32Array.from(src);
    const out = new Float32Array(src.length);
    const step = a.step;
    for (let i = 0; i < src.length; i++) out[i] = src[i]! * step;
    return out;
  };
  return { header, get, floats };
}

/** Rounds values to multiples of `step` in int16; counts values that had to be clamped. */
export function quantiseInt16(values: ArrayLike<number>, step: number, out: Int16Array<ArrayBufferLike> = new Int16Array(values.length)): { data: Int16Array<ArrayBufferLike>; clamped: number } {
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    let q = Math.round(values[i]! / step);
    if (q > 32767) { q = 32767; clamped++; } else if (q < -32767) { q = -32767; clamped++; } else if (Number.isNaN(q)) { q = 0; clamped++; }
    out[i] = q;
  }
  return { data: out, clamped };
}
