/**
 * `emotebot serve [--port N] [--host H]`: serves the built page (dist/web) on this machine,
 * building it first with Vite when it is missing and Vite is installed. Runs until SIGINT or
 * SIGTERM (or until `stop` resolves, for tests).
 */
import { parseArgs } from 'node:util';
import { EmoteBotError } from '../core/errors.ts';
import { buildWeb, isBuilt, WEB_DIST } from './build.ts';
import { startPageServer } from './server.ts';

interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const SERVE_HELP = `  emotebot serve [--port <n>] [--host <h>]
                                   serve the EmoteBot page (default http://127.0.0.1:8080/)`;

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

export async function runServe(args: string[], io: Io, stop: () => Promise<void> = waitForSignal, root: string = WEB_DIST): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  if (positionals.length > 0) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot --help)`);
  const port = Number(values.port);
  if (values.port.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EmoteBotError('bad-argument', `--port must be a whole number between 0 and 65535, got "${values.port}"`);
  }
  const host = values.host.trim();
  if (host === '') throw new EmoteBotError('bad-argument', '--host must not be empty');

  if (!isBuilt(root)) {
    io.err('emotebot: the page is not built yet; building it (npm run build:web)');
    try {
      await buildWeb(root);
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n', 1)[0] : String(e);
      io.err(`emotebot: could not build the page (${why}); run \`npm run build:web\` and try again`);
      return 1;
    }
  }
  let server;
  try {
    server = await startPageServer({ root, port, host });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is in use (try --port 0 or another port)` : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? `cannot listen on ${host}` : e instanceof Error ? e.message : String(e);
    io.err(`emotebot: cannot serve: ${why}`);
    return 1;
  }
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    io.err(`emotebot: note: listening on ${host}, so other machines may reach the page`);
  }
  io.out(`EmoteBot page at ${server.url} (Ctrl-C to stop)`);
  await stop();
  await server.close();
  return 0;
}
