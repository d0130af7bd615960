import type { AppRouter } from '@mg/api';
import type { inferRouterInputs } from '@trpc/server';
import type { RouterOutputs } from './trpc';

type RouterInputs = inferRouterInputs<AppRouter>;

type Me = RouterOutputs['auth']['me'];

/**
 * What the server wrote into index.html for a signed-in page load (apps/api/src/lib/spa-shell.ts):
 * the caller's `auth.me` answer and, for `/leads` and `/leads/<id>`, that page's data, each
 * answer beside the input it answers.
 */
export type Boot = {
  me: Me;
  leadList?: { input: RouterInputs['lead']['list']; page: RouterOutputs['lead']['list'] };
  lead?:
    | {
        id: number;
        byId: RouterOutputs['lead']['byId'];
        forwarding: RouterOutputs['consent']['forwarding'];
      }
    /** `lead.byId` refused the caller: the error its HTTP answer would have carried. */
    | { id: number; refused: RefusalShape };
};

/** A tRPC error answer's `error` (what TRPCClientError.from reads). */
export type RefusalShape = { message: string; code: number; data: Record<string, unknown> };

/** The part of `document` this needs (a stand-in in unit tests, which run without a DOM). */
type BootSource = {
  getElementById(id: string): { textContent: string | null; remove(): void } | null;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The grid's page as the server writes it; anything else is left for the app to ask. */
function readLeadList(value: unknown): Boot['leadList'] {
  if (!isObject(value) || !isObject(value.input) || !isObject(value.page)) return undefined;
  if (!Array.isArray(value.page.items)) return undefined;
  return value as Boot['leadList'];
}

function readLead(value: unknown): Boot['lead'] {
  if (!isObject(value) || typeof value.id !== 'number') return undefined;
  if ('refused' in value) {
    const refused = value.refused;
    const shaped =
      isObject(refused) &&
      typeof refused.message === 'string' &&
      typeof refused.code === 'number' &&
      isObject(refused.data);
    return shaped ? { id: value.id, refused: refused as RefusalShape } : undefined;
  }
  if (!isObject(value.byId)) return undefined;
  if (!isObject(value.byId.lead) || value.forwarding === undefined) return undefined;
  return value as Boot['lead'];
}

/**
 * The boot block's value checked: anything but the server's own shape is ignored (undefined),
 * and of the page data only what has the expected shape is kept. The server's render
 * (entry-server.tsx) reads its copy of the same value through this too.
 */
export function readBoot(boot: unknown): Boot | undefined {
  if (!isObject(boot) || !('me' in boot)) return undefined;
  const me = boot.me as Me;
  // Anything but the server's own shape (an object with a stage, or null) is ignored.
  if (me !== null && !(isObject(me) && typeof me.stage === 'string')) return undefined;
  const leadList = readLeadList(boot.leadList);
  const lead = readLead(boot.lead);
  return { me, ...(leadList ? { leadList } : {}), ...(lead ? { lead } : {}) };
}

/**
 * The boot block, so the app need not ask for what it holds before it starts the page.
 * Undefined when the page has none (signed out, or the Vite dev server's index.html): the app
 * then asks `auth.me` as before. Read once: the element is removed, so nothing later mistakes
 * these first answers for current ones.
 */
export function takeBoot(doc: BootSource = document): Boot | undefined {
  const element = doc.getElementById('boot');
  if (!element) return undefined;
  element.remove();
  try {
    return readBoot(JSON.parse(element.textContent ?? ''));
  } catch {
    return undefined;
  }
}
