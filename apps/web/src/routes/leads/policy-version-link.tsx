import { Anchor, Group, VisuallyHidden } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useTranslation } from '../../lib/use-translation';

/**
 * The privacy policy a lead was submitted under, as the consumer saw it: the public page
 * the API renders (outside the app, so a new tab keeps the lead open).
 */
export function PolicyVersionLink({ label }: { label: string }) {
  const { t, i18n } = useTranslation();
  const params = new URLSearchParams({ versjon: label });
  if (i18n.language === 'en') params.set('lang', 'en');
  return (
    <Anchor href={`/personvern?${params}`} target="_blank" rel="noopener" size="sm">
      <Group gap={4} component="span" wrap="nowrap">
        {label}
        <IconExternalLink aria-hidden size={14} />
        <VisuallyHidden>{t('common.opensInNewTab')}</VisuallyHidden>
      </Group>
    </Anchor>
  );
}
