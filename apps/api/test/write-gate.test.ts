import { createTestDatabase, seedFixture } from '@mg/db/testing';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { createWriteGate, gateRequests } from '../src/lib/write-gate';
import { createApp } from '../src/server';

const tick = (ms = 0) => new Promise<void>((done) => setTimeout(done, ms));

/** Whether a promise (or a value) has settled after the pending callbacks ran. */
async function settled(value: unknown): Promise<boolean> {
  const promise = Promise.resolve(value);
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await tick();
  return done;
}

describe('the write gate between requests and long lock holders (decision 059)', () => {
  it('runs exclusive work at once when nothing is under way, and counts what enters', async () => {
    const gate = createWriteGate();
    expect(await gate.exclusive(async () => 'ran')).toBe('ran');
    const leave = await gate.enter();
    expect(gate.inFlight).toBe(1);
    leave();
    // Leaving twice (an error path and the body's end) counts once.
    leave();
    expect(gate.inFlight).toBe(0);
  });

  it('waits for requests under way, and requests that come meanwhile wait for the work', async () => {
    const gate = createWriteGate({ drainMs: 5_000 });
    const events: string[] = [];
    const leaveFirst = await gate.enter();
    const work = gate.exclusive(async () => {
      events.push('work starts');
      await tick(20);
      events.push('work ends');
    });
    expect(await settled(work)).toBe(false);
    expect(events).toEqual([]);
    // A request that arrives now waits, without holding anything up.
    const late = gate.enter().then((leave) => {
      events.push('late request in');
      return leave;
    });
    await tick(10);
    expect(events).toEqual([]);
    events.push('first request done');
    leaveFirst();
    await work;
    (await late)();
    expect(events).toEqual(['first request done', 'work starts', 'work ends', 'late request in']);
    expect(gate.inFlight).toBe(0);
  });

  it('lets requests through again when those under way do not finish in time, and tries later', async () => {
    const gate = createWriteGate({ drainMs: 30, retryMs: 30 });
    const leaveLong = await gate.enter(); // a long download
    let ran = false;
    const work = gate.exclusive(async () => {
      ran = true;
    });
    // The gate closed for the drain, then opened: a new request is not kept out for good.
    const started = performance.now();
    const leaveNew = await gate.enter();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(ran).toBe(false);
    leaveNew();
    leaveLong();
    await work;
    expect(ran).toBe(true);
  });

  it('gives up after a while when a request never finishes (a client that stopped reading)', async () => {
    const gate = createWriteGate({ drainMs: 20, retryMs: 20, giveUpMs: 150 });
    const leaveStuck = await gate.enter();
    let ran = false;
    const started = performance.now();
    await expect(
      gate.exclusive(async () => {
        ran = true;
      }),
    ).rejects.toThrow(/no moment without a request/);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(ran).toBe(false);
    // The gate is open again.
    (await gate.enter())();
    leaveStuck();
    expect(gate.inFlight).toBe(0);
  });

  it('gives up when stopped, and opens the gate', async () => {
    const gate = createWriteGate({ drainMs: 5_000 });
    const leave = await gate.enter();
    const stopping = new AbortController();
    const work = gate.exclusive(async () => 'ran', stopping.signal);
    const waiting = gate.enter();
    stopping.abort();
    leave();
    await expect(work).rejects.toThrow();
    (await waiting)();
    expect(gate.inFlight).toBe(0);
  });
});

describe('requests counted by the gate', () => {
  function appWith(gate: ReturnType<typeof createWriteGate>) {
    const app = new Hono();
    app.use(
      '*',
      gateRequests(gate, (path) => path.startsWith('/whole')),
    );
    app.get('/whole', (c) => c.text('done'));
    app.get('/streamed', (c) =>
      stream(c, async (s) => {
        await s.write('first part;');
        await tick(30);
        await s.write('second part');
      }),
    );
    app.get('/fails', () => {
      throw new Error('boom');
    });
    app.onError((_error, c) => c.text('failed', 500));
    return app;
  }

  it('an answer built whole ends its count when the handler returns', async () => {
    const gate = createWriteGate();
    const res = await appWith(gate).request('/whole');
    expect(gate.inFlight).toBe(0);
    expect(await res.text()).toBe('done');
  });

  it('a streamed answer counts until its body has been read', async () => {
    const gate = createWriteGate();
    const res = await appWith(gate).request('/streamed');
    expect(gate.inFlight).toBe(1);
    expect(await res.text()).toBe('first part;second part');
    expect(gate.inFlight).toBe(0);
  });

  it('a client that goes away ends the count, as does a handler that throws', async () => {
    const gate = createWriteGate();
    const app = appWith(gate);
    const res = await app.request('/streamed');
    expect(gate.inFlight).toBe(1);
    await res.body?.cancel();
    expect(gate.inFlight).toBe(0);
    const failed = await app.request('/fails');
    expect(failed.status).toBe(500);
    await failed.text();
    expect(gate.inFlight).toBe(0);
  });
});

describe('the app behind the gate', () => {
  it('holds requests while exclusive work runs; the health check answers meanwhile', async () => {
    const handle = createTestDatabase();
    seedFixture(handle, 'not-a-hash');
    const gate = createWriteGate();
    const app = createApp({
      db: handle.db,
      env: loadEnv({ NODE_ENV: 'test' }),
      log: pino({ level: 'silent' }),
      gate,
    });
    let finish = () => {};
    const work = gate.exclusive(
      () =>
        new Promise<void>((done) => {
          finish = done;
        }),
    );
    await tick();
    const me = app.request('/trpc/auth.me');
    const policy = app.request('/api/policy');
    expect(await settled(me)).toBe(false);
    expect(await settled(policy)).toBe(false);
    const health = await app.request('/healthz');
    expect(health.status).toBe(200);
    finish();
    await work;
    expect((await me).status).toBe(200);
    expect((await policy).status).toBeLessThan(500);
    // tRPC answers are built whole: counted until the handler returned, not until read.
    expect(gate.inFlight).toBe(1);
    await (await policy).text();
    expect(gate.inFlight).toBe(0);
  });
});
