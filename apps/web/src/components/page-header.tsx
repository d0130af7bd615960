import { Group, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useRef } from 'react';
import { useHeadingFocus, usePageTitle } from '../lib/page-title';

type Props = {
  title: string;
  description?: ReactNode;
  /** Buttons on the right; they wrap below the title on narrow screens. */
  actions?: ReactNode;
  /** Small content above the title, e.g. a back link. */
  above?: ReactNode;
  badges?: ReactNode;
  /** The tab title when it should differ from the heading (a lead's number, not its name). */
  documentTitle?: string;
};

export function PageHeader({ title, description, actions, above, badges, documentTitle }: Props) {
  usePageTitle(documentTitle ?? title);
  const heading = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(heading);
  return (
    <Stack gap={4} mb="lg">
      {above}
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ flex: '1 1 16rem', minWidth: 0 }}>
          <Group gap="xs" align="center">
            <Title
              ref={heading}
              order={1}
              fz="h2"
              tabIndex={-1}
              style={{ overflowWrap: 'anywhere', outlineOffset: 2 }}
            >
              {title}
            </Title>
            {badges}
          </Group>
          {description ? (
            <Text c="dimmed" size="sm">
              {description}
            </Text>
          ) : null}
        </Stack>
        {actions ? <Group gap="xs">{actions}</Group> : null}
      </Group>
    </Stack>
  );
}
