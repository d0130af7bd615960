import type { RouterOutputs } from './trpc';

type Me = RouterOutputs['auth']['me'];

/** The part of `document` this needs (a stand-in in unit tests, which run without a DOM). */
type BootSource = {
  getElementById(id: string): { textContent: string | null; remove(): void } | null;
};

/**
 * The `auth.me` answer the server wrote into index.html for a signed-in page load
 * (apps/api/src/lib/spa-shell.ts), so the app need not ask for it before it starts the page's
 * data. Undefined when the page has none (signed out, or the Vite dev server's index.html):
 * the app then asks `auth.me` as before. Read once: the element is removed, so nothing later
 * mistakes this first answer for a current one.
 */
export function takeBootMe(doc: BootSource = document): Me | undefined {
  const element = doc.getElementById('boot');
  if (!element) return undefined;
  element.remove();
  try {
    const boot: unknown = JSON.parse(element.textContent ?? '');
    if (typeof boot !== 'object' || boot === null || !('me' in boot)) return undefined;
    const { me } = boot as { me: Me };
    // Anything but the server's own shape (an object with a stage, or null) is ignored.
    if (me === null || (typeof me === 'object' && typeof me.stage === 'string')) return me;
    return undefined;
  } catch {
    return undefined;
  }
}
