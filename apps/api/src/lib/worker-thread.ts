import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '@mg/db';

/**
 * Start the worker `name` that sits beside the calling module (`at`: its import.meta.url):
 * in the bundle, dist/<name>.js; running from source (tests, the benchmarks under tsx), the
 * .ts file, loaded after registering tsx in the worker (a worker does not inherit the loader,
 * and `--import` in its execArgv is not honoured).
 */
export function startWorkerBeside(at: string, name: string, workerData: unknown): Worker {
  // A module tsx loaded through tsImport (in a worker started here) has a `?tsx-namespace=`
  // query on its URL: without it, the file is the same.
  const url = new URL(at);
  url.search = '';
  const from = url.href;
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), { workerData });
  // tsx's ESM API (its package exports it to `require` as .cjs, which cannot load it).
  const tsxDir = dirname(createRequire(from).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL(`./${name}.ts`, from).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(from)}));`;
  return new Worker(boot, { eval: true, workerData });
}

/** The file under a database handle, or null for an in-memory database (no worker can open it). */
export function databaseFile(db: Db): string | null {
  // drizzle keeps the better-sqlite3 connection as $client (not in its exported type).
  const name = (db as unknown as { $client: { name?: string } }).$client.name;
  return name && name !== ':memory:' ? name : null;
}
