import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { runServe } from './serve-command.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('emotebot serve', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'emotebot-serve-'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>EmoteBot</title>');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('serves the page on 127.0.0.1 until stopped, and says where', async () => {
    const c = capture();
    let status = 0;
    const stop = async (): Promise<void> => {
      const url = /http:\/\/\S+\//.exec(c.out.join('\n'))?.[0];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(url!);
      status = res.status;
      await res.text();
    };
    expect(await runServe(['--port', '0'], c.io, stop, root)).toBe(0);
    expect(status).toBe(200);
    expect(c.err).toEqual([]);
  });

  it('refuses bad options with exit code 2 and one line', async () => {
    for (const args of [['serve', '--port', 'abc'], ['serve', '--port', '70000'], ['serve', '--host', ''], ['serve', 'extra']]) {
      const c = capture();
      expect(await main(args, c.io), args.join(' ')).toBe(2);
      expect(c.err).toHaveLength(1);
    }
  });

  it('is listed in --help', async () => {
    const c = capture();
    await main(['--help'], c.io);
    expect(c.out.join('\n')).toContain('emotebot serve');
  });
});
