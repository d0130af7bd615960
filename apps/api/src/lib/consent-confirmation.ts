import {
  type Conn,
  type ConsentPurposeList,
  confirmConsent,
  type Db,
  findConsentConfirmation,
  insertConsentConfirmation,
  type LeadRef,
} from '@mg/db';
import { logEntry, logNow, PUBLIC } from './access-log';
import { createUnsubscribeToken, hashUnsubscribeToken, type RequestMeta } from './unsubscribe';

/**
 * Double opt-in. A form that ticks consent from an address on the suppression list stays
 * suppressed; its receipt carries a single-use link, valid this long, that confirms it.
 */
export const CONFIRMATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Same shape as the unsubscribe token: 160 random bits in base32. */
const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

export function confirmationUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/confirm-consent/${encodeURIComponent(token)}`;
}

/** Make a link for these purposes of a new lead; only its SHA-256 is stored. */
export function issueConsentConfirmation(
  conn: Conn,
  lead: LeadRef,
  purposes: ConsentPurposeList,
  now: number,
): string {
  const { token, hash } = createUnsubscribeToken();
  insertConsentConfirmation(conn, {
    lead,
    tokenHash: hash,
    purposes,
    at: now,
    expiresAt: now + CONFIRMATION_TTL_MS,
  });
  return token;
}

/** What a link confirms, read only: the GET page must never change anything. */
export function findConfirmationTarget(db: Db, token: string, now = Date.now()) {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return findConsentConfirmation(db, hashUnsubscribeToken(token), now);
}

/**
 * Confirm once: the consent event, the lifted suppression and the access-log entry commit
 * together. A used or expired link changes nothing (the attempt is logged).
 */
export function confirmConsentByToken(
  db: Db,
  token: string,
  meta: RequestMeta,
  now = Date.now(),
): ReturnType<typeof confirmConsent> {
  if (!TOKEN_PATTERN.test(token)) return { kind: 'unknown' };
  const tokenHash = hashUnsubscribeToken(token);
  const result = db.transaction((tx) => {
    const result = confirmConsent(tx, { tokenHash, at: now });
    if (result.kind === 'confirmed')
      logEntry(
        tx,
        meta,
        PUBLIC,
        {
          action: 'consent.confirm',
          purpose: 'marketing',
          targetType: 'lead',
          targetIds: [result.lead.id],
          outcome: 'ok',
          detail: { confirmed: result.purposes },
        },
        now,
      );
    return result;
  });
  // A used or expired link is a public denial: counted per IP and minute, so posting the same
  // dead link again and again cannot grow the append-only log.
  if (result.kind === 'used' || result.kind === 'expired')
    logNow(db, meta, PUBLIC, {
      action: 'consent.confirm',
      purpose: 'marketing',
      outcome: 'denied',
      detail: { reason: result.kind },
    });
  return result;
}
