import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled panel on the lead page; the heading level keeps the page outline sound. */
export function SectionCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}
