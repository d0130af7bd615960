import { Button, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { translateOpen } from '../../lib/translate';
import { useTranslation } from '../../lib/use-translation';

type Props = {
  targetType: string | null;
  targetIds: number[];
  targetCount: number | null;
};

/**
 * Targets as ids only, never names: the access log must not reveal who the data subjects
 * are, and auditors may not see their personal data.
 */
export function AuditTargets({ targetType, targetIds, targetCount }: Props) {
  const { t } = useTranslation();
  if (targetType === null)
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  const type = translateOpen(t, 'auditTargetType', targetType);
  const [only] = targetIds;
  const count = targetCount ?? targetIds.length;
  if (count <= 1) {
    return (
      <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
        {only === undefined ? type : t('audit.targetOne', { type, id: only })}
      </Text>
    );
  }
  return (
    <Popover position="bottom-start" shadow="md" withArrow>
      <Popover.Target>
        <Button
          variant="light"
          size="compact-sm"
          // Clicking the row expands it; opening the list should not.
          onClick={(event) => event.stopPropagation()}
          aria-label={t('audit.showTargetIds', { count: count, type })}
        >
          {t('audit.targetMany', { count: count, type })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={320} onClick={(event) => event.stopPropagation()}>
        <Stack gap={6}>
          <Text size="xs" c="dimmed">
            {targetIds.length < count
              ? t('audit.targetIdsPartial', { shown: targetIds.length, count: count, type })
              : t('audit.targetIdsAll', { count: count, type })}
          </Text>
          <ScrollArea.Autosize mah={200} type="auto">
            <Text size="sm" className="tabular" style={{ overflowWrap: 'anywhere' }}>
              {targetIds.map((id) => `#${id}`).join(', ')}
            </Text>
          </ScrollArea.Autosize>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
