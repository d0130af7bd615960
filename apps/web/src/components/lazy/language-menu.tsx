import { Menu } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { ReactElement } from 'react';
import { changeLanguage, LANGUAGES } from '../../lib/i18n';
import { useTranslation } from '../../lib/use-translation';

/**
 * The language menu itself, loaded on the first click on its button
 * (routes/layout/language-switcher.tsx): Mantine's Menu brings floating-ui (~15 KB gzip),
 * which the sign-in page's first load does without (issue 11). It mounts open, since it is
 * only ever loaded because someone asked for it.
 */
export default function LanguageMenu({ trigger }: { trigger: ReactElement }) {
  const { t, i18n } = useTranslation();
  const current = LANGUAGES.find((language) => language === i18n.language) ?? 'nb';
  return (
    <Menu position="bottom-end" withinPortal defaultOpened>
      <Menu.Target>{trigger}</Menu.Target>
      <Menu.Dropdown>
        {LANGUAGES.map((language) => (
          <Menu.Item
            key={language}
            lang={language}
            onClick={() => changeLanguage(language)}
            rightSection={language === current ? <IconCheck aria-hidden size={16} /> : null}
            aria-current={language === current ? 'true' : undefined}
          >
            {/* Each language is named in itself, so people can find their own. */}
            {t(`language.${language}`, { lng: language })}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
