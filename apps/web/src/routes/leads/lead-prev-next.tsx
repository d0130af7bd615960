import { Button, Group, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { neighboursInGrid } from './lead-grid-order';

/**
 * "Forrige / Neste" within the grid the user came from, in its order (see lead-grid-order),
 * also on j/k and Alt+←/→. Disabled at the ends; absent when the lead was opened from
 * elsewhere (a link, the command palette), where there is no list to walk.
 */
export function LeadPrevNext({ id }: { id: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const place = useMemo(() => neighboursInGrid(id), [id]);
  const go = (target: number | null | undefined) => {
    if (target) navigate(`/leads/${target}`);
  };
  useHotkeys([
    ['j', () => go(place?.next)],
    ['k', () => go(place?.previous)],
    ['alt+ArrowRight', () => go(place?.next)],
    ['alt+ArrowLeft', () => go(place?.previous)],
  ]);
  if (!place) return null;
  return (
    <Group gap="xs" wrap="nowrap" component="nav" aria-label={t('leads.prevNext.label')}>
      <StepButton
        to={place.previous}
        label={t('leads.prevNext.previous')}
        hint={t('leads.prevNext.previousHint')}
        side="left"
      />
      <Text size="xs" c="dimmed" className="tabular">
        {t('leads.prevNext.position', { position: place.position, count: place.count })}
      </Text>
      <StepButton
        to={place.next}
        label={t('leads.prevNext.next')}
        hint={t('leads.prevNext.nextHint')}
        side="right"
      />
    </Group>
  );
}

/** A link to the neighbour, or a disabled button at either end of the list. */
function StepButton({
  to,
  label,
  hint,
  side,
}: {
  to: number | null;
  label: string;
  hint: string;
  side: 'left' | 'right';
}) {
  const icon =
    side === 'left' ? (
      <IconChevronLeft aria-hidden size={14} />
    ) : (
      <IconChevronRight aria-hidden size={14} />
    );
  const sections = side === 'left' ? { leftSection: icon } : { rightSection: icon };
  if (to === null)
    return (
      <Button variant="default" size="xs" disabled {...sections}>
        {label}
      </Button>
    );
  return (
    <Button
      variant="default"
      size="xs"
      component={Link}
      to={`/leads/${to}`}
      title={hint}
      {...sections}
    >
      {label}
    </Button>
  );
}
