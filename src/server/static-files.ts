/**
 * Pure rules of the page server: which file a request path names (or why it is refused),
 * its MIME type, its cache policy, and the security headers every response carries.
 */
import path from 'node:path';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; worker-src 'self' blob:; " +
  "script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src 'self'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
});

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Vite's hashed output (assets/name-HASH.ext) never changes under the same name. */
const HASHED = /(^|\/)assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export function cacheControl(relPath: string): string {
  return HASHED.test(relPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export type Resolved =
  | { ok: true; rel: string }
  | { ok: false; status: 400 | 403; reason: string };

/**
 * Maps a request target ("/assets/x.js?v=1") to a path relative to the served root, with "/"
 * as index.html. Refuses anything that could leave the root: ".." segments (also encoded),
 * backslashes, NUL bytes, absolute or drive paths, bad percent-encoding.
 */
export function resolveRequestPath(target: string): Resolved {
  const raw = target.split(/[?#]/, 1)[0] ?? '';
  if (!raw.startsWith('/')) return { ok: false, status: 400, reason: 'not an absolute path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL byte' };
  if (decoded.includes('\\')) return { ok: false, status: 403, reason: 'backslash' };
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || /^[A-Za-z]:/.test(s))) return { ok: false, status: 403, reason: 'outside the root' };
  const rel = segments.length === 0 ? 'index.html' : segments.join('/');
  return { ok: true, rel };
}
