import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Env } from '../env';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
  /** The outbox row, used to name .eml files. */
  outboxId?: number;
  /** The outbox kind: staff notices may carry the product name, nothing else does. */
  kind?: string;
}

/** The name a consumer sees in the From line of every mail we send them. */
export const CONSUMER_SENDER_NAME = 'Mestergruppen Eiendom';

/**
 * Mails to staff, who know the system by its product name. Every other kind (receipts,
 * confirmation links, anything to a data subject, and any kind added later) goes out under
 * the company's name, whatever MAIL_FROM's display name says: a consumer never sees
 * "MG Leads".
 */
const STAFF_MAIL_KINDS: ReadonlySet<string> = new Set([
  'lead_notification',
  'user_invitation',
  'password_reset',
  'lead_assigned',
]);

/** The From header for a message: MAIL_FROM's address, with the consumer's name unless staff. */
export function senderFor(mailFrom: string, kind: string | undefined) {
  if (kind !== undefined && STAFF_MAIL_KINDS.has(kind)) return mailFrom;
  const address = /<([^<>\s]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  return { name: CONSUMER_SENDER_NAME, address };
}

export interface Mailer {
  /** `smtp` sends for real; `files` writes .eml files for inspection. */
  readonly kind: 'smtp' | 'files';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * SMTP when SMTP_URL is set (smtp://user:pass@host:587 or smtps://…); otherwise every message
 * is written as an .eml file into OUTBOX_DIR, so a development machine never sends mail.
 */
export function createMailer(
  env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM' | 'OUTBOX_DIR'>,
  /** SMTP only: keep up to this many connections open and send over them in parallel. */
  { smtpPool }: { smtpPool?: number } = {},
): Mailer {
  const from = env.MAIL_FROM;
  if (env.SMTP_URL) {
    const transport = smtpPool
      ? nodemailer.createTransport({ url: env.SMTP_URL, pool: true, maxConnections: smtpPool })
      : nodemailer.createTransport(env.SMTP_URL);
    return {
      kind: 'smtp',
      async send(m) {
        await transport.sendMail({
          from: senderFor(from, m.kind),
          to: m.to,
          subject: m.subject,
          text: m.text,
          headers: m.headers,
        });
      },
      close: () => transport.close(),
    };
  }
  const dir = resolve(env.OUTBOX_DIR);
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  let ready: Promise<unknown> | undefined;
  return {
    kind: 'files',
    async send(m) {
      ready ??= mkdir(dir, { recursive: true, mode: 0o700 });
      await ready;
      const info = await transport.sendMail({
        from: senderFor(from, m.kind),
        to: m.to,
        subject: m.subject,
        text: m.text,
        headers: m.headers,
      });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `${stamp}-${m.outboxId ?? 'x'}-${randomBytes(3).toString('hex')}.eml`;
      // A copy of personal data: readable by the server's user only.
      await writeFile(join(dir, name), info.message as Buffer, { mode: 0o600 });
    },
    close: () => transport.close(),
  };
}

/**
 * What an outbox row keeps about a failure: the error's code and SMTP response code only.
 * Server messages can quote addresses or content, so they are never stored.
 */
export function describeMailError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const e = error as Error & { code?: unknown; responseCode?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code) ? e.code : e.name;
  return typeof e.responseCode === 'number' ? `${code} ${e.responseCode}` : code;
}
