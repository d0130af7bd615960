import { hash, randomBytes } from 'node:crypto';
import {
  type Conn,
  type Db,
  findLeadByUnsubscribeHash,
  setUnsubscribeTokenHash,
  withdrawConsent,
} from '@mg/db';
import { CONSENT_PURPOSES, type ConsentPurpose } from '@mg/shared';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { logEntry, PUBLIC } from './access-log';

/** 20 random bytes in base32: 32 characters, 160 bits, unguessable. */
const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

export function hashUnsubscribeToken(token: string): string {
  return hash('sha256', token, 'hex');
}

const TOKEN_BYTES = 20;
/** Tokens' bytes drawn from OpenSSL at once: one call per form cost ~4 µs (decision 036). */
const POOL_TOKENS = 128;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * The next token's random bytes, from a pool drawn 128 tokens at a time (as Node pools the
 * bytes of randomUUID): every byte is handed out once, then the pool is drawn anew.
 */
function tokenBytes(): Uint8Array {
  if (poolOffset + TOKEN_BYTES > pool.length) {
    pool = randomBytes(TOKEN_BYTES * POOL_TOKENS);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + TOKEN_BYTES);
  poolOffset += TOKEN_BYTES;
  return bytes;
}

/**
 * A new token and the hash to store on the lead. The token itself is only mailed: it waits in
 * the mail's outbox row until sent, and the row's body and headers are blanked then.
 */
export function createUnsubscribeToken(): { token: string; hash: string } {
  const token = encodeBase32LowerCaseNoPadding(tokenBytes());
  return { token, hash: hashUnsubscribeToken(token) };
}

/**
 * Give a lead a fresh token (for a mailing that needs its link) and return it. The previous
 * link stops working, because only one hash is kept per lead.
 */
export function issueUnsubscribeToken(conn: Conn, leadId: number): string {
  const { token, hash } = createUnsubscribeToken();
  setUnsubscribeTokenHash(conn, leadId, hash);
  return token;
}

export function unsubscribeUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/unsubscribe/${encodeURIComponent(token)}`;
}

/**
 * Headers every marketing mail carries (RFC 2369 + RFC 8058): mail clients show an
 * unsubscribe button that POSTs `List-Unsubscribe=One-Click` to the link.
 */
export function listUnsubscribeHeaders(baseUrl: string, token: string) {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(baseUrl, token)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The lead a token belongs to (read only: the confirmation page must never change anything). */
export function findUnsubscribeTarget(db: Db, token: string) {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const lead = findLeadByUnsubscribeHash(db, hashUnsubscribeToken(token));
  if (!lead) return undefined;
  const granted = CONSENT_PURPOSES.filter((p) =>
    p === 'marketing_email' ? lead.consentEmail : lead.consentSms,
  );
  return { leadId: lead.id, projectName: lead.projectName, granted };
}

export interface RequestMeta {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Withdraw every marketing purpose from the person: every lead with
 * the same e-mail (or phone, for SMS) at any subsidiary gets its withdrawal event, the
 * address goes on the suppression list, and one access-log entry names every lead touched,
 * all in one transaction. A repeat withdraws nothing more (idempotent) and is logged as well.
 * Returns null for an unknown token.
 */
export function unsubscribeByToken(
  db: Db,
  token: string,
  meta: RequestMeta,
  now = Date.now(),
): { leadId: number; projectName: string; withdrawn: ConsentPurpose[] } | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const hash = hashUnsubscribeToken(token);
  return db.transaction((tx) => {
    const lead = findLeadByUnsubscribeHash(tx, hash);
    if (!lead) return null;
    // Every purpose, whatever this one lead holds: "no more news and offers" means it for
    // the person, whose other leads may still consent to a purpose this one never had.
    const result = withdrawConsent(tx, {
      lead,
      purposes: CONSENT_PURPOSES,
      source: 'unsubscribe_link',
      actorUserId: null,
      at: now,
    });
    const withdrawn = result?.withdrawn ?? [];
    const touched = result?.touchedLeadIds ?? [];
    logEntry(
      tx,
      meta,
      PUBLIC,
      {
        action: 'consent.unsubscribe',
        purpose: 'marketing',
        targetType: 'lead',
        targetIds: [lead.id, ...touched.filter((id) => id !== lead.id)],
        outcome: 'ok',
        detail: { withdrawn, leads: touched.length, ...(result?.capped ? { capped: true } : {}) },
      },
      now,
    );
    return { leadId: lead.id, projectName: lead.projectName, withdrawn };
  });
}
