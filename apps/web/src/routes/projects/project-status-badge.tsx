import { Badge } from '@mantine/core';
import type { ProjectStatus } from '@mg/shared';
import { useTranslation } from '../../lib/use-translation';

const COLORS: Record<ProjectStatus, string> = {
  planning: 'gray',
  pre_sale: 'grape',
  on_sale: 'teal',
  sold_out: 'orange',
  completed: 'blue',
};

export function ProjectStatusBadge({ status }: { status: ProjectStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status]} variant="light">
      {t(`projectStatus.${status}`)}
    </Badge>
  );
}
