import { Anchor } from '@mantine/core';
import type { LeadFilterParams } from '@mg/shared';
import { Link } from 'react-router';
import { useTranslation } from '../../lib/use-translation';
import { leadsLink } from './leads-link';

/**
 * "1 587 leads", linking to exactly those leads in the grid. The visible text is the whole
 * name: a label that repeated the project's name would give two links of that name per row.
 */
export function LeadCountLink({ count, filter }: { count: number; filter: LeadFilterParams }) {
  const { t } = useTranslation();
  return (
    <Anchor
      component={Link}
      to={leadsLink(filter)}
      size="sm"
      className="tabular"
      style={{ whiteSpace: 'nowrap' }}
    >
      {t('projects.leadCount', { count })}
    </Anchor>
  );
}
