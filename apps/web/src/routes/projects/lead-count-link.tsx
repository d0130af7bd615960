import { Anchor } from '@mantine/core';
import type { LeadFilterParams } from '@mg/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { leadsLink } from './leads-link';

/**
 * "1 587 leads", linking to exactly those leads in the grid. The label names what is counted
 * ("Vis 1 587 leads for Alfa Park"), since a column of bare numbers reads ambiguously.
 */
export function LeadCountLink({
  count,
  filter,
  of,
}: {
  count: number;
  filter: LeadFilterParams;
  of: string;
}) {
  const { t } = useTranslation();
  return (
    <Anchor
      component={Link}
      to={leadsLink(filter)}
      size="sm"
      className="tabular"
      aria-label={t('projects.leadsLinkLabel', { count, name: of })}
      style={{ whiteSpace: 'nowrap' }}
    >
      {t('projects.leadCount', { count })}
    </Anchor>
  );
}
