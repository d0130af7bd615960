import type { MiddlewareHandler } from 'hono';

/**
 * Keeps the app's requests apart from work that holds SQLite's write lock on another thread:
 * the nightly search-index merge, whose steps take up to seconds at 1M leads (decision 058).
 * A request that writes (nearly all do: the access log) while such a step runs fails with
 * SQLITE_BUSY at once when its transaction has read first (the app's are deferred, and SQLite
 * does not wait there), and otherwise waits in the busy handler, synchronously, with this
 * thread's event loop stopped. Measured at 1M: ~80 % of the writes made during a merge
 * failed. So (decision 059):
 *
 * - `enter` lets a request in unless exclusive work waits or runs; then it waits for it,
 *   asynchronously, and the event loop goes on (health checks, static files, reads of others).
 * - `exclusive` runs its work only when no request is under way: it closes the gate, waits for
 *   those under way to finish (at most `drainMs`, else it opens the gate again and tries later,
 *   so a long download delays the merge, never the requests), and opens the gate when done.
 */
export interface WriteGate {
  /** Wait until no exclusive work waits or runs, and count as under way until `leave` is called. */
  enter(): Promise<() => void>;
  /**
   * Run `work` while nothing else is under way; stops trying (rejects) when `signal` aborts
   * or after `giveUpMs`.
   */
  exclusive<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Requests under way (tests, logs). */
  readonly inFlight: number;
}

export interface WriteGateOptions {
  /** How long exclusive work waits for requests under way before it lets others in again. */
  drainMs?: number;
  /** How long it then lets requests through before it tries again. */
  retryMs?: number;
  /**
   * How long exclusive work keeps trying before it gives up (rejects): a stream whose client
   * stopped reading stays under way, and each try holds new requests back for up to
   * `drainMs`, so the tries are bounded too.
   */
  giveUpMs?: number;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export function createWriteGate({
  drainMs = 1_000,
  retryMs = 500,
  giveUpMs = 5 * 60_000,
}: WriteGateOptions = {}): WriteGate {
  let inFlight = 0;
  /** Set while exclusive work waits for the drain or runs; resolved when the gate opens. */
  let closed: Promise<void> | null = null;
  let onDrained: (() => void) | null = null;

  const drained = () =>
    new Promise<boolean>((settle) => {
      if (inFlight === 0) return settle(true);
      const timer = setTimeout(() => {
        onDrained = null;
        settle(false);
      }, drainMs);
      onDrained = () => {
        clearTimeout(timer);
        onDrained = null;
        settle(true);
      };
    });

  return {
    get inFlight() {
      return inFlight;
    },
    async enter() {
      while (closed) await closed;
      inFlight++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inFlight--;
        if (inFlight === 0) onDrained?.();
      };
    },
    async exclusive(work, signal) {
      const until = performance.now() + giveUpMs;
      for (;;) {
        signal?.throwIfAborted();
        if (performance.now() > until)
          throw new Error(`no moment without a request under way in ${giveUpMs} ms`);
        while (closed) await closed;
        let open = () => {};
        closed = new Promise<void>((done) => {
          open = done;
        });
        const quiet = await drained();
        if (quiet && !signal?.aborted) {
          try {
            return await work();
          } finally {
            closed = null;
            open();
          }
        }
        closed = null;
        open();
        await sleep(retryMs);
      }
    },
  };
}

/**
 * Counts a request as under way from its start until its answer has been sent: a streamed
 * answer (the first paint's page data, the downloads) still reads and logs after the handler
 * returned, so the count ends with the body, or when the client goes away. Answers of paths
 * that `builtWhole` names are complete when the handler returns: their count ends there,
 * and their body is left as it is (reading it would cost @hono/node-server's fast path for
 * answers built from a string).
 */
export function gateRequests(
  gate: WriteGate,
  builtWhole: (path: string) => boolean = () => false,
): MiddlewareHandler {
  return async (c, next) => {
    const leave = await gate.enter();
    try {
      await next();
    } catch (error) {
      leave();
      throw error;
    }
    const body = builtWhole(c.req.path) ? null : c.res.body;
    if (!body) {
      leave();
      return;
    }
    const reader = body.getReader();
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            leave();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          leave();
          controller.error(error);
        }
      },
      cancel(reason) {
        leave();
        return reader.cancel(reason);
      },
    });
    c.res = new Response(counted, c.res);
  };
}
