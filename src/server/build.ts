/**
 * The built page: where it lives (dist/web) and how to build it (Vite's build API, with the
 * project's vite.config.ts). Vite is a development dependency, so building is optional: without
 * it, the caller says to run `npm run build:web`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIST = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const VITE_CONFIG = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));

export function isBuilt(dir = WEB_DIST): boolean {
  return existsSync(path.join(dir, 'index.html'));
}

/** Builds the page into outDir (default dist/web). Throws when Vite is not installed. */
export async function buildWeb(outDir: string = WEB_DIST): Promise<void> {
  const vite = await import('vite');
  await vite.build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}
