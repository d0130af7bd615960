/**
 * `cli.js verify-audit` without the rest of the CLI. The check runs in worker threads; what
 * this thread loads and does first is on the clock of every full check, and the CLI's way
 * (every command's modules, drizzle, migrate, foreign_key_check over every table) cost more
 * than a second of CPU at a million entries before the first worker started. Here: the
 * check's four settings (env-audit.ts, no zod), a read-only connection, the anchors, and
 * worker threads that cli-entry.ts started before loading this (one fewer than ranges: this
 * thread checks the last range itself).
 */
import { openMigratedReadOnly } from '@mg/db/read-only';
import type { AuditEnv } from './env-audit';
import { checkAuditLogFile } from './jobs/audit-verify';
import type { VerifyWorkerPool } from './jobs/audit-verify-pool';
import { anchorConfigFor } from './lib/audit-anchors';
import type { AuditCheck } from './lib/audit-check';

/**
 * Check the whole access log of a migrated database file read-only: the exit code, or null
 * when the file is missing or needs migrations (then the CLI's way migrates it first, as
 * every command does, and checks).
 */
export async function verifyAuditReadOnly(
  env: AuditEnv,
  pool?: VerifyWorkerPool,
): Promise<number | null> {
  const sqlite = openMigratedReadOnly(env.DATABASE_PATH);
  if (!sqlite) return null;
  sqlite.close();
  const check = await checkAuditLogFile(env.DATABASE_PATH, anchorConfigFor(env), 'full', {
    pool,
    // This thread checks the last range itself (decision 048): one thread fewer to start.
    inThisThread: true,
  });
  return reportCheck(check);
}

/** Print a check's outcome for an operator; 0 when it holds, 1 when not. */
export function reportCheck(check: AuditCheck): number {
  const rate = check.durationMs > 0 ? Math.round((check.checked * 1000) / check.durationMs) : 0;
  const range = check.checked > 0 ? `entries ${check.fromId}–${check.toId}` : 'no entries';
  const anchor = check.anchor
    ? `newest anchor: entry ${check.anchor.id} (${new Date(check.anchor.anchoredAt).toISOString()})`
    : 'no anchors yet';
  if (check.ok) {
    console.log(
      `access log OK: ${check.checked} entries verified (${range}) in ${check.durationMs} ms (${rate}/s); ${check.anchors} anchors hold; ${anchor}`,
    );
    return 0;
  }
  const where =
    check.reason === 'anchorForged'
      ? `anchors file line ${check.anchorLine ?? '?'} has no valid signature`
      : `at entry ${check.firstBrokenId}`;
  console.error(
    `access log BROKEN (${check.reason}) ${where}; ${check.checked} entries before it hold; ${anchor}`,
  );
  return 1;
}
