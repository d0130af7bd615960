import { Anchor, Group, Modal, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { formatDay } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';
import type { PolicyVersion } from './policy-page';

type Props = { version: PolicyVersion; opened: boolean; onClose: () => void };

/** The full text of one version, as stored; paragraphs are separated by blank lines. */
export function PolicyTextModal({ version, opened, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const params = new URLSearchParams({ versjon: version.label });
  if (i18n.language === 'en') params.set('lang', 'en');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('policy.textTitle', { label: version.label })}
      size="xl"
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Text size="sm" c="dimmed">
            {t('policy.textMeta', {
              date: formatDay(version.effectiveDate),
              count: version.leadCount,
            })}
          </Text>
          <Anchor href={`/personvern?${params}`} target="_blank" rel="noopener" size="sm">
            <Group gap={4} component="span" wrap="nowrap">
              {t('policy.openPublic')}
              <IconExternalLink aria-hidden size={14} />
              <VisuallyHidden>{t('common.opensInNewTab')}</VisuallyHidden>
            </Group>
          </Anchor>
        </Group>
        <Text size="sm" lang="nb" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {version.body}
        </Text>
      </Stack>
    </Modal>
  );
}
