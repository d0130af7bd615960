import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  findUserByEmail,
  insertUser,
  migrateDatabase,
  openDatabase,
  setSuppressionKey,
} from '@mg/db';
import { emailSchema, newPasswordSchema } from '@mg/shared';
import { reportCheck } from './cli-verify';
import { loadEnv } from './env';
import { checkAuditLogOffThread } from './jobs/audit-verify';
import { SYSTEM_SCOPE } from './jobs/retention';
import { logEntry, OPERATOR } from './lib/access-log';
import { anchorConfigFor } from './lib/audit-anchors';
import { anchorAuditLog } from './lib/audit-check';
import { backupDatabase, restoreDatabase } from './lib/backup';
import { inviteFromCli } from './lib/cli-invite';
import { anonymiseNow } from './lib/erasure';
import { hashPassword } from './lib/password';
import { retentionRun } from './lib/retention-run';
import { loadSuppressionKey } from './lib/server-secrets';

const USAGE = `Usage: mg-leads <command> [options]

Commands:
  migrate                         apply database migrations
  create-admin --email E --name N read the password from stdin (at least 12 characters)
  verify-audit                    check the whole access log (chain, target rows, anchors);
                                  exit 1 if broken
  anchor-audit                    check the log from the newest anchor, then sign and append
                                  the chain head to the anchors file; exit 1 if broken
  backup FILE                     online backup of the database into FILE (mode 0600)
  restore FILE                    replace the database with the backup FILE, after checking
                                  its integrity and access log; refused while the server runs
  invite --email E --name N --role R [--subsidiary ID]
                                  invite a user: a single-use link (72 h) through the outbox
  retention [--dry-run]           anonymise leads past the retention period (legal holds are
                                  kept), delete expired sessions and sent mail older than 30
                                  days; --dry-run only counts
  anonymise --lead ID [--lead ID] anonymise these leads now (legal holds are kept)
`;

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const env = loadEnv();
  // Before opening the database: restore replaces the file, and must not migrate it first.
  if (command === 'restore') return restore(rest[0], env.DATABASE_PATH);
  const handle = openDatabase(env.DATABASE_PATH);
  migrateDatabase(handle);
  // Loaded on first use: most commands never touch the suppression list.
  setSuppressionKey(handle.db, () => loadSuppressionKey(env));
  try {
    switch (command) {
      case 'migrate':
        console.log('migrations applied');
        return 0;
      case 'create-admin': {
        const { values } = parseArgs({
          args: rest,
          options: { email: { type: 'string' }, name: { type: 'string' } },
        });
        const email = emailSchema.safeParse(values.email ?? '');
        if (!email.success || !values.name) {
          console.error('create-admin needs a valid --email and a --name');
          return 2;
        }
        const password = newPasswordSchema.safeParse(readFileSync(0, 'utf8').replace(/\r?\n$/, ''));
        if (!password.success) {
          console.error('the password (stdin) must have 12+ characters and not be a common one');
          return 2;
        }
        if (findUserByEmail(handle.db, email.data)) {
          console.error('a user with that e-mail exists already');
          return 1;
        }
        const passwordHash = await hashPassword(password.data);
        const id = handle.db.transaction((tx) => {
          const user = insertUser(tx, {
            email: email.data,
            name: values.name ?? '',
            role: 'admin',
            subsidiaryId: null,
            passwordHash,
          });
          logEntry(tx, null, OPERATOR, {
            action: 'cli.createAdmin',
            outcome: 'ok',
            purpose: 'administration',
            targetType: 'user',
            targetIds: [user.id],
          });
          return user.id;
        });
        console.log(`admin created with id ${id}`);
        return 0;
      }
      case 'invite':
        return inviteFromCli(handle.db, env, rest);
      case 'verify-audit': {
        // Reached from cli-entry.ts only when the database is missing or not migrated (it is
        // migrated above); in worker threads, one range of the log each.
        const check = await checkAuditLogOffThread(handle.db, anchorConfigFor(env), 'full');
        return reportCheck(check);
      }
      case 'anchor-audit': {
        const { check, anchored } = anchorAuditLog(handle.db, anchorConfigFor(env));
        const code = reportCheck(check);
        if (anchored) console.log(`anchored entry ${anchored.id} (${anchored.hash})`);
        else if (check.ok) console.log('nothing new to anchor');
        return code;
      }
      case 'retention': {
        const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' } } });
        const dryRun = values['dry-run'] ?? false;
        const result = await retentionRun(handle.db, {
          scope: SYSTEM_SCOPE,
          dryRun,
          trigger: 'cli',
          by: { actor: OPERATOR, request: { requestId: 'cli', ip: null, userAgent: null } },
          outboxDir: env.OUTBOX_DIR,
        });
        const verb = dryRun ? 'would be anonymised' : 'anonymised';
        console.log(
          `retention (${result.periodMonths} months): ${result.anonymised} leads ${verb}, ${result.skippedLegalHold} skipped for a legal hold; ${result.sessionsDeleted} expired sessions and ${result.outboxDeleted} sent mails older than 30 days ${dryRun ? 'would be deleted' : 'deleted'}`,
        );
        return 0;
      }
      case 'anonymise': {
        const { values } = parseArgs({
          args: rest,
          options: { lead: { type: 'string', multiple: true } },
        });
        const ids = (values.lead ?? []).map(Number);
        if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id <= 0)) {
          console.error('anonymise needs one or more --lead ID (positive whole numbers)');
          return 2;
        }
        const result = await anonymiseNow(handle.db, {
          scope: SYSTEM_SCOPE,
          ids,
          reason: { kind: 'cli' },
          by: { actor: OPERATOR, request: { requestId: 'cli', ip: null, userAgent: null } },
          outboxDir: env.OUTBOX_DIR,
        });
        console.log(`anonymised ${result.anonymised.length} leads`);
        for (const s of result.skipped) console.log(`  lead ${s.id} skipped: ${s.reason}`);
        return 0;
      }
      case 'backup': {
        const file = rest[0];
        if (!file) {
          console.error('backup needs a target FILE');
          return 2;
        }
        try {
          const { pages } = await backupDatabase(handle.sqlite, file);
          console.log(`backup written to ${file} (${pages} pages)`);
          return 0;
        } catch (error) {
          console.error(`backup failed: ${messageOf(error)}`);
          return 1;
        }
      }
      default:
        console.log(USAGE);
        return command ? 2 : 0;
    }
  } finally {
    handle.close();
  }
}

function restore(file: string | undefined, databasePath: string): number {
  if (!file) {
    console.error('restore needs the backup FILE');
    return 2;
  }
  try {
    const { entries, previous } = restoreDatabase(file, databasePath);
    console.log(`restored ${file} into ${databasePath}: ${entries} access-log entries verified`);
    if (previous) console.log(`the previous database is kept as ${previous}`);
    return 0;
  } catch (error) {
    // RestoreRefused says why; anything else (unreadable file, not a database) as it is.
    console.error(`restore refused: ${messageOf(error)}`);
    return 1;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

process.exitCode = await main(process.argv.slice(2));
