import { Button, Group, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { leadGridFromSearchParams, parseQueryString } from '@mg/shared';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useHydrating } from '../../lib/hydrating';
import { LEAD_PAGE_SIZE } from '../../lib/prefetch';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { neighboursInGrid, nextInGrid } from './lead-grid-order';

/**
 * "Forrige / Neste" within the grid the user came from, in its order (see lead-grid-order),
 * also on j/k and Alt+←/→. At the last loaded lead "Neste" fetches the grid's next page.
 * Disabled at the ends of the list; absent when the lead was opened from elsewhere (a link,
 * the command palette), where there is no list to walk.
 */
export function LeadPrevNext({ id }: { id: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The grid's order lives in this tab's storage, which the server cannot see: the drawn page
  // and its hydration go without, the buttons follow at once after.
  const hydrating = useHydrating();
  const place = useMemo(() => (hydrating ? null : neighboursInGrid(id)), [id, hydrating]);
  const [fetching, setFetching] = useState(false);
  const [failed, setFailed] = useState(false);
  const go = (target: number | null | undefined) => {
    if (target) navigate(`/leads/${target}`);
  };
  // At the last loaded lead: the grid's next page, by the same filter, sort and cursor.
  const fetchNext = async () => {
    if (!place || fetching) return;
    setFetching(true);
    setFailed(false);
    try {
      const target = await nextInGrid(id, async (search, cursor) => {
        const { filter } = leadGridFromSearchParams(parseQueryString(search));
        const page = await queryClient.fetchQuery(
          trpc.lead.list.queryOptions({ ...filter, cursor, limit: LEAD_PAGE_SIZE }),
        );
        return { ids: page.items.map((row) => row.id), nextCursor: page.nextCursor };
      });
      go(target);
    } catch {
      setFailed(true);
    } finally {
      setFetching(false);
    }
  };
  const goNext = () => {
    if (place?.next) go(place.next);
    else if (place?.more) void fetchNext();
  };
  useHotkeys([
    ['j', goNext],
    ['k', () => go(place?.previous)],
    ['alt+ArrowRight', goNext],
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
      {place.next === null && place.more ? (
        <Button
          variant="default"
          size="xs"
          title={failed ? t('leads.prevNext.nextFailed') : t('leads.prevNext.nextHint')}
          rightSection={<IconChevronRight aria-hidden size={14} />}
          loading={fetching}
          onClick={() => void fetchNext()}
        >
          {t('leads.prevNext.next')}
        </Button>
      ) : (
        <StepButton
          to={place.next}
          label={t('leads.prevNext.next')}
          hint={t('leads.prevNext.nextHint')}
          side="right"
        />
      )}
      {failed ? (
        <Text size="xs" c="red" role="alert">
          {t('leads.prevNext.nextFailed')}
        </Text>
      ) : null}
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
