/**
 * The page server: a small static file server for the built page (dist/web). GET and HEAD
 * only, 127.0.0.1 by default, no directory listings, nothing outside the root (also through
 * symbolic links), security headers (CSP) on every response.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { cacheControl, mimeType, resolveRequestPath, SECURITY_HEADERS } from './static-files.ts';

export interface PageServerOptions {
  /** Folder to serve (the Vite build output). */
  root: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
}

export interface PageServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, text: string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function handle(rootReal: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'Method not allowed\n', false);
    return;
  }
  const resolved = resolveRequestPath(req.url ?? '/');
  if (!resolved.ok) {
    send(res, resolved.status, resolved.status === 403 ? 'Forbidden\n' : 'Bad request\n', head);
    return;
  }
  let file: string;
  let size: number;
  let mtime: number;
  try {
    file = await realpath(path.join(rootReal, resolved.rel));
    if (!inside(rootReal, file)) {
      send(res, 403, 'Forbidden\n', head);
      return;
    }
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
    mtime = st.mtimeMs;
  } catch {
    send(res, 404, 'Not found\n', head);
    return;
  }
  const etag = `W/"${size.toString(16)}-${Math.floor(mtime).toString(16)}"`;
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': mimeType(file),
    'Cache-Control': cacheControl(resolved.rel),
    ETag: etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': size });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const host = options.host ?? '127.0.0.1';
  const rootReal = await realpath(options.root);
  const server = http.createServer((req, res) => {
    handle(rootReal, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal error\n', false);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${urlHost}:${addr.port}/`,
    host: addr.address,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
