import { describe, expect, it } from 'vitest';
import { isNotFoundError } from './api-error';
import { refusedRecently, seedQueryCache } from './prefetch';
import { createQueryClient, STALE_TIME_MS } from './query-client';

const me = null;
/** lead.byId's answer for another subsidiary's lead, as the server writes it into the page. */
const refused = {
  message: 'notFound',
  code: -32004,
  data: { code: 'NOT_FOUND', httpStatus: 404, path: 'lead.byId', requestId: 'r-1' },
};
const byIdKey = (id: number) => [['lead', 'byId'], { input: { id }, type: 'query' }];
const forwardingKey = (leadId: number) => [
  ['consent', 'forwarding'],
  { input: { leadId }, type: 'query' },
];

describe("a lead page's refusal from the server", () => {
  it("is filed as lead.byId's error, which the page shows as not found", () => {
    const client = createQueryClient();
    seedQueryCache(client, { me, lead: { id: 7, refused } });
    const state = client.getQueryState(byIdKey(7));
    expect(state?.status).toBe('error');
    expect(state?.fetchStatus).toBe('idle');
    expect(state?.data).toBeUndefined();
    expect(isNotFoundError(state?.error)).toBe(true);
    // Nothing is filed for the forwarding log: the page does not ask for it either.
    expect(client.getQueryState(forwardingKey(7))).toBeUndefined();
  });

  it('is not asked again while fresh, and is after that', () => {
    const client = createQueryClient();
    seedQueryCache(client, { me, lead: { id: 7, refused } });
    const at = client.getQueryState(byIdKey(7))?.errorUpdatedAt ?? 0;
    expect(at).toBeGreaterThan(0);
    expect(refusedRecently(client, byIdKey(7), at + 1)).toBe(true);
    expect(refusedRecently(client, byIdKey(7), at + STALE_TIME_MS - 1)).toBe(true);
    expect(refusedRecently(client, byIdKey(7), at + STALE_TIME_MS)).toBe(false);
    // Another lead, or nothing asked yet: asked.
    expect(refusedRecently(client, byIdKey(8), at + 1)).toBe(false);
  });

  it('does not stop a retry after a server failure', () => {
    const client = createQueryClient();
    const failed = {
      ...refused,
      data: { ...refused.data, code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 },
    };
    seedQueryCache(client, { me, lead: { id: 7, refused: failed } });
    const at = client.getQueryState(byIdKey(7))?.errorUpdatedAt ?? 0;
    expect(client.getQueryState(byIdKey(7))?.status).toBe('error');
    expect(refusedRecently(client, byIdKey(7), at + 1)).toBe(false);
  });
});
