import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@mg/db';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type MailWorker, startMailWorker } from '../src/jobs/outbox';
import { postJson, publicApp, validLead } from './public-helpers';

const silent = pino({ level: 'silent' });
const MAIL_FROM = 'MG Leads <no-reply@test.no>';

/** One lead through the real intake, no marketing consent: one outbox row (the notice). */
async function intake() {
  const t = publicApp();
  const res = await postJson(t.app, 'alfa-park', validLead({ name: 'Ragnhild Trådløs' }));
  const { id } = (await res.json()) as { id: number };
  const row = () =>
    t.handle.db.select().from(schema.outbox).where(eq(schema.outbox.leadId, id)).get();
  return { ...t, row };
}

/**
 * A minimal SMTP server: counts the messages it accepts. `hang` greets nobody (a server
 * that stopped answering), and tells when a client has connected.
 */
function smtpStub({ hang = false } = {}) {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  let connected: () => void = () => {};
  const firstConnection = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    connected();
    if (hang) return;
    let data: string | null = null;
    let buffer = '';
    socket.write('220 stub ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push(data + buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          data = null;
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (line.startsWith('EHLO')) socket.write('250-stub\r\n250 8BITMIME\r\n');
        else if (line.startsWith('DATA')) {
          data = '';
          socket.write('354 go on\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  const listening = new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
  return {
    received,
    firstConnection,
    port: () => listening,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function started(worker: MailWorker) {
  cleanup.push(async () => {
    await worker.stop(0);
    await worker.close(500);
  });
  return worker;
}

describe('the mail worker thread', () => {
  it('writes a message composed in the worker into OUTBOX_DIR exactly once', async () => {
    const t = await intake();
    const dir = mkdtempSync(join(tmpdir(), 'mg-mail-worker-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const worker = started(
      startMailWorker({ db: t.handle.db, log: silent, mail: { MAIL_FROM, OUTBOX_DIR: dir } }),
    );
    for (let i = 0; i < 5; i++) worker.kick();
    await worker.idle();
    worker.kick();
    await worker.idle();
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(`-${t.row()?.id}-`);
    expect(readFileSync(join(dir, files[0] ?? ''), 'utf8')).toContain(
      'Subject: Ny interessent: Alfa Park',
    );
    expect(t.row()).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
  });

  it('sends by SMTP exactly once', async () => {
    const t = await intake();
    const smtp = smtpStub();
    cleanup.push(() => smtp.close());
    const worker = started(
      startMailWorker({
        db: t.handle.db,
        log: silent,
        mail: { SMTP_URL: `smtp://127.0.0.1:${await smtp.port()}`, MAIL_FROM, OUTBOX_DIR: '-' },
      }),
    );
    for (let i = 0; i < 5; i++) worker.kick();
    await worker.idle();
    worker.kick();
    await worker.idle();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toContain('Subject: Ny interessent: Alfa Park');
    expect(t.row()).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
  });

  it('releases the claim when the worker dies mid-send', async () => {
    const t = await intake();
    const hanging = smtpStub({ hang: true });
    cleanup.push(() => hanging.close());
    const worker = started(
      startMailWorker({
        db: t.handle.db,
        log: silent,
        mail: { SMTP_URL: `smtp://127.0.0.1:${await hanging.port()}`, MAIL_FROM, OUTBOX_DIR: '-' },
      }),
    );
    const before = Date.now();
    worker.kick();
    await hanging.firstConnection;
    // Claimed for the lease while it is being sent.
    expect(t.row()?.nextAttemptAt).toBeGreaterThan(before + 60_000);
    await worker.thread?.terminate();
    await worker.idle();
    const row = t.row();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(row?.nextAttemptAt).toBeLessThanOrEqual(Date.now());
    expect(worker.thread).toBeNull();
  });

  it('releases the claim and ends the worker when it does not answer in time', async () => {
    const t = await intake();
    const hanging = smtpStub({ hang: true });
    cleanup.push(() => hanging.close());
    const worker = started(
      startMailWorker(
        {
          db: t.handle.db,
          log: silent,
          mail: {
            SMTP_URL: `smtp://127.0.0.1:${await hanging.port()}`,
            MAIL_FROM,
            OUTBOX_DIR: '-',
          },
        },
        { answerTimeoutMs: 300 },
      ),
    );
    worker.kick();
    await worker.idle();
    const row = t.row();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(row?.nextAttemptAt).toBeLessThanOrEqual(Date.now());
    expect(worker.thread).toBeNull();
  });
});
