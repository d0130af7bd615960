import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Env } from '../env';

const KEY_BYTES = 32;

/**
 * A secret kept outside the database: read from `file`, which is made on first use with 32
 * random bytes in hex, readable by its owner only (mode 0600). Used for the access-log
 * anchor key and the suppression list's HMAC key.
 */
export function loadOrCreateKeyFile(file: string, what: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    // 'wx': never overwrite a key another process made a moment ago.
    try {
      writeFileSync(file, `${randomBytes(KEY_BYTES).toString('hex')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64,}$/i.test(text))
    throw new Error(`${file} does not hold ${what} (at least 64 hex characters)`);
  return Buffer.from(text, 'hex');
}

/** Where files beside the database go by default. */
export function dataDir(env: Pick<Env, 'DATABASE_PATH'>): string {
  return dirname(resolve(env.DATABASE_PATH));
}

/**
 * The suppression list's HMAC key: SUPPRESSION_KEY, or the key file (default
 * suppression.key beside the database), made on first start. Changing it makes every HMAC
 * entry unreadable, so it must be kept (and backed up) like the database.
 */
export function loadSuppressionKey(
  env: Pick<Env, 'DATABASE_PATH' | 'SUPPRESSION_KEY' | 'SUPPRESSION_KEY_FILE'>,
): Buffer {
  if (env.SUPPRESSION_KEY) return Buffer.from(env.SUPPRESSION_KEY, 'utf8');
  const file = resolve(env.SUPPRESSION_KEY_FILE ?? join(dataDir(env), 'suppression.key'));
  return loadOrCreateKeyFile(file, 'a suppression key');
}
