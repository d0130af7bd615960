import type { i18n as I18n, TFunction } from 'i18next';
import { useContext, useSyncExternalStore } from 'react';
import { getI18n, I18nContext } from 'react-i18next';

/**
 * The app's `useTranslation` (decision 052): `{ t, i18n }` of the I18nextProvider's instance
 * (the server's, one per language) or the global one (the browser), one object per instance and
 * language, so a component re-renders when the language changes and not otherwise.
 *
 * react-i18next's hook copied every own property of the i18next instance into a wrapper object
 * on every call on the server (a server render keeps no ref) and at every mount in the browser,
 * and built a new fixed `t` each time: ~8 % of a server render with ~130 calls per page.
 * Namespaces, key prefixes and Suspense on loading, which that hook also handles, are not used
 * here (one namespace; lib/route-strings.ts loads a screen's strings before it renders).
 */
export type Translation = { t: TFunction; i18n: I18n };

type Entry = {
  /** Per language: the translation handed to components, stable until the language changes. */
  byLanguage: Map<string, Translation>;
  /** Per language: calls already answered (cleared when resources are added). */
  hits: Map<string, Map<string, string>>;
};

const entries = new WeakMap<I18n, Entry>();

function entryOf(i18n: I18n): Entry {
  let entry = entries.get(i18n);
  if (!entry) {
    const created: Entry = { byLanguage: new Map(), hits: new Map() };
    // The browser adds a screen's strings after start (lib/route-strings.ts): a key looked up
    // before would have answered the key itself, so every remembered answer is dropped.
    const forget = () => {
      for (const hits of created.hits.values()) hits.clear();
    };
    i18n.store?.on('added', forget);
    i18n.store?.on('removed', forget);
    entries.set(i18n, created);
    entry = created;
  }
  return entry;
}

/** At most this many answers are kept per language; past it they are all dropped. */
export const KEPT_ANSWERS = 4_000;

/**
 * The cache key of a call, or null for one that is not kept: a string key, with no options or
 * options that are a plain object of strings, numbers and booleans (interpolated values, a
 * count, a default). Their answer depends on nothing else (resources are only ever added,
 * which clears the cache), so the same call gets the same text.
 */
function callKey(args: unknown[]): string | null {
  const key = args[0];
  if (typeof key !== 'string') return null;
  if (args.length === 1) return key;
  const options = args[1];
  if (args.length !== 2 || typeof options !== 'object' || options === null) return null;
  const prototype = Object.getPrototypeOf(options);
  if (prototype !== Object.prototype && prototype !== null) return null;
  for (const value of Object.values(options)) {
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return null;
  }
  return `${key}\u0000${JSON.stringify(options)}`;
}

/**
 * A `t` in `language` that remembers what it answered, for calls without options or with
 * plain values as options (the grid's sort headers, "{{count}} leads", the language button);
 * other calls go to i18next each time. The same text as i18next's own `t`.
 */
export function cachedT(i18n: I18n, language: string): TFunction {
  const entry = entryOf(i18n);
  let hits = entry.hits.get(language);
  if (!hits) {
    hits = new Map();
    entry.hits.set(language, hits);
  }
  const known = hits;
  const fixed = i18n.getFixedT(language) as unknown as (...args: unknown[]) => unknown;
  const t = (...args: unknown[]) => {
    const call = callKey(args);
    if (call === null) return fixed(...args);
    let text = known.get(call);
    if (text === undefined) {
      const answer = fixed(...args);
      // Only strings are kept (an object would need returnObjects, which is not kept anyway).
      if (typeof answer !== 'string') return answer;
      // Ids and counts make keys without end on a long-running server: a bound, then afresh.
      if (known.size >= KEPT_ANSWERS) known.clear();
      known.set(call, answer);
      text = answer;
    }
    return text;
  };
  return t as unknown as TFunction;
}

/** The translation of `i18n` in its current language: the same object until it changes. */
export function translationOf(i18n: I18n): Translation {
  const entry = entryOf(i18n);
  const language = i18n.language;
  let translation = entry.byLanguage.get(language);
  if (!translation) {
    translation = { t: cachedT(i18n, language), i18n };
    entry.byLanguage.set(language, translation);
  }
  return translation;
}

/** Calls `onChange` whenever `i18n`'s language changes; returns the unsubscribe. */
export function subscribeLanguage(i18n: I18n, onChange: () => void): () => void {
  i18n.on('languageChanged', onChange);
  return () => i18n.off('languageChanged', onChange);
}

// One subscribe function per instance, so React does not resubscribe on every render.
const subscribers = new WeakMap<I18n, (onChange: () => void) => () => void>();

function subscriberOf(i18n: I18n) {
  let subscribe = subscribers.get(i18n);
  if (!subscribe) {
    subscribe = (onChange) => subscribeLanguage(i18n, onChange);
    subscribers.set(i18n, subscribe);
  }
  return subscribe;
}

export function useTranslation(): Translation {
  const i18n = useContext(I18nContext)?.i18n ?? getI18n();
  const snapshot = () => translationOf(i18n);
  return useSyncExternalStore(subscriberOf(i18n), snapshot, snapshot);
}
