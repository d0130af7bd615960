import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppBindings } from '../src/context';
import { loadEnv } from '../src/env';
import { INTAKE_BODY_LIMIT, INTAKE_BODY_TIMEOUT_MS, intakeRoutes } from '../src/public/intake';
import { publicApp, validLead, WEBSITE } from './public-helpers';

/**
 * The intake body reader against a real socket: `app.request()` never reaches the code that
 * reads the JSON straight from Node's IncomingMessage (decision 004), so these tests start
 * the app on a loopback port and talk to it with node:http, writing bodies the way real
 * clients do: with a declared length, chunked, in slow pieces, too large, or cut off.
 */

const servers: { close(cb: () => void): void }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((ok) => s.close(() => ok()));
});

async function listening() {
  const t = publicApp();
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  return { ...t, port: (server.address() as AddressInfo).port };
}

/**
 * Only the intake routes, with a short body deadline (the app's is INTAKE_BODY_TIMEOUT_MS),
 * so a test can wait it out.
 */
async function listeningWithDeadline(bodyTimeoutMs: number) {
  const t = publicApp();
  const app = new Hono<AppBindings>().route(
    '/api/intake',
    intakeRoutes(
      {
        db: t.handle.db,
        env: loadEnv({ NODE_ENV: 'test', INTAKE_RATE_LIMIT: '1000' }),
        log: pino({ level: 'silent' }),
      },
      { bodyTimeoutMs },
    ),
  );
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  return { ...t, port: (server.address() as AddressInfo).port };
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** When the answer ended, ms after the request started. */
  afterMs: number;
}

/**
 * POST /api/intake/alfa-park, writing `pieces` one after the other (`pauseMs` between) with
 * the given headers; `abortAfter` pieces, the socket is destroyed instead of finished.
 */
function post(
  port: number,
  pieces: (string | Buffer)[],
  options: {
    headers?: Record<string, string | number>;
    pauseMs?: number;
    abortAfter?: number;
  } = {},
): Promise<Answer | 'aborted'> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/intake/alfa-park',
        headers: { 'content-type': 'application/json', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
            afterMs: Date.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => (options.abortAfter === undefined ? reject(error) : undefined));
    (async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (options.abortAfter === i) {
          req.destroy();
          // Give the server a moment to see the broken connection.
          await new Promise((r) => setTimeout(r, 100));
          resolve('aborted');
          return;
        }
        req.write(pieces[i]);
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
      req.end();
    })().catch(reject);
  });
}

const json = (over: Record<string, unknown> = {}) => JSON.stringify(validLead(over));
/** A body split into `n` pieces, in the middle of multi-byte characters too. */
function split(text: string, n: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const size = Math.ceil(bytes.length / n);
  return Array.from({ length: n }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

describe('intake body reader on a real socket', () => {
  it('a declared length, sent at once: stored', async () => {
    const t = await listening();
    const body = json({ name: 'Åse Ørnes' });
    const res = await post(t.port, [body], {
      headers: { 'content-length': Buffer.byteLength(body) },
    });
    expect(res).toMatchObject({ status: 201 });
    expect(t.counts().leads).toBe(7);
    const stored = t.handle.sqlite
      .prepare('select name from leads order by id desc limit 1')
      .get() as { name: string };
    expect(stored.name).toBe('Åse Ørnes');
  });

  it('a declared length, arriving slowly in pieces that split characters: stored whole', async () => {
    const t = await listening();
    const body = json({ name: 'Øystein Ærlig-Åsen', message: 'æøå '.repeat(200) });
    const res = await post(t.port, split(body, 5), {
      headers: { 'content-length': Buffer.byteLength(body) },
      pauseMs: 60,
    });
    expect(res).toMatchObject({ status: 201 });
    const stored = t.handle.sqlite
      .prepare('select name, message from leads order by id desc limit 1')
      .get() as { name: string; message: string };
    expect(stored).toEqual({ name: 'Øystein Ærlig-Åsen', message: 'æøå '.repeat(200).trim() });
  });

  it('chunked (no length): stored', async () => {
    const t = await listening();
    const res = await post(t.port, split(json({ name: 'Chunk Nordmann' }), 3), {
      headers: { 'transfer-encoding': 'chunked' },
      pauseMs: 20,
    });
    expect(res).toMatchObject({ status: 201 });
    expect(t.counts().leads).toBe(7);
  });

  it('over 16 KiB, declared: 413, nothing stored', async () => {
    const t = await listening();
    const before = t.counts();
    const body = json({ message: 'x'.repeat(INTAKE_BODY_LIMIT) });
    const res = await post(t.port, [body], {
      headers: { 'content-length': Buffer.byteLength(body) },
    });
    expect(res).toMatchObject({ status: 413 });
    expect(t.counts()).toEqual(before);
  });

  it('over 16 KiB, chunked: 413, nothing stored', async () => {
    const t = await listening();
    const before = t.counts();
    const res = await post(t.port, split(json({ message: 'y'.repeat(INTAKE_BODY_LIMIT) }), 8), {
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(res).toMatchObject({ status: 413 });
    expect(t.counts()).toEqual(before);
  });

  it('exactly at the limit with a declared length is read (not refused), then judged as JSON', async () => {
    const t = await listening();
    const base = json({ message: '' });
    // Pad the message so the body is exactly INTAKE_BODY_LIMIT bytes.
    const body = json({ message: 'z'.repeat(INTAKE_BODY_LIMIT - Buffer.byteLength(base)) });
    expect(Buffer.byteLength(body)).toBe(INTAKE_BODY_LIMIT);
    const res = await post(t.port, split(body, 4), {
      headers: { 'content-length': INTAKE_BODY_LIMIT },
    });
    // Too long a message for the form's own rule: a field error, not a size refusal.
    expect(res === 'aborted' ? 0 : res.status).not.toBe(413);
  });

  it('cut off mid-body: nothing stored, and the server keeps answering', async () => {
    const t = await listening();
    const before = t.counts();
    const body = json({ name: 'Avbrutt Nordmann' });
    const pieces = split(body, 4);
    expect(
      await post(t.port, pieces, {
        headers: { 'content-length': Buffer.byteLength(body) },
        abortAfter: 2,
      }),
    ).toBe('aborted');
    expect(
      await post(t.port, pieces, { headers: { 'transfer-encoding': 'chunked' }, abortAfter: 1 }),
    ).toBe('aborted');
    expect(t.counts()).toEqual(before);
    const next = json();
    const res = await post(t.port, [next], {
      headers: { 'content-length': Buffer.byteLength(next) },
    });
    expect(res).toMatchObject({ status: 201 });
  });

  it('malformed JSON with a declared length: 400 with the body as the bad field', async () => {
    const t = await listening();
    const before = t.counts();
    const res = await post(t.port, ['{"name": '], { headers: { 'content-length': 9 } });
    expect(res).toMatchObject({ status: 400 });
    expect(JSON.parse((res as Answer).body)).toEqual({
      error: { code: 'BAD_REQUEST', fieldErrors: { _: [{ key: 'invalid' }] } },
    });
    expect(t.counts()).toEqual(before);
  });

  it('a declared length that never fully arrives: 408 at the deadline, connection closed, nothing stored', async () => {
    const t = await listeningWithDeadline(400);
    const before = t.counts();
    const body = json({ name: 'Treig Nordmann' });
    // Half the body, then silence: the request stays open until the server gives up.
    const half = Buffer.from(body).subarray(0, 40);
    const res = await post(t.port, [half], {
      headers: { 'content-length': Buffer.byteLength(body) },
      pauseMs: 5_000,
    });
    expect(res).toMatchObject({ status: 408, headers: { connection: 'close' } });
    const answer = res as Answer;
    expect(answer.afterMs).toBeGreaterThanOrEqual(350);
    expect(answer.afterMs).toBeLessThan(3_000);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'TIMEOUT', domainCode: 'bodyTimeout' },
    });
    expect(t.counts()).toEqual(before);
  });

  it('a chunked body that trickles past the deadline: 408, nothing stored', async () => {
    const t = await listeningWithDeadline(400);
    const before = t.counts();
    const res = await post(t.port, split(json({ name: 'Drypp Nordmann' }), 12), {
      headers: { 'transfer-encoding': 'chunked' },
      pauseMs: 100,
    });
    expect(res).toMatchObject({ status: 408 });
    expect(t.counts()).toEqual(before);
  });

  it('slow but within the deadline: stored', async () => {
    const t = await listeningWithDeadline(2_000);
    const body = json({ name: 'Rolig Nordmann' });
    const res = await post(t.port, split(body, 4), {
      headers: { 'content-length': Buffer.byteLength(body) },
      pauseMs: 100,
    });
    expect(res).toMatchObject({ status: 201 });
    expect(t.counts().leads).toBe(7);
  });

  it('the app gives a body 10 s', () => {
    expect(INTAKE_BODY_TIMEOUT_MS).toBe(10_000);
  });

  it('a chunked body over the limit is refused as soon as it passes it, not read to the end', async () => {
    const t = await listening();
    const before = t.counts();
    // The first 20 KiB pass the limit; the rest would take 5 s more to send.
    const first = Buffer.alloc(20 * 1024, 0x20);
    const res = await post(t.port, [first, ...Array.from({ length: 50 }, () => ' ')], {
      headers: { 'transfer-encoding': 'chunked' },
      pauseMs: 100,
    });
    expect(res).toMatchObject({ status: 413, headers: { connection: 'close' } });
    expect((res as Answer).afterMs).toBeLessThan(4_000);
    expect(t.counts()).toEqual(before);
  });

  it('CORS headers on the answer: the configured origin allowed, Retry-After exposed, Vary: Origin', async () => {
    const t = await listening();
    const body = json();
    const from = (origin?: string) =>
      post(t.port, [body], {
        headers: {
          'content-length': Buffer.byteLength(body),
          ...(origin ? { origin } : {}),
        },
      });
    const website = (await from(WEBSITE)) as Answer;
    expect(website.status).toBe(201);
    expect(website.headers['access-control-allow-origin']).toBe(WEBSITE);
    expect(website.headers['access-control-expose-headers']).toBe('Retry-After');
    expect(website.headers.vary).toMatch(/\borigin\b/i);
    // The rest of the pipeline still adds its headers to the answer.
    expect(website.headers['cache-control']).toBe('no-store');
    expect(website.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(website.headers['content-security-policy']).toBeDefined();
    expect(JSON.parse(website.body)).toMatchObject({ id: expect.any(Number) });

    const server = (await from()) as Answer;
    expect(server.status).toBe(201);
    expect(server.headers['access-control-allow-origin']).toBeUndefined();
    expect(server.headers.vary).toMatch(/\borigin\b/i);

    const other = (await from('https://evil.example')) as Answer;
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers.vary).toMatch(/\borigin\b/i);
  });
});
