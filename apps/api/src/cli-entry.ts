/**
 * The CLI's entry (dist/cli.js). `verify-audit` on a migrated database is answered by
 * cli-verify.ts, which loads a fraction of the CLI (no drizzle, no other command's modules);
 * everything else, and verify-audit on a database that needs migrating, by cli.ts.
 */
import { loadEnv } from './env';

if (process.argv[2] === 'verify-audit') {
  const { verifyAuditReadOnly } = await import('./cli-verify');
  const code = await verifyAuditReadOnly(loadEnv());
  if (code === null) await import('./cli');
  else process.exitCode = code;
} else await import('./cli');
