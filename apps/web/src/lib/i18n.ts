import 'dayjs/locale/en';
import 'dayjs/locale/nb';
import dayjs from 'dayjs';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import relativeTime from 'dayjs/plugin/relativeTime';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import nb from '../locales/nb.json';
import { interpolationFormatter } from './format';

dayjs.extend(localizedFormat);
dayjs.extend(relativeTime);

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

function applyLanguage(language: string) {
  document.documentElement.lang = language;
  dayjs.locale(language);
}

// `satisfies` makes the compiler flag any key that English is missing.
const resources = {
  nb: { translation: nb },
  en: { translation: en satisfies typeof nb },
} as const;

i18n.on('languageChanged', applyLanguage);

void i18n
  .use(initReactI18next)
  .use(interpolationFormatter)
  .init({
    resources,
    lng: storedLanguage(),
    fallbackLng: 'nb',
    supportedLngs: LANGUAGES,
    // Every interpolated number goes through the shared formatter ("1 587 leads").
    interpolation: { escapeValue: false, alwaysFormat: true },
    returnNull: false,
  });

export function changeLanguage(language: Language) {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not fatal: the choice just won't survive a reload.
  }
  void i18n.changeLanguage(language);
}

export { i18n };
