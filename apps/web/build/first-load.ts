/**
 * First-load JavaScript of a route, read from the Vite manifest of a build (apps/web/dist):
 * the entry's static import graph plus the route module's, each file counted once, gzipped.
 * Used by bench/web and the first-load test in e2e/, so both measure the same thing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

type ManifestChunk = {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
};

export type Manifest = Record<string, ManifestChunk>;

/**
 * The modules a cold load of each page runs besides the entry (see src/router.tsx): the
 * signed-in shell, the route's code and its strings (src/lib/route-strings.ts), fetched side
 * by side.
 */
export const ROUTE_MODULES = {
  '/login': [],
  '/leads': [
    'src/routes/layout/app-layout.tsx',
    'src/routes/leads/leads-page.tsx',
    'virtual:strings/nb-leads',
  ],
} as const satisfies Record<string, readonly string[]>;

export type BudgetedRoute = keyof typeof ROUTE_MODULES;

/** The budget of issue 11: 200 KB of gzipped JavaScript on the first load of a page. */
export const FIRST_LOAD_BUDGET_BYTES = 200 * 1024;

export function readManifest(distDir: string): Manifest {
  return JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
}

/** The files a page loads before it can render: static imports only, never dynamic ones. */
export function firstLoadFiles(manifest: Manifest, route: BudgetedRoute): string[] {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  if (entries.length !== 1) throw new Error(`expected one entry, found ${entries.length}`);
  const roots = [entries[0]?.[0] ?? '', ...ROUTE_MODULES[route]];
  const seen = new Set<string>();
  const files: string[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest`);
    if (chunk.file.endsWith('.js')) files.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const root of roots) visit(root);
  return files;
}

/** Sizes of a page's first-load files; brotli (what browsers get from our server) for reference. */
export type FirstLoad = { files: number; rawBytes: number; gzipBytes: number; brotliBytes: number };

export function firstLoad(distDir: string, route: BudgetedRoute): FirstLoad {
  const files = firstLoadFiles(readManifest(distDir), route);
  let rawBytes = 0;
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (const file of files) {
    const body = readFileSync(join(distDir, file));
    rawBytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
    brotliBytes += brotliCompressSync(body).length;
  }
  return { files: files.length, rawBytes, gzipBytes, brotliBytes };
}
