import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePageTitle } from '../../lib/page-title';
import { LanguageSwitcher } from '../layout/language-switcher';

/** The frame of the pages before sign-in: login, code, set password, forgotten password. */
export function AuthCard({
  title,
  intro,
  children,
  width = 420,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  usePageTitle(title);
  return (
    <Box bg="gray.0" mih="100dvh">
      <Group justify="flex-end" p="md">
        <LanguageSwitcher />
      </Group>
      <Center px="md" pb="xl">
        <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }} w="100%" maw={width}>
          <Stack>
            <div>
              <Text c="indigo.7" fw={700} size="sm">
                MG Leads
              </Text>
              <Title order={1} fz="h2">
                {title}
              </Title>
              {intro ? (
                <Text c="dimmed" size="sm" mt={4}>
                  {intro}
                </Text>
              ) : null}
            </div>
            {children}
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
