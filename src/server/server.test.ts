import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPageServer, type PageServer } from './server.ts';
import { cacheControl, CONTENT_SECURITY_POLICY, mimeType, resolveRequestPath } from './static-files.ts';

/** A raw GET that sends the path exactly as written (fetch would normalise "..", "%2e%2e" stays). */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('page server', () => {
  let tmp: string;
  let root: string;
  let server: PageServer;
  const SECRET = 'top-secret-outside-root';

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'emotebot-server-'));
    root = path.join(tmp, 'web');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await mkdir(path.join(root, 'models'), { recursive: true });
    await writeFile(path.join(tmp, 'secret.txt'), SECRET);
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>EmoteBot</title>');
    await writeFile(path.join(root, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
    await writeFile(path.join(root, 'assets', 'index-AbCd1234.css'), 'body{}');
    await writeFile(path.join(root, 'models', 'face.json'), '{}');
    await writeFile(path.join(root, 'models', 'face.bin'), Buffer.from([1, 2, 3]));
    await writeFile(path.join(root, 'models', 'tfjs.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    await writeFile(path.join(root, 'mona.jpg'), Buffer.from([0xff, 0xd8, 0xff]));
    await writeFile(path.join(root, 'logo.png'), Buffer.from([0x89, 0x50]));
    await symlink(path.join(tmp, 'secret.txt'), path.join(root, 'link.txt'));
    server = await startPageServer({ root, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 by default on the port it was given (0: a free one)', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('serves index.html at / with no-cache and the CSP', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>EmoteBot</title>');
  });

  it('serves every kind of file with its MIME type; hashed assets are immutable', async () => {
    const cases: [string, string, string][] = [
      ['assets/index-AbCd1234.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['assets/index-AbCd1234.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['models/face.json', 'application/json; charset=utf-8', 'no-cache'],
      ['models/face.bin', 'application/octet-stream', 'no-cache'],
      ['models/tfjs.wasm', 'application/wasm', 'no-cache'],
      ['mona.jpg', 'image/jpeg', 'no-cache'],
      ['logo.png', 'image/png', 'no-cache'],
      ['index.html', 'text/html; charset=utf-8', 'no-cache'],
    ];
    for (const [file, type, cache] of cases) {
      const res = await fetch(server.url + file);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toBe(type);
      expect(res.headers.get('cache-control'), file).toBe(cache);
      expect(res.headers.get('content-security-policy'), file).toBe(CONTENT_SECURITY_POLICY);
      await res.arrayBuffer();
    }
  });

  it('answers HEAD without a body and 304 for a matching ETag', async () => {
    const head = await fetch(server.url + 'index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    const etag = head.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(server.url + 'index.html', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
  });

  it('404s unknown files and directories, 405s other methods', async () => {
    for (const p of ['nope.js', 'assets/', 'assets', 'models/missing.bin']) {
      const res = await fetch(server.url + p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      await res.text();
    }
    const post = await fetch(server.url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    await post.text();
  });

  it('refuses path traversal in every spelling', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..\\..\\secret.txt',
      '/%00index.html',
      '/%E0%A4%A',
      '/link.txt',
      '//etc/passwd',
      '/C:/Windows/win.ini',
    ];
    for (const a of attempts) {
      const res = await rawGet(server.port, a);
      expect([400, 403, 404], a).toContain(res.status);
      expect(res.body, a).not.toContain(SECRET);
    }
  });
});

describe('static file rules', () => {
  it('resolves request paths inside the root', () => {
    expect(resolveRequestPath('/')).toEqual({ ok: true, rel: 'index.html' });
    expect(resolveRequestPath('/assets/a-12345678.js?v=2#x')).toEqual({ ok: true, rel: 'assets/a-12345678.js' });
    expect(resolveRequestPath('/./a/./b.json')).toEqual({ ok: true, rel: 'a/b.json' });
    expect(resolveRequestPath('/a/../b').ok).toBe(false);
    expect(resolveRequestPath('http://example.com/').ok).toBe(false);
  });

  it('knows MIME types and cache rules', () => {
    expect(mimeType('x.WASM')).toBe('application/wasm');
    expect(mimeType('x.unknown')).toBe('application/octet-stream');
    expect(cacheControl('assets/index-DATfQZAc.js')).toContain('immutable');
    expect(cacheControl('index.html')).toBe('no-cache');
    expect(cacheControl('assets/logo.png')).toBe('no-cache');
  });
});
