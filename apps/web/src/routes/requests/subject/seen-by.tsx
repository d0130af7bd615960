import { Button, Table, Text } from '@mantine/core';
import { purposeCode } from '@mg/shared';
import { useInfiniteQuery } from '@tanstack/react-query';
import { ErrorState, TableSkeleton } from '../../../components/query-states';
import { formatDateTime } from '../../../lib/format';
import { useTRPC } from '../../../lib/trpc';
import { useTranslation } from '../../../lib/use-translation';
import { SubjectSection } from './section';

const PAGE = 50;

/** "Who has seen this person": access-log entries about any of the leads, with names. */
export function SeenBy({ requestId }: { requestId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const pages = useInfiniteQuery(
    trpc.subject.seenBy.infiniteQueryOptions(
      { requestId, limit: PAGE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <SubjectSection title={t('subject.seenByTitle')}>
      <Text size="sm" c="dimmed">
        {t('subject.seenByHelp')}
      </Text>
      {pages.isPending ? <TableSkeleton rows={3} /> : null}
      {pages.isError ? <ErrorState error={pages.error} /> : null}
      {pages.data && items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('subject.seenByNone')}
        </Text>
      ) : null}
      {items.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" fz="sm" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('common.time')}</Table.Th>
                <Table.Th>{t('subject.who')}</Table.Th>
                <Table.Th>{t('subject.action')}</Table.Th>
                <Table.Th>{t('subject.purpose')}</Table.Th>
                <Table.Th>{t('subject.leadsColumn')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => {
                const code = purposeCode(e.purpose);
                return (
                  <Table.Tr key={e.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                    <Table.Td>
                      {e.actorName ?? t('common.system')}
                      {e.actorRole ? (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({t(`roles.${e.actorRole as 'admin'}`, { defaultValue: e.actorRole })})
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text span ff="monospace" size="xs">
                        {e.action}
                      </Text>
                      {e.outcome !== 'ok' ? ` (${t(`auditOutcome.${e.outcome}`)})` : ''}
                    </Table.Td>
                    <Table.Td>
                      {code ? t(`auditPurpose.${code as 'dsr'}`, { defaultValue: code }) : '–'}
                      {e.purpose?.includes(':') ? ` (${e.purpose})` : ''}
                    </Table.Td>
                    <Table.Td>{e.leadIds.map((id) => `#${id}`).join(', ')}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {pages.hasNextPage ? (
        <Button
          variant="default"
          onClick={() => void pages.fetchNextPage()}
          loading={pages.isFetchingNextPage}
          w="fit-content"
        >
          {t('common.loadMore')}
        </Button>
      ) : null}
    </SubjectSection>
  );
}
