import { createInstance, type i18n as I18n } from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import en from '../locales/en.json';
import { leafKeys } from '../locales/leaf-keys';
import nb from '../locales/nb.json';
import { interpolationFormatter } from './format';
import {
  cachedT,
  KEPT_ANSWERS,
  subscribeLanguage,
  translationOf,
  useTranslation,
} from './use-translation';

/** As entry-server.tsx's pageI18n (and lib/i18n.ts): both languages, the shared formatter. */
function instance(language: 'nb' | 'en', resources = { nb, en }): I18n {
  const i18n = createInstance();
  void i18n.use(interpolationFormatter).init({
    resources: {
      nb: { translation: resources.nb },
      en: { translation: resources.en },
    },
    lng: language,
    fallbackLng: 'nb',
    supportedLngs: ['nb', 'en'],
    interpolation: { escapeValue: false, alwaysFormat: true },
    returnNull: false,
    initAsync: false,
  });
  return i18n;
}

type LooseT = (key: string, options?: object) => unknown;

describe('the cached t', () => {
  it("answers every key of both languages as i18next's own t does, the first time and from its cache", () => {
    const keys = [...new Set([...leafKeys(nb), ...leafKeys(en)])];
    expect(keys.length).toBeGreaterThan(500);
    // Plain values as options (interpolation, a count, a default) are kept too.
    const options = { count: 2, column: 'Navn', language: 'Norsk', id: 7, name: 'Kari' };
    for (const language of ['nb', 'en'] as const) {
      const i18n = instance(language);
      const t = cachedT(i18n, language) as unknown as LooseT;
      const own = i18n.getFixedT(language) as unknown as LooseT;
      const expected = keys.map((key) => [key, own(key), own(key, options)]);
      for (let time = 0; time < 2; time++)
        expect(
          keys.map((key) => [key, t(key), t(key, options)]),
          `${language}, pass ${time}`,
        ).toEqual(expected);
      for (const count of [0, 1, 2, 1587, 1, 0])
        expect(t('filters.activeCount', { count })).toBe(own('filters.activeCount', { count }));
      expect(t('no.such.key', { defaultValue: 'Annet' })).toBe('Annet');
      expect(t('no.such.key', { defaultValue: 'Other' })).toBe('Other');
    }
  });

  it('answers right past the bound on kept answers', () => {
    const i18n = instance('nb');
    const t = cachedT(i18n, 'nb') as unknown as LooseT;
    const own = i18n.getFixedT('nb') as unknown as LooseT;
    for (let round = 0; round < 2; round++)
      for (let count = 0; count < KEPT_ANSWERS + 50; count += 1 + round)
        expect(t('filters.activeCount', { count })).toBe(own('filters.activeCount', { count }));
  });

  it('answers a key added after it was first asked for (a screen whose strings came later)', () => {
    const i18n = instance('nb', { nb: {} as typeof nb, en: {} as typeof en });
    const t = cachedT(i18n, 'nb') as unknown as LooseT;
    expect(t('later.key')).toBe('later.key');
    i18n.addResourceBundle('nb', 'translation', { later: { key: 'Kom senere' } }, true, true);
    expect(t('later.key')).toBe('Kom senere');
  });

  it('keeps languages apart on one instance', () => {
    const i18n = instance('nb');
    const tNb = cachedT(i18n, 'nb') as unknown as LooseT;
    const tEn = cachedT(i18n, 'en') as unknown as LooseT;
    expect(tNb('common.yes')).toBe(nb.common.yes);
    expect(tEn('common.yes')).toBe(en.common.yes);
    expect(tNb('common.yes')).not.toBe(tEn('common.yes'));
  });
});

function Yes() {
  const { t, i18n } = useTranslation();
  return (
    <span>
      {i18n.language}:{t('common.yes')}
    </span>
  );
}

describe('useTranslation', () => {
  it("draws with the provider's instance, in its language", () => {
    for (const language of ['nb', 'en'] as const) {
      const html = renderToStaticMarkup(
        <I18nextProvider i18n={instance(language)}>
          <Yes />
        </I18nextProvider>,
      );
      expect(html).toBe(`<span>${language}:${(language === 'nb' ? nb : en).common.yes}</span>`);
    }
  });

  // React re-renders a useSyncExternalStore subscriber when its callback fires and the snapshot
  // is a different object: both are checked here (there is no DOM in these tests).
  it('is told of a language change and then hands out a translation in the new language', async () => {
    const i18n = instance('nb');
    const before = translationOf(i18n);
    expect(translationOf(i18n)).toBe(before);
    let told = 0;
    const unsubscribe = subscribeLanguage(i18n, () => {
      told += 1;
    });
    await i18n.changeLanguage('en');
    expect(told).toBe(1);
    const after = translationOf(i18n);
    expect(after).not.toBe(before);
    expect((after.t as unknown as LooseT)('common.yes')).toBe(en.common.yes);
    expect(translationOf(i18n)).toBe(after);
    unsubscribe();
    await i18n.changeLanguage('nb');
    expect(told).toBe(1);
    expect(translationOf(i18n)).toBe(before);
  });
});
