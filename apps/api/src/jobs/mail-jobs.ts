import type { Env } from '../env';
import { describeMailError, type Mailer, type MailMessage } from '../lib/mail';

/** What the mail worker is started with: the mail settings, nothing else of the env. */
export type MailWorkerData = Pick<Env, 'SMTP_URL' | 'MAIL_FROM' | 'OUTBOX_DIR'>;

/** To the mail worker: compose and send one claimed batch, or close the mailer and end. */
export type MailWorkerRequest =
  | { type: 'send'; seq: number; messages: (MailMessage & { outboxId: number })[] }
  | { type: 'close' };

/** The outcome of one message: null when sent, else describeMailError's text. */
export interface MailResult {
  id: number;
  error: string | null;
}

/** From the mail worker: every message of batch `seq`, sent or failed. */
export interface MailWorkerReply {
  seq: number;
  results: MailResult[];
}

/** Sends one outbox message and says how it went; never throws (a failure is its result). */
export async function sendOutboxMessage(
  mailer: Mailer,
  message: MailMessage & { outboxId: number },
): Promise<MailResult> {
  try {
    await mailer.send(message);
    return { id: message.outboxId, error: null };
  } catch (error) {
    return { id: message.outboxId, error: describeMailError(error) };
  }
}
