import { z } from 'zod';
import { ANCHOR_KEY_MIN_LENGTH, DEFAULT_DATABASE_PATH } from './env-audit';

/**
 * The place that reads process.env: parsed once at start-up, fails loudly. (env-audit.ts
 * reads the access-log check's few settings without zod, for `cli.js verify-audit`.)
 */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default(DEFAULT_DATABASE_PATH),
  /**
   * Seed demo data into an empty database on start (and keep demo sign-in without a second
   * factor). Off unless asked for, and refused in production: demo users have a known password.
   */
  DEMO_DATA: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  DEMO_LEADS: z.coerce.number().int().min(0).max(100_000).default(3000),
  /**
   * Public base URL, used in every link in mail and for the same-origin check. Required in
   * production; in development, links use the address the server listens on (never a
   * request's Host header, which the sender chooses).
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Cookies get the Secure flag; defaults to on in production. */
  SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  /** Comma-separated origins allowed to POST the intake form cross-origin. */
  INTAKE_CORS_ORIGINS: z.string().default(''),
  /** Trust X-Forwarded-For from a reverse proxy for the client IP. */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().optional(),
  /**
   * How long a page waits for the server's drawing of it (decision 029) before it goes out as
   * the plain shell for the browser to draw. 1000: the head is streamed meanwhile, so the
   * stylesheets and code load during the wait, and a missed drawing costs the browser's whole
   * draw; with 250 a third of the bench's loads went out plain (decisions 029, 033).
   */
  SSR_TIME_LIMIT_MS: z.coerce.number().int().min(1).max(10_000).default(1000),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('MG Leads <no-reply@mestergruppen.no>'),
  OUTBOX_DIR: z.string().default('data/outbox'),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  INTAKE_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** When set, the server writes a daily backup here, keeping the newest BACKUP_KEEP. */
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(7),
  /** When the daily backup runs (cron, Europe/Oslo). */
  BACKUP_CRON: z.string().default('0 30 2 * * *'),
  /** When the daily retention run goes (cron, Europe/Oslo). */
  RETENTION_CRON: z.string().default('0 15 3 * * *'),
  /** When the full-text index is merged into one b-tree each night (cron, Europe/Oslo). */
  SEARCH_INDEX_CRON: z.string().default('0 45 3 * * *'),
  /**
   * Access-log anchors: the key that signs the chain head (at least 32 characters), kept
   * outside the database. Without it, a random key is made on first start in
   * AUDIT_ANCHOR_KEY_FILE (default: audit-anchor.key beside the database, mode 0600).
   */
  AUDIT_ANCHOR_KEY: z.string().min(ANCHOR_KEY_MIN_LENGTH).optional(),
  AUDIT_ANCHOR_KEY_FILE: z.string().min(1).optional(),
  /**
   * The suppression list's HMAC key (at least 32 characters), kept outside the database.
   * Without it, a random key is made on first start in SUPPRESSION_KEY_FILE (default:
   * suppression.key beside the database, mode 0600). Keep it: a new key orphans every entry.
   */
  SUPPRESSION_KEY: z.string().min(32).optional(),
  SUPPRESSION_KEY_FILE: z.string().min(1).optional(),
  /** Where signed anchors are appended (default: audit-anchors.jsonl beside the database). */
  AUDIT_ANCHORS_FILE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof schema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema
    .superRefine((env, ctx) => {
      if (env.NODE_ENV === 'production' && !env.PUBLIC_URL)
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: 'required in production (links in mail must not come from a request)',
        });
      if (env.NODE_ENV === 'production' && env.DEMO_DATA)
        ctx.addIssue({
          code: 'custom',
          path: ['DEMO_DATA'],
          message: 'refused in production (demo users share a published password)',
        });
    })
    .safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function secureCookies(env: Env): boolean {
  return env.SECURE_COOKIES ? env.SECURE_COOKIES === 'true' : env.NODE_ENV === 'production';
}

/**
 * The one base URL every link in mail and the same-origin check use: PUBLIC_URL, or else
 * the address the server binds (HOST:PORT), without a trailing slash.
 */
export function publicBaseUrl(env: Pick<Env, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '');
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}`;
}
