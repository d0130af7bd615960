import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { createTestDatabase } from '@mg/db/testing';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { chooseEncoding, compressDynamic } from '../src/lib/compress';
import { createApp } from '../src/server';

/**
 * The request pipeline over a real socket (@hono/node-server, as in production): headers the
 * middleware sets after the handler (request id, no-store, Vary) and compression, which
 * lib/compress.ts does without rebuilding answers it leaves alone.
 */

let server: ReturnType<typeof serve>;
let port = 0;
beforeAll(async () => {
  const handle = createTestDatabase();
  const app = createApp({
    db: handle.db,
    env: loadEnv({ NODE_ENV: 'test' }),
    log: pino({ level: 'silent' }),
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', fail);
      req.end();
    },
  );
}

describe('request pipeline', () => {
  it('answers a tRPC query uncompressed to a client that takes no compression', async () => {
    const res = await get('/trpc/auth.me', { 'x-request-id': 'client-chosen-id' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe('no-store');
    // Ours, never the client's.
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ result: { data: null } });
  });

  it('compresses the same answer with gzip when the client takes it', async () => {
    const res = await get('/trpc/auth.me', { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    // Compressed whole, in one call (a tRPC answer is built in memory), and sent with its length.
    expect(res.headers['content-length']).toBe(String(res.body.length));
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(gunzipSync(res.body).toString('utf8'))).toEqual({ result: { data: null } });
  });

  it('compresses a tRPC answer with deflate when the client prefers it, an error answer too', async () => {
    const res = await get('/trpc/auth.me', { 'accept-encoding': 'deflate, gzip;q=0.5' });
    expect(res.headers['content-encoding']).toBe('deflate');
    expect(res.headers['content-length']).toBe(String(res.body.length));
    expect(JSON.parse(inflateSync(res.body).toString('utf8'))).toEqual({ result: { data: null } });
    const refused = await get('/trpc/lead.list', { 'accept-encoding': 'gzip' });
    expect(refused.status).toBe(401);
    expect(refused.headers['content-encoding']).toBe('gzip');
    const error = JSON.parse(gunzipSync(refused.body).toString('utf8'));
    expect(error.error.data.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify(error)).not.toMatch(/stack/);
  });

  it('compresses a whole answer from a string and from a stream alike', async () => {
    // A string body is read where @hono/node-server holds it; any other body is read whole.
    const text = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => `rad ${i} æøå`) });
    const whole = new Hono();
    whole.use(
      '*',
      compressDynamic(() => true),
    );
    whole.get(
      '/string',
      () => new Response(text, { headers: { 'content-type': 'application/json' } }),
    );
    whole.get(
      '/stream',
      () =>
        new Response(new Blob([text]).stream(), {
          headers: { 'content-type': 'application/json' },
        }),
    );
    for (const path of ['/string', '/stream']) {
      const res = await whole.request(path, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.headers.get('content-encoding'), path).toBe('gzip');
      expect(res.headers.get('vary'), path).toMatch(/accept-encoding/i);
      expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8'), path).toBe(text);
    }
  });

  it('leaves a HEAD request and a refused encoding alone', async () => {
    const refused = await get('/trpc/auth.me', { 'accept-encoding': 'gzip;q=0, deflate;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.body.toString('utf8'))).toEqual({ result: { data: null } });
    const head = await get('/healthz', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.headers['content-encoding']).toBeUndefined();
  });

  it('chooses the encoding by q-value', () => {
    expect(chooseEncoding(undefined)).toBeUndefined();
    expect(chooseEncoding('br')).toBeUndefined();
    expect(chooseEncoding('gzip, deflate')).toBe('gzip');
    expect(chooseEncoding('gzip;q=0.5, deflate')).toBe('deflate');
    expect(chooseEncoding('*')).toBe('gzip');
    expect(chooseEncoding('*, gzip;q=0')).toBe('deflate');
    expect(chooseEncoding('identity')).toBeUndefined();
  });
});
