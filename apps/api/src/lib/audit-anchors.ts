import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ChainHead } from '@mg/db';
import type { AuditEnv } from '../env-audit';
import { loadOrCreateKeyFile } from './server-secrets';

/**
 * Anchors: the access log's chain head (id, hash, time), signed with HMAC-SHA-256 under a key
 * that is not in the database, one JSON line each in a file that is not the database either.
 * Whoever can rewrite the database can re-hash the whole chain or cut its tail off; without
 * the key they cannot make an anchor that agrees, so `verify` finds both.
 */
export interface AnchorConfig {
  key: Uint8Array;
  anchorsFile: string;
}

export interface Anchor {
  v: 1;
  id: number;
  hash: string;
  /** When the anchored entry was written. */
  at: number;
  anchoredAt: number;
  sig: string;
}

export interface AnchorRead {
  anchors: Anchor[];
  /** Lines (1-based) that do not parse or whose signature does not hold. */
  forged: number[];
}

/** The key and anchors file, from configuration; makes the key file on first use. */
export function loadAnchorConfig(env: AuditEnv): AnchorConfig {
  const dataDir = dirname(resolve(env.DATABASE_PATH));
  const anchorsFile = resolve(env.AUDIT_ANCHORS_FILE ?? join(dataDir, 'audit-anchors.jsonl'));
  if (env.AUDIT_ANCHOR_KEY) return { key: Buffer.from(env.AUDIT_ANCHOR_KEY, 'utf8'), anchorsFile };
  const keyFile = resolve(env.AUDIT_ANCHOR_KEY_FILE ?? join(dataDir, 'audit-anchor.key'));
  return { key: loadOrCreateKeyFile(keyFile, 'an anchor key'), anchorsFile };
}

const configs = new WeakMap<AuditEnv, AnchorConfig>();

/** loadAnchorConfig, once per configuration object. */
export function anchorConfigFor(env: AuditEnv): AnchorConfig {
  let config = configs.get(env);
  if (!config) {
    config = loadAnchorConfig(env);
    configs.set(env, config);
  }
  return config;
}

function signingText(a: Pick<Anchor, 'id' | 'hash' | 'at' | 'anchoredAt'>): string {
  return `mg-leads access-log anchor v1|${a.id}|${a.hash}|${a.at}|${a.anchoredAt}`;
}

function sign(key: Uint8Array, a: Pick<Anchor, 'id' | 'hash' | 'at' | 'anchoredAt'>): string {
  return createHmac('sha256', key).update(signingText(a)).digest('hex');
}

export function signAnchor(key: Uint8Array, head: ChainHead, anchoredAt: number): Anchor {
  const fields = { id: head.id, hash: head.hash, at: head.at, anchoredAt };
  return { v: 1, ...fields, sig: sign(key, fields) };
}

/** Append one anchor line; the file is made readable by its owner only. */
export function appendAnchor(config: AnchorConfig, anchor: Anchor): void {
  mkdirSync(dirname(config.anchorsFile), { recursive: true });
  appendFileSync(config.anchorsFile, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
  chmodSync(config.anchorsFile, 0o600);
}

function isAnchor(value: unknown): value is Anchor {
  const a = value as Partial<Anchor> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    a.v === 1 &&
    Number.isSafeInteger(a.id) &&
    typeof a.hash === 'string' &&
    Number.isSafeInteger(a.at) &&
    Number.isSafeInteger(a.anchoredAt) &&
    typeof a.sig === 'string'
  );
}

/** Every anchor whose signature holds, by entry id; and the lines that are forged. */
export function readAnchors(config: AnchorConfig): AnchorRead {
  if (!existsSync(config.anchorsFile)) return { anchors: [], forged: [] };
  const anchors: Anchor[] = [];
  const forged: number[] = [];
  const lines = readFileSync(config.anchorsFile, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      forged.push(index + 1);
      return;
    }
    if (!isAnchor(parsed)) {
      forged.push(index + 1);
      return;
    }
    const expected = Buffer.from(sign(config.key, parsed), 'hex');
    const given = Buffer.from(parsed.sig, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      forged.push(index + 1);
    else anchors.push(parsed);
  });
  anchors.sort((a, b) => a.id - b.id || a.anchoredAt - b.anchoredAt);
  return { anchors, forged };
}
