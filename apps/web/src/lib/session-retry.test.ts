import { MutationObserver, QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { createSessionRetry } from './session-retry';

/** The error the API answers with once the session has ended (or any other tRPC code). */
function apiError(code: string, domainCode?: string) {
  return new TRPCClientError(code, {
    result: { error: { message: code, code: -32001, data: { code, domainCode, httpStatus: 401 } } },
  });
}

/** A save that fails the first time with `firstError`, then works; it counts its calls. */
function saver(client: QueryClient, firstError: Error) {
  const calls: string[] = [];
  const succeeded: string[] = [];
  const observer = new MutationObserver<string, Error, string>(client, {
    mutationFn: async (value) => {
      calls.push(value);
      if (calls.length === 1) throw firstError;
      return value;
    },
    onSuccess: (value) => {
      succeeded.push(value);
    },
  });
  return { observer, calls, succeeded };
}

describe('createSessionRetry', () => {
  it('sends a change refused for an ended session again, with the same value, after sign-in', async () => {
    const client = new QueryClient();
    const retry = createSessionRetry(client);
    const { observer, calls, succeeded } = saver(client, apiError('UNAUTHORIZED'));

    await expect(observer.mutate('Kontaktet')).rejects.toThrow();
    expect(retry.pending()).toBe(1);

    await retry.retry();
    expect(calls).toEqual(['Kontaktet', 'Kontaktet']);
    // The mutation's own success handling runs (toasts, refreshes), and the page sees success.
    expect(succeeded).toEqual(['Kontaktet']);
    expect(observer.getCurrentResult().status).toBe('success');
    expect(retry.pending()).toBe(0);
    retry.stop();
  });

  it('keeps nothing for other failures: a wrong password or a refused change is not retried', async () => {
    const client = new QueryClient();
    const retry = createSessionRetry(client);
    const wrongPassword = saver(client, apiError('UNAUTHORIZED', 'invalidCredentials'));
    const forbidden = saver(client, apiError('FORBIDDEN'));
    await expect(wrongPassword.observer.mutate('a')).rejects.toThrow();
    await expect(forbidden.observer.mutate('b')).rejects.toThrow();

    expect(retry.pending()).toBe(0);
    await retry.retry();
    expect(wrongPassword.calls).toEqual(['a']);
    expect(forbidden.calls).toEqual(['b']);
    retry.stop();
  });

  it('sends nothing after discard (someone else signs in)', async () => {
    const client = new QueryClient();
    const retry = createSessionRetry(client);
    const { observer, calls } = saver(client, apiError('UNAUTHORIZED'));
    await expect(observer.mutate('x')).rejects.toThrow();

    retry.discard();
    await retry.retry();
    expect(calls).toEqual(['x']);
    retry.stop();
  });

  it('refetches the reads that failed while signed out', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const retry = createSessionRetry(client);
    let reads = 0;
    const { QueryObserver } = await import('@tanstack/react-query');
    const observer = new QueryObserver(client, {
      queryKey: ['lead', 1],
      queryFn: async () => {
        reads += 1;
        if (reads === 1) throw apiError('UNAUTHORIZED');
        return 'lead';
      },
    });
    const stop = observer.subscribe(() => undefined);
    await expect.poll(() => observer.getCurrentResult().status).toBe('error');

    await retry.retry();
    expect(reads).toBe(2);
    expect(observer.getCurrentResult().data).toBe('lead');
    stop();
    retry.stop();
  });
});
