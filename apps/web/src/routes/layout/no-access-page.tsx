import { Alert, Button, Stack } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { Link } from 'react-router';
import { usePageTitle } from '../../lib/page-title';
import { useTranslation } from '../../lib/use-translation';

export function NoAccessPage() {
  const { t } = useTranslation();
  usePageTitle(t('noAccess.title'));
  return (
    <Stack align="flex-start" py="xl" maw={560}>
      <Alert
        color="gray"
        variant="light"
        title={t('noAccess.title')}
        icon={<IconLock aria-hidden />}
      >
        {t('noAccess.body')}
      </Alert>
      <Button component={Link} to="/" variant="light">
        {t('notFound.home')}
      </Button>
    </Stack>
  );
}
