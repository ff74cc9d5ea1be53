/**
 * One cache record: what detection found in one image (or video frame), keyed by a hash of the
 * file's content and the pipeline version. Pure byte encoding; src/data/cache.ts keeps the file.
 *
 * A record on disk: "EBCR", uint32 payload length, uint32 CRC-32 of the payload, payload. A
 * record cut short by Ctrl-C or a crash fails its length or CRC check and is dropped with
 * everything after it, so an interrupted run never poisons the next one.
 * Payload: 32-byte key, uint8 status (0 detected, 1 unreadable), uint32 width, uint32 height,
 * uint8 face count, then per face: box x, y, w, h and score (float32), 468 x 3 float32 mesh;
 * then a uint16-length-prefixed UTF-8 message (unreadable files).
 */
import type { Detection, FoundFace } from './judge.ts';

const MAGIC = [0x45, 0x42, 0x43, 0x52]; // EBCR
export const RECORD_HEAD = 12;
export const KEY_BYTES = 32;
const MESH = 468 * 3;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the zlib / PNG polynomial). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function encodeRecord(key: Uint8Array, d: Detection): Uint8Array {
  if (key.length !== KEY_BYTES) throw new Error(`record key must be ${KEY_BYTES} bytes`);
  const faces = d.status === 'ok' ? d.faces.slice(0, 255) : [];
  const msg = new TextEncoder().encode(d.status === 'unreadable' ? d.message.slice(0, 2000) : '');
  const payload = KEY_BYTES + 1 + 8 + 1 + faces.length * (5 + MESH) * 4 + 2 + msg.length;
  const out = new Uint8Array(RECORD_HEAD + payload);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint32(4, payload, true);
  let at = RECORD_HEAD;
  out.set(key, at); at += KEY_BYTES;
  v.setUint8(at, d.status === 'ok' ? 0 : 1); at += 1;
  v.setUint32(at, d.status === 'ok' ? d.width : 0, true); at += 4;
  v.setUint32(at, d.status === 'ok' ? d.height : 0, true); at += 4;
  v.setUint8(at, faces.length); at += 1;
  for (const f of faces) {
    for (const x of [f.box.x, f.box.y, f.box.width, f.box.height, f.score]) { v.setFloat32(at, x, true); at += 4; }
    if (f.mesh.length !== MESH) throw new Error(`face mesh needs ${MESH} values`);
    for (let i = 0; i < MESH; i++) { v.setFloat32(at, f.mesh[i]!, true); at += 4; }
  }
  v.setUint16(at, msg.length, true); at += 2;
  out.set(msg, at);
  v.setUint32(8, crc32(out.subarray(RECORD_HEAD)), true);
  return out;
}

export interface RecordSpan {
  key: string;
  /** Byte offset of the record's start, and its whole length. */
  offset: number;
  length: number;
}

/**
 * Scans concatenated records. Stops at the first damaged or incomplete one: `validBytes` is how
 * much of the input holds whole records (a caller truncates the file there before appending).
 */
export function scanRecords(bytes: Uint8Array, baseOffset = 0): { spans: RecordSpan[]; validBytes: number } {
  const spans: RecordSpan[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + RECORD_HEAD <= bytes.length) {
    if (!MAGIC.every((m, i) => bytes[at + i] === m)) break;
    const len = v.getUint32(at + 4, true);
    if (len < KEY_BYTES + 12 || at + RECORD_HEAD + len > bytes.length) break;
    const payload = bytes.subarray(at + RECORD_HEAD, at + RECORD_HEAD + len);
    if (crc32(payload) !== v.getUint32(at + 8, true)) break;
    spans.push({ key: hex(payload.subarray(0, KEY_BYTES)), offset: baseOffset + at, length: RECORD_HEAD + len });
    at += RECORD_HEAD + len;
  }
  return { spans, validBytes: at };
}

/** Decodes one whole record (as written by encodeRecord). */
export function decodeRecord(bytes: Uint8Array): { key: string; detection: Detection } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < RECORD_HEAD || !MAGIC.every((m, i) => bytes[i] === m)) throw new Error('not a cache record');
  const len = v.getUint32(4, true);
  if (RECORD_HEAD + len !== bytes.length || crc32(bytes.subarray(RECORD_HEAD)) !== v.getUint32(8, true)) throw new Error('damaged cache record');
  let at = RECORD_HEAD;
  const key = hex(bytes.subarray(at, at + KEY_BYTES)); at += KEY_BYTES;
  const status = v.getUint8(at); at += 1;
  const width = v.getUint32(at, true); at += 4;
  const height = v.getUint32(at, true); at += 4;
  const n = v.getUint8(at); at += 1;
  const faces: FoundFace[] = [];
  for (let k = 0; k < n; k++) {
    const f = [0, 1, 2, 3, 4].map((i) => v.getFloat32(at + i * 4, true)) as [number, number, number, number, number];
    at += 20;
    const mesh = new Float32Array(MESH);
    for (let i = 0; i < MESH; i++) { mesh[i] = v.getFloat32(at, true); at += 4; }
    faces.push({ box: { x: f[0], y: f[1], width: f[2], height: f[3] }, score: f[4], mesh });
  }
  const mlen = v.getUint16(at, true); at += 2;
  const message = new TextDecoder().decode(bytes.subarray(at, at + mlen));
  return { key, detection: status === 0 ? { status: 'ok', width, height, faces } : { status: 'unreadable', message } };
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}
