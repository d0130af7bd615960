import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '@mg/db';
import type { Env } from '../env';
import type { AnchorConfig } from '../lib/audit-anchors';
import { anchorConfigFor } from '../lib/audit-anchors';
import {
  type AuditCheck,
  type AuditCheckMode,
  type AuditTrail,
  checkAuditLog,
} from '../lib/audit-check';

/**
 * The worker: beside the bundle (dist/audit-verify-worker.js); or, running from source (tests,
 * `tsx`), the .ts file beside this one, loaded after registering tsx in the worker (a
 * worker does not inherit the loader, and `--import` in its execArgv is not honoured).
 */
function startWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return new Worker(new URL('./audit-verify-worker.js', here), { workerData });
  // tsx's ESM API (its package exports it to `require` as .cjs, which cannot load it).
  const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./audit-verify-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}));`;
  return new Worker(boot, { eval: true, workerData });
}

/** The file under a database handle, or null for an in-memory database. */
function databaseFile(db: Db): string | null {
  // drizzle keeps the better-sqlite3 connection as $client (not in its exported type).
  const name = (db as unknown as { $client: { name?: string } }).$client.name;
  return name && name !== ':memory:' ? name : null;
}

/** Check the access log in a worker thread (the request thread stays free). */
export function checkAuditLogOffThread(
  db: Db,
  config: AnchorConfig,
  mode: AuditCheckMode,
): Promise<AuditCheck> {
  const file = databaseFile(db);
  // An in-memory database cannot be opened from another thread.
  if (!file) return Promise.resolve(checkAuditLog(db, config, mode));
  return new Promise((resolvePromise, reject) => {
    const worker = startWorker({ file, config, mode });
    let settled = false;
    worker.once('message', (message: { result?: AuditCheck; error?: string }) => {
      settled = true;
      if (message.result) resolvePromise(message.result);
      else reject(new Error(`access-log check failed: ${message.error ?? 'unknown'}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`access-log check worker exited with code ${code}`));
    });
  });
}

const running = new WeakMap<Db, Map<AuditCheckMode, Promise<AuditCheck>>>();

/**
 * The API's audit trail: anchors from configuration, checks in a worker thread. A check asked
 * for while the same kind is running shares its answer, so repeated clicks start one worker.
 */
export function workerAuditTrail(db: Db, env: Env): AuditTrail {
  return {
    anchors: () => anchorConfigFor(env),
    check: (mode) => {
      let byMode = running.get(db);
      if (!byMode) {
        byMode = new Map();
        running.set(db, byMode);
      }
      const inFlight = byMode.get(mode);
      if (inFlight) return inFlight;
      const started = checkAuditLogOffThread(db, anchorConfigFor(env), mode).finally(() =>
        byMode.delete(mode),
      );
      byMode.set(mode, started);
      return started;
    },
  };
}
