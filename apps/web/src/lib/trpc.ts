import type { AppRouter } from '@mg/api';
import { TRPC_MAX_BATCH_SIZE } from '@mg/shared';
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

// The session lives in an HttpOnly cookie on the same origin as the app.
const sameOrigin = (url: URL | RequestInfo, options?: RequestInit) =>
  fetch(url, { ...options, credentials: 'same-origin' });

export function createApiClient() {
  return createTRPCClient<AppRouter>({
    links: [
      // A query asking for `context: { skipBatch: true }` goes alone: a batch answers only
      // when its slowest call is done, and the grid's rows must not wait for its count.
      splitLink({
        condition: (op) => op.context.skipBatch === true,
        true: httpLink({ url: '/trpc', fetch: sameOrigin }),
        false: httpBatchLink({ url: '/trpc', maxItems: TRPC_MAX_BATCH_SIZE, fetch: sameOrigin }),
      }),
    ],
  });
}
