import { Button, Menu } from '@mantine/core';
import { IconCheck, IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES } from '../../lib/i18n';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = LANGUAGES.find((language) => language === i18n.language) ?? 'nb';

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          variant="subtle"
          color="gray"
          size="compact-md"
          leftSection={<IconLanguage aria-hidden size={18} />}
          aria-label={t('language.label', { language: t(`language.${current}`) })}
        >
          {current.toUpperCase()}
        </Button>
      </Menu.Target>
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
