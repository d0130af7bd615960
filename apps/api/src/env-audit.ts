/**
 * The four settings `cli.js verify-audit` needs, read without zod. env.ts parses the whole
 * configuration with zod, which costs the CLI ~0.14 s of CPU to load before the first worker
 * thread could start (decision 035); a full check of the access log is timed from the
 * process start, so its entry reads only these. Besides env.ts, this is the one module that
 * reads process.env (test/env-rule.test.ts holds both to that); its checks are env.ts's for
 * the same variables (the test also compares the two on the same sources).
 */

/** Where the database is when DATABASE_PATH is not set (env.ts uses the same default). */
export const DEFAULT_DATABASE_PATH = 'data/mg-leads.db';
/** The shortest AUDIT_ANCHOR_KEY accepted (env.ts uses the same bound). */
export const ANCHOR_KEY_MIN_LENGTH = 32;

/** What the access-log check reads from the environment (a part of env.ts's Env). */
export interface AuditEnv {
  DATABASE_PATH: string;
  AUDIT_ANCHOR_KEY?: string | undefined;
  AUDIT_ANCHOR_KEY_FILE?: string | undefined;
  AUDIT_ANCHORS_FILE?: string | undefined;
}

/**
 * The access-log check's settings from `source` (the process environment by default), with
 * env.ts's defaults and bounds; throws the same kind of "Invalid configuration" error.
 */
export function loadAuditEnv(source: Record<string, string | undefined> = process.env): AuditEnv {
  const issues: string[] = [];
  const nonEmpty = (name: string): string | undefined => {
    const value = source[name];
    if (value === '') issues.push(`  ${name}: must not be empty`);
    return value === '' ? undefined : value;
  };
  const databasePath = nonEmpty('DATABASE_PATH') ?? DEFAULT_DATABASE_PATH;
  const key = source.AUDIT_ANCHOR_KEY;
  if (key !== undefined && key.length < ANCHOR_KEY_MIN_LENGTH)
    issues.push(`  AUDIT_ANCHOR_KEY: must have at least ${ANCHOR_KEY_MIN_LENGTH} characters`);
  const keyFile = nonEmpty('AUDIT_ANCHOR_KEY_FILE');
  const anchorsFile = nonEmpty('AUDIT_ANCHORS_FILE');
  if (issues.length > 0) throw new Error(`Invalid configuration:\n${issues.join('\n')}`);
  return {
    DATABASE_PATH: databasePath,
    AUDIT_ANCHOR_KEY: key,
    AUDIT_ANCHOR_KEY_FILE: keyFile,
    AUDIT_ANCHORS_FILE: anchorsFile,
  };
}
