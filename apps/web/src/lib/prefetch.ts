import type { AppRouter } from '@mg/api';
import { hasPermission, LEAD_GRID_PAGE_SIZE, leadGridFromSearchParams } from '@mg/shared';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { Params } from 'react-router';
import { getApiErrorInfo } from './api-error';
import { type Boot, type RefusalShape, takeBoot } from './boot';
import { createQueryClient, STALE_TIME_MS } from './query-client';
import { parseId } from './search-params';
import { createApiClient } from './trpc';

/**
 * The app's one query cache and API client. They live here, not in a component, so the
 * router can start a page's data requests at navigation, in parallel with the page's code,
 * instead of after the lazy chunk has loaded and the component has mounted.
 */
export const queryClient = createQueryClient();
export const trpcClient = createApiClient();
const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });

/**
 * Files what the server wrote into the page (lib/boot.ts) under the keys the pages read:
 * the `auth.me` answer (so the loaders start the page's data at once instead of after a round
 * trip) and, for the grid and a lead page, that page's data, fresh for the cache's staleTime,
 * so neither the loaders nor the page ask for it again and the first render shows it.
 * The browser seeds its one cache with it; the server (entry-server.tsx) a cache of its own
 * per request, from the same answers, so both render the same page.
 */
export function seedQueryCache(client: QueryClient, boot: Boot): void {
  const keys = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient: client });
  client.setQueryData(keys.auth.me.queryKey(), boot.me);
  if (boot.leadList)
    client.setQueryData(keys.lead.list.infiniteQueryKey(boot.leadList.input), {
      pages: [boot.leadList.page],
      // The first page's param as the infinite query starts it: the input's own cursor, which
      // is none. tRPC types it `string | null`, but a null would be sent on a refetch and refused.
      pageParams: [boot.leadList.input.cursor as string | null],
    });
  if (boot.lead && 'refused' in boot.lead)
    seedRefusal(client, keys.lead.byId.queryKey({ id: boot.lead.id }), boot.lead.refused);
  else if (boot.lead) {
    client.setQueryData(keys.lead.byId.queryKey({ id: boot.lead.id }), boot.lead.byId);
    client.setQueryData(
      keys.consent.forwarding.queryKey({ leadId: boot.lead.id }),
      boot.lead.forwarding,
    );
  }
}

/**
 * A read the server was refused while serving the page, filed as that query's error: the page
 * shows it as its own read's (a lead of another subsidiary: "not found"), and neither the
 * loader nor the page asks again while it is fresh (`refusedRecently`): each ask would be one
 * more denied read in the access log for a single visit.
 */
function seedRefusal(client: QueryClient, queryKey: QueryKey, refused: RefusalShape) {
  const error = TRPCClientError.from({ error: refused });
  const now = Date.now();
  client.getQueryCache().build(
    client,
    { queryKey },
    {
      data: undefined,
      dataUpdateCount: 0,
      dataUpdatedAt: 0,
      error,
      errorUpdateCount: 1,
      errorUpdatedAt: now,
      fetchFailureCount: 1,
      fetchFailureReason: error,
      fetchMeta: null,
      isInvalidated: false,
      status: 'error',
      fetchStatus: 'idle',
    },
  );
}

/** The query's last answer was a refusal (4xx) within the fresh time: asking again changes nothing. */
export function refusedRecently(client: QueryClient, queryKey: QueryKey, now = Date.now()) {
  const state = client.getQueryState(queryKey);
  if (state?.status !== 'error') return false;
  const { httpStatus } = getApiErrorInfo(state.error);
  return (
    httpStatus !== undefined &&
    httpStatus >= 400 &&
    httpStatus < 500 &&
    now - state.errorUpdatedAt < STALE_TIME_MS
  );
}

// Only in a browser: the server renders with a cache of its own per request.
const boot = typeof document === 'undefined' ? undefined : takeBoot();
if (boot !== undefined) seedQueryCache(queryClient, boot);

/**
 * Prefetches go out on their own, the moment they are asked for: a batched request waits for
 * the next task, which on a cold load comes only after React's first render of the layout.
 */
const AT_ONCE = { trpc: { context: { skipBatch: true } } };

/**
 * Rows per grid page; the leads page asks for the same, so the prefetch is the page's query
 * (and the server reads the same first page into the HTML).
 */
export const LEAD_PAGE_SIZE = LEAD_GRID_PAGE_SIZE;

/**
 * The signed-in user, when past every sign-in step: the same query (and cache entry) as
 * AuthProvider's. Reads of personal data wait for it, so a signed-out visit never sends one
 * (it would be refused, logged as a denial, and look like an expired session).
 */
async function fullUser() {
  try {
    const me = await queryClient.fetchQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
    return me?.stage === 'full' ? me.user : null;
  } catch {
    // AuthProvider shows the error and offers a retry; the page loads its own data then.
    return null;
  }
}

/** Starts the grid's first page for the URL's filter: the exact query LeadsPage then reads. */
async function prefetchLeadGrid(url: URL) {
  const user = await fullUser();
  if (!user || !hasPermission(user.role, 'lead:read')) return;
  const { filter } = leadGridFromSearchParams(url.searchParams);
  await queryClient.prefetchInfiniteQuery(
    trpc.lead.list.infiniteQueryOptions(
      { ...filter, limit: LEAD_PAGE_SIZE },
      { ...AT_ONCE, getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
}

/** Starts a lead page's two reads, as LeadDetailView asks for them. */
async function prefetchLead(id: number) {
  const user = await fullUser();
  if (!user || !hasPermission(user.role, 'lead:read')) return;
  if (refusedRecently(queryClient, trpc.lead.byId.queryKey({ id }))) return;
  await Promise.all([
    queryClient.prefetchQuery(trpc.lead.byId.queryOptions({ id }, AT_ONCE)),
    queryClient.prefetchQuery(trpc.consent.forwarding.queryOptions({ leadId: id }, AT_ONCE)),
  ]);
}

// Started by the router when a page's route matches (router.tsx), beside the page's code:
// they start the requests and return at once; the page renders its own loading state while
// they run, and reads the answers from the cache.

export function leadsLoader(url: URL) {
  void prefetchLeadGrid(url);
}

export function leadLoader(_url: URL, params: Params) {
  const id = parseId(params.id);
  if (id !== undefined) void prefetchLead(id);
}
