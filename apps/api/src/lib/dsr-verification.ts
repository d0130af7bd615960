import {
  type Conn,
  claimDsrToken,
  type Db,
  type DsrTokenState,
  findDsrToken,
  insertDsrEvent,
  insertDsrToken,
  setDsrStatus,
} from '@mg/db';
import { type DsrType, dsrPurpose } from '@mg/shared';
import { logEntry, logNow, PUBLIC } from './access-log';
import { DSR_MAIL_KINDS, dsrConfirmationMail, queueDsrMail } from './dsr-mail';
import { createUnsubscribeToken, hashUnsubscribeToken, type RequestMeta } from './unsubscribe';

/**
 * Proportionate identity verification (EDPB 01/2022): a single-use link, valid 7 days, mailed
 * to the address on the person's leads (or the one given on the public page). Whoever can read
 * that mailbox is the person the leads are about; no copy of an ID is ever asked for.
 */
export const DSR_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** 160 random bits in base32, like the unsubscribe and consent links. */
const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

export const DSR_CONFIRM_PATH = '/personvern/foresporsel/bekreft';

export function dsrConfirmUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${DSR_CONFIRM_PATH}/${encodeURIComponent(token)}`;
}

/**
 * A fresh link per address, each mailed through the outbox, and one timeline entry. Only the
 * tokens' SHA-256 is stored; the token itself waits in the outbox row until sent.
 */
export function sendDsrLinks(
  conn: Conn,
  p: {
    dsrId: number;
    type: DsrType;
    addresses: readonly string[];
    baseUrl: string;
    byUserId: number | null;
    now: number;
  },
): number {
  for (const address of p.addresses) {
    const { token, hash } = createUnsubscribeToken();
    insertDsrToken(conn, {
      dsrId: p.dsrId,
      tokenHash: hash,
      at: p.now,
      expiresAt: p.now + DSR_LINK_TTL_MS,
    });
    const mail = dsrConfirmationMail(p.type, dsrConfirmUrl(p.baseUrl, token));
    queueDsrMail(conn, DSR_MAIL_KINDS.confirmation, address, mail, p.now);
  }
  insertDsrEvent(conn, {
    dsrId: p.dsrId,
    at: p.now,
    byUserId: p.byUserId,
    kind: 'link_sent',
    fromStatus: null,
    toStatus: null,
    note: null,
  });
  return p.addresses.length;
}

/** What a link confirms, read only: the GET page must never change anything. */
export function findDsrLinkTarget(db: Db, token: string, now = Date.now()) {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return findDsrToken(db, hashUnsubscribeToken(token), now);
}

export type DsrConfirmResult =
  | { kind: 'confirmed'; dsrId: number }
  | { kind: Exclude<DsrTokenState, 'open'> }
  | { kind: 'unknown' };

/**
 * Confirm once: the token is used, the request moves to identity_verified (method: link, by
 * nobody: the person), and the public access-log entry commits with it. A used, expired or
 * moot link changes nothing; the attempt is counted as a public denial.
 */
export function confirmDsrByToken(
  db: Db,
  token: string,
  meta: RequestMeta,
  now = Date.now(),
): DsrConfirmResult {
  if (!TOKEN_PATTERN.test(token)) return { kind: 'unknown' };
  const tokenHash = hashUnsubscribeToken(token);
  const result = db.transaction((tx): DsrConfirmResult => {
    const found = findDsrToken(tx, tokenHash, now);
    if (!found) return { kind: 'unknown' };
    if (found.state !== 'open') return { kind: found.state };
    if (!claimDsrToken(tx, tokenHash, now)) return { kind: 'used' };
    const moved = setDsrStatus(tx, {
      id: found.dsrId,
      from: 'received',
      to: 'identity_verified',
      note: null,
      byUserId: null,
      at: now,
      verificationMethod: 'link',
    });
    if (!moved) return { kind: 'closed' };
    logEntry(
      tx,
      meta,
      PUBLIC,
      {
        action: 'dsr.confirm',
        purpose: dsrPurpose(found.dsrId),
        targetType: 'dsr',
        targetIds: [found.dsrId],
        outcome: 'ok',
        detail: { method: 'link' },
      },
      now,
    );
    return { kind: 'confirmed', dsrId: found.dsrId };
  });
  if (result.kind === 'used' || result.kind === 'expired' || result.kind === 'closed')
    logNow(db, meta, PUBLIC, {
      action: 'dsr.confirm',
      outcome: 'denied',
      detail: { reason: result.kind },
    });
  return result;
}
