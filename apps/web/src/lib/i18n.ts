import core from 'virtual:strings/nb/core';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type nb from '../locales/nb.json';
import { interpolationFormatter } from './format';

export const LANGUAGES = ['nb', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'mg-leads.language';

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language === value);
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : 'nb';
  } catch {
    // Storage can be blocked (privacy settings); Norwegian is the default anyway.
    return 'nb';
  }
}

/**
 * The server draws a page in the language named by this cookie (decision 029), so the
 * browser's choice (kept in storage) goes there too. Not a secret: only a language.
 */
export const LANGUAGE_COOKIE = 'mg-lang';

function applyLanguage(language: string) {
  // The date pickers take the language from their own provider (components/dates.tsx).
  // The server's render (entry-server.tsx) imports this too; it has a language per request.
  if (typeof document === 'undefined') return;
  document.documentElement.lang = language;
  if (!document.cookie.includes(`${LANGUAGE_COOKIE}=${language}`))
    // biome-ignore lint/suspicious/noDocumentCookie: one fixed-format value; the Cookie Store API is not in every browser the app supports
    document.cookie = `${LANGUAGE_COOKIE}=${language}; path=/; max-age=31536000; samesite=lax`;
}

/**
 * Norwegian is the default and the fallback: its core sections come with the first load, each
 * screen's own sections with the screen (lib/route-strings.ts). English is one chunk, fetched
 * only by someone who chose it (issue 11: first-load JavaScript). The compiler still flags
 * any key that English is missing.
 */
const translations: Record<Exclude<Language, 'nb'>, () => Promise<typeof nb>> = {
  en: async () => (await import('../locales/en.json')).default satisfies typeof nb,
};

async function loadLanguage(language: Language): Promise<void> {
  if (language === 'nb' || i18n.hasResourceBundle(language, 'translation')) return;
  i18n.addResourceBundle(language, 'translation', await translations[language]());
}

i18n.on('languageChanged', applyLanguage);

const initial = storedLanguage();
void i18n
  .use(initReactI18next)
  .use(interpolationFormatter)
  .init({
    resources: { nb: { translation: core } },
    // Starts in Norwegian; `i18nReady` switches to the stored language once it has loaded.
    lng: 'nb',
    fallbackLng: 'nb',
    supportedLngs: LANGUAGES,
    // Every interpolated number goes through the shared formatter ("1 587 leads").
    interpolation: { escapeValue: false, alwaysFormat: true },
    returnNull: false,
  });

/**
 * Resolves once the stored language can be shown: main.tsx renders after it, so nobody sees
 * the Norwegian text flash first. At once for Norwegian; if the chunk cannot be fetched the
 * app stays in Norwegian rather than not starting.
 */
export const i18nReady: Promise<void> = (async () => {
  if (initial === 'nb') return;
  try {
    await loadLanguage(initial);
    await i18n.changeLanguage(initial);
  } catch {
    // Offline or a stale deploy: Norwegian, the fallback, is there.
  }
})();

export function changeLanguage(language: Language) {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not fatal: the choice just won't survive a reload.
  }
  void loadLanguage(language).then(() => i18n.changeLanguage(language));
}

export { i18n };
