import {
  type Conn,
  consumeToken,
  deleteUserSessions,
  findUsableToken,
  insertUserToken,
  revokeUserTokens,
  updateUserFields,
} from '@mg/db';
import { INVITATION_VALID_MS, RESET_VALID_MS, type UserTokenKind } from '@mg/shared';
import { logEntry, PUBLIC } from './access-log';
import {
  ACCOUNT_MAIL_KINDS,
  invitationMail,
  passwordLink,
  queueMail,
  resetMail,
} from './account-mail';
import type { Context } from './context-types';
import { domainError } from './errors';
import { hashToken, randomToken } from './link-tokens';
import { hashPassword } from './password';

/**
 * A new single-use link of this kind, mailed through the outbox. Any earlier open link of the
 * same kind stops working, so "resend" never leaves two live invitations.
 */
export function issueLink(
  conn: Conn,
  user: { id: number; email: string; name: string },
  kind: UserTokenKind,
  baseUrl: string,
  now = Date.now(),
) {
  revokeUserTokens(conn, user.id, kind, now);
  const token = randomToken();
  const validMs = kind === 'invite' ? INVITATION_VALID_MS : RESET_VALID_MS;
  insertUserToken(
    conn,
    { userId: user.id, kind, tokenHash: hashToken(token), expiresAt: now + validMs },
    now,
  );
  const link = passwordLink(baseUrl, token);
  if (kind === 'invite')
    queueMail(
      conn,
      ACCOUNT_MAIL_KINDS.invitation,
      user.email,
      invitationMail(user.name, link),
      {},
      now,
    );
  else queueMail(conn, ACCOUNT_MAIL_KINDS.reset, user.email, resetMail(link), {}, now);
  return link;
}

function linkInvalid() {
  return domainError('BAD_REQUEST', 'linkInvalid');
}

/** What the set-password page shows before the person types: whose link, and which kind. */
export function describeLink(conn: Conn, token: string, now = Date.now()) {
  const row = findUsableToken(conn, hashToken(token), now);
  if (!row) throw linkInvalid();
  return { kind: row.kind, name: row.name };
}

/**
 * Sets the password from an invitation or reset link. The link is used in the same
 * transaction that checks it is open (it works once); every session of the person ends, and a
 * lock-out is lifted (the mailbox has been proven).
 */
export async function setPasswordFromLink(
  ctx: Context,
  token: string,
  password: string,
  now = Date.now(),
) {
  // Hashed before the transaction: argon2 is async and SQLite transactions are not.
  const passwordHash = await hashPassword(password);
  const tokenHash = hashToken(token);
  return ctx.db.transaction((tx) => {
    const row = findUsableToken(tx, tokenHash, now);
    if (!row || !consumeToken(tx, row.id, now)) throw linkInvalid();
    updateUserFields(
      tx,
      row.userId,
      { passwordHash, passwordSetAt: now, failedLogins: 0, lockedUntil: null },
      now,
    );
    // Whichever link was used, the other kind is spent too: one password, one way in.
    revokeUserTokens(tx, row.userId, row.kind === 'invite' ? 'reset' : 'invite', now);
    deleteUserSessions(tx, row.userId);
    // A password link is used by someone not signed in: no IP or user agent is kept.
    logEntry(tx, ctx, PUBLIC, {
      action: row.kind === 'invite' ? 'auth.acceptInvitation' : 'auth.resetPassword',
      purpose: 'security',
      outcome: 'ok',
      targetType: 'user',
      targetIds: [row.userId],
    });
    return { kind: row.kind };
  });
}
