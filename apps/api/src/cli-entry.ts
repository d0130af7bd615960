/**
 * The CLI's entry (dist/cli.js). `verify-audit` on a migrated database is answered by
 * cli-verify.ts, which loads a fraction of the CLI (no zod, no drizzle, no other command's
 * modules); everything else, and verify-audit on a database that needs migrating, by cli.ts.
 */

import type { VerifyWorkerPool } from './jobs/audit-verify-pool';

if (process.argv[2] === 'verify-audit') {
  // The check's threads first: their start-up (~30 ms and a module load each) overlaps what
  // this thread loads and reads before it knows their ranges (decision 037). As many as the
  // file's size allows ranges for, less the one this thread checks itself (decision 048):
  // none for a small log.
  const { loadAuditEnv } = await import('./env-audit');
  const { prestartVerifyWorkers, threadsForFile } = await import('./jobs/audit-verify-pool');
  let pool: VerifyWorkerPool | null = null;
  try {
    const env = loadAuditEnv();
    pool = prestartVerifyWorkers(threadsForFile(env.DATABASE_PATH) - 1);
    const { verifyAuditReadOnly } = await import('./cli-verify');
    const code = await verifyAuditReadOnly(env, pool);
    await pool.close();
    if (code === null) await import('./cli');
    else process.exitCode = code;
  } catch (error) {
    await pool?.close();
    // A configuration error (or an unreadable file): its message, without a stack trace.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  }
} else await import('./cli');
