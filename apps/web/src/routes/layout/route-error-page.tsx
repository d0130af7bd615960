import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from '../../lib/use-translation';

/** Last line of defence for a crash while rendering (router.tsx): never a blank page. */
export function RouteErrorPage() {
  const { t } = useTranslation();
  return (
    <Center mih="100dvh" p="md">
      <Stack align="center" gap="sm" maw={480} ta="center">
        <Title order={1} fz="h2">
          {t('errors.crashTitle')}
        </Title>
        <Text c="dimmed">{t('errors.crashBody')}</Text>
        <Button component="a" href="/">
          {t('notFound.home')}
        </Button>
      </Stack>
    </Center>
  );
}
