/**
 * Worker thread: composes the outbox's messages (nodemailer's MIME composer) and sends them by
 * SMTP (a pool of 3 connections) or writes them as .eml files into OUTBOX_DIR, so that this
 * work is not done on the thread that answers requests (issue 11 point 4: about half of an
 * intake's CPU on that thread was its two mails). It never touches the database: the main
 * thread claims the rows, sends their content here and records the answers (outbox.ts).
 */
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createMailer } from '../lib/mail';
import {
  type MailWorkerData,
  type MailWorkerReply,
  type MailWorkerRequest,
  sendOutboxMessage,
} from './mail-jobs';

/** Linux: this thread's id (the first field of its stat), for a priority of its own. */
function threadId(): number | null {
  try {
    const id = Number.parseInt(readFileSync('/proc/thread-self/stat', 'utf8'), 10);
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

// Mail can wait: under load the requests get the cores first. On Linux a priority set on a
// thread id applies to that thread only; elsewhere the worker keeps the process's priority.
const tid = threadId();
if (tid !== null) {
  try {
    setPriority(tid, 19);
  } catch {
    // Not allowed or not supported: the worker runs at the process's priority.
  }
}

const mailer = createMailer(workerData as MailWorkerData, { smtpPool: 3 });

parentPort?.on('message', async (request: MailWorkerRequest) => {
  if (request.type === 'close') {
    mailer.close();
    parentPort?.close();
    return;
  }
  const results = await Promise.all(
    request.messages.map((message) => sendOutboxMessage(mailer, message)),
  );
  const reply: MailWorkerReply = { seq: request.seq, results };
  parentPort?.postMessage(reply);
});
