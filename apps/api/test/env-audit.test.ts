import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { loadAuditEnv } from '../src/env-audit';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The four settings as env.ts gives them, or its error. */
function viaZod(source: Record<string, string | undefined>) {
  try {
    const env = loadEnv(source);
    return {
      DATABASE_PATH: env.DATABASE_PATH,
      AUDIT_ANCHOR_KEY: env.AUDIT_ANCHOR_KEY,
      AUDIT_ANCHOR_KEY_FILE: env.AUDIT_ANCHOR_KEY_FILE,
      AUDIT_ANCHORS_FILE: env.AUDIT_ANCHORS_FILE,
    };
  } catch (error) {
    return { refused: (error as Error).message.startsWith('Invalid configuration') };
  }
}

function viaAudit(source: Record<string, string | undefined>) {
  try {
    return { ...loadAuditEnv(source) };
  } catch (error) {
    return { refused: (error as Error).message.startsWith('Invalid configuration') };
  }
}

describe('configuration', () => {
  it('is read from process.env only by env.ts and env-audit.ts', () => {
    const files = sources(src);
    expect(files.length).toBeGreaterThan(20);
    const readers = files
      .filter((file) => readFileSync(file, 'utf8').includes('process.env'))
      .map((file) => relative(src, file))
      .sort();
    expect(readers).toEqual(['env-audit.ts', 'env.ts']);
  });

  it("env-audit.ts gives the access-log check's settings as env.ts does, and refuses alike", () => {
    const key = 'k'.repeat(32);
    const cases: Record<string, string | undefined>[] = [
      {},
      { DATABASE_PATH: '/srv/mg/leads.db' },
      { AUDIT_ANCHOR_KEY: key, AUDIT_ANCHORS_FILE: '/srv/mg/anchors.jsonl' },
      { AUDIT_ANCHOR_KEY_FILE: '/etc/mg/anchor.key' },
      { AUDIT_ANCHOR_KEY: 'k'.repeat(31) },
      { AUDIT_ANCHOR_KEY: '' },
      { DATABASE_PATH: '' },
      { AUDIT_ANCHOR_KEY_FILE: '' },
      { AUDIT_ANCHORS_FILE: '' },
    ];
    for (const source of cases)
      expect(viaAudit(source), JSON.stringify(source)).toEqual(viaZod(source));
    // Both refuse the short key (so the comparison above is not between two that accept all).
    expect(viaAudit({ AUDIT_ANCHOR_KEY: 'short' })).toEqual({ refused: true });
    expect(viaAudit({})).toEqual({
      DATABASE_PATH: 'data/mg-leads.db',
      AUDIT_ANCHOR_KEY: undefined,
      AUDIT_ANCHOR_KEY_FILE: undefined,
      AUDIT_ANCHORS_FILE: undefined,
    });
  });
});
