import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { MAX_DATE, MIN_DATE, type ValidationKey } from '@mg/shared';
import { IconAlertTriangle } from '@tabler/icons-react';
import { formatDay } from '../lib/format';
import { useTranslation } from '../lib/use-translation';

export interface LinkProblem {
  /** Already translated: which filter or field of the page the value was for. */
  label: string;
  key: ValidationKey;
  params?: Record<string, number>;
}

/**
 * A link (a bookmark, a shared URL) carried values the page cannot use, such as a date
 * outside 2000–2100. Say so plainly, say what is shown instead, and offer to clean the link,
 * rather than quietly showing something else or sending the values on.
 */
export function LinkProblemAlert({
  problems,
  instead,
  onClear,
}: {
  problems: readonly LinkProblem[];
  /** What the page shows instead, already translated. */
  instead: string;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <Alert
      color="yellow"
      variant="light"
      role="alert"
      title={t('linkProblem.title')}
      icon={<IconAlertTriangle aria-hidden />}
    >
      <Stack gap="xs" align="flex-start">
        <List size="sm">
          {problems.map((p) => (
            <List.Item key={`${p.label}-${p.key}`}>
              {p.label}:{' '}
              {t(`validation.${p.key}`, {
                ...p.params,
                first: formatDay(MIN_DATE),
                last: formatDay(MAX_DATE),
              })}
            </List.Item>
          ))}
        </List>
        <Text size="sm">{instead}</Text>
        <Button size="xs" variant="light" color="yellow" onClick={onClear}>
          {t('linkProblem.clear')}
        </Button>
      </Stack>
    </Alert>
  );
}
