import { readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type AnonymisationReason,
  type AnonymisationResult,
  anonymiseLeadsIn,
  checkpointAfterAnonymisation,
  type Db,
} from '@mg/db';
import type { Scope } from '@mg/shared';
import { type LogActor, logEntry, type RequestInfo } from './access-log';

/** `<stamp>-<outbox id>-<random>.eml`, as the files mailer names them (lib/mail.ts). */
const EML_NAME = /^.+-(\d+)-[0-9a-f]+\.eml$/;

/**
 * Delete the .eml copies of the given outbox rows from OUTBOX_DIR. The database knows the
 * rows, not the files: a file belongs to a row by the id in its name. A missing directory
 * (SMTP is used, nothing was ever written) is not an error.
 */
export async function deleteOutboxFiles(dir: string, outboxIds: readonly number[]) {
  if (outboxIds.length === 0) return 0;
  const wanted = new Set(outboxIds);
  let names: string[];
  try {
    names = await readdir(resolve(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const id = EML_NAME.exec(name)?.[1];
    if (id === undefined || !wanted.has(Number(id))) continue;
    await unlink(join(resolve(dir), name));
    removed++;
  }
  return removed;
}

/** Who runs it, for the access-log entry: staff (a request), or the operator/scheduler. */
export interface RunBy {
  actor: LogActor;
  request: RequestInfo | null;
}

/**
 * What follows every committed anonymisation: the WAL checkpoint (so the old page images
 * leave the -wal file) and the .eml files of the cleared outbox rows.
 */
export async function afterAnonymisation(db: Db, outboxDir: string, outboxIds: readonly number[]) {
  const checkpoint = checkpointAfterAnonymisation(db);
  const filesRemoved = await deleteOutboxFiles(outboxDir, outboxIds);
  return { ...checkpoint, filesRemoved };
}

/** Anonymise leads outside a request (the CLI): one transaction, one entry, then the cleanup. */
export async function anonymiseNow(
  db: Db,
  {
    scope,
    ids,
    reason,
    by,
    outboxDir,
  }: { scope: Scope; ids: number[]; reason: AnonymisationReason; by: RunBy; outboxDir: string },
): Promise<AnonymisationResult & { filesRemoved: number }> {
  const result = db.transaction((tx) =>
    anonymiseLeadsIn(tx, {
      scope,
      ids,
      reason,
      log: (entry) => logEntry(tx, by.request, by.actor, { ...entry, outcome: 'ok' }),
    }),
  );
  const after = await afterAnonymisation(db, outboxDir, result.outboxIds);
  return { ...result, filesRemoved: after.filesRemoved };
}
