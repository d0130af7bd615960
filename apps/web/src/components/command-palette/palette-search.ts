import type { SpotlightStore } from '@mantine/spotlight';

/** The server caps a palette search at this length; longer input is cut, not refused. */
const MAX_TERM = 100;

/**
 * What to send to the server's lead search for the text typed, or null to send nothing yet:
 * a lead number ("3001", "#3001") at once, words from two characters (one letter matches
 * half the register, and every search is a logged read of names).
 */
export function leadSearchTerm(typed: string): string | null {
  const term = typed.trim().slice(0, MAX_TERM).trim();
  if (/^#?\d+$/.test(term)) return term;
  return term.length >= 2 ? term : null;
}

/** Every word typed appears in the text, ignoring case: "ny pro" finds "Nye prosjekter". */
export function matches(text: string, typed: string): boolean {
  const words = typed.toLocaleLowerCase('nb').split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = text.toLocaleLowerCase('nb');
  return words.every((word) => haystack.includes(word));
}

/**
 * Marks the first action as the one Enter opens. Mantine selects the first action when the
 * query changes, but the server's leads arrive later and land above it; this re-selects
 * through the same DOM marker and store field Mantine's own keyboard handling reads.
 */
export function selectFirstAction(store: SpotlightStore) {
  const { listId } = store.getState();
  const list = listId ? document.getElementById(listId) : null;
  if (!list) return;
  list.querySelector('[data-selected]')?.removeAttribute('data-selected');
  const first = list.querySelector('[data-action]');
  first?.setAttribute('data-selected', 'true');
  store.updateState((state) => ({ ...state, selected: first ? 0 : -1 }));
}
