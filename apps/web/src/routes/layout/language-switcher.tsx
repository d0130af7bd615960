import { Button } from '@mantine/core';
import { IconLanguage } from '@tabler/icons-react';
import { lazy, Suspense, useState } from 'react';
import { LANGUAGES } from '../../lib/i18n';
import { useTranslation } from '../../lib/use-translation';

const loadMenu = () => import('../../components/lazy/language-menu');
const LanguageMenu = lazy(loadMenu);

/**
 * The language button paints with the page; its menu (and floating-ui with it) loads on the
 * first click, fetched ahead when the pointer or focus reaches the button (issue 11).
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = LANGUAGES.find((language) => language === i18n.language) ?? 'nb';
  const [asked, setAsked] = useState(false);

  const trigger = (
    <Button
      variant="subtle"
      color="gray"
      size="compact-md"
      leftSection={<IconLanguage aria-hidden size={18} />}
      aria-label={t('language.label', { language: t(`language.${current}`) })}
      aria-haspopup="menu"
      onPointerEnter={() => void loadMenu()}
      onFocus={() => void loadMenu()}
      onClick={asked ? undefined : () => setAsked(true)}
    >
      {current.toUpperCase()}
    </Button>
  );

  if (!asked) return trigger;
  return (
    <Suspense fallback={trigger}>
      <LanguageMenu trigger={trigger} />
    </Suspense>
  );
}
