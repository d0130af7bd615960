import '@mantine/spotlight/styles.css';
import { Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, useSpotlight } from '@mantine/spotlight';
import { IconHomeSearch, IconSearch, IconUserCircle } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type CSSProperties, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCan, useCurrentUser } from '../../lib/auth';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { visibleNavItems } from '../../routes/layout/nav-links';
import { leadSearchTerm, matches, selectFirstAction } from './palette-search';
import { paletteStore } from './palette-store';

/** How many projects to list at once: the palette is for jumping, the list page for browsing. */
const PROJECT_LIMIT = 6;

/**
 * Ctrl+K (⌘K): jump to a lead by number or name (searched on the server, scoped and logged
 * like the grid), to a project, or to any screen the user's role may open. "/" focuses the
 * page's search box, or opens the palette on pages without one.
 */
export function CommandPalette() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { role } = useCurrentUser();
  const canLeads = useCan('lead:read');
  const canProjects = useCan('project:read');
  // Read from the store, not kept from open/close events: Ctrl+K pressed before this lazily
  // loaded palette mounted opens the store, and no open event reaches a palette not there yet.
  const { opened } = useSpotlight(paletteStore);
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query, 250);
  const term = leadSearchTerm(debounced);

  const leads = useQuery({
    ...trpc.palette.search.queryOptions({ q: term ?? '' }),
    enabled: opened && canLeads && term !== null,
    placeholderData: keepPreviousData,
  });
  const projects = useQuery({
    ...trpc.project.list.queryOptions(),
    enabled: opened && canProjects,
  });

  const screens = visibleNavItems(role)
    .map(({ to, label, icon }) => ({ to, icon, text: t(`nav.${label}`) }))
    .concat({ to: '/account', icon: IconUserCircle, text: t('palette.account') })
    .filter((item) => matches(item.text, query));
  const projectHits = (projects.data ?? [])
    .filter((p) => matches(`${p.name} ${p.place}`, query))
    .slice(0, PROJECT_LIMIT);
  const leadHits = term !== null && query.trim() !== '' ? (leads.data?.leads ?? []) : [];

  // Results arrive after the typing: the first one is what Enter opens.
  const resultKey = [
    ...leadHits.map((l) => `l${l.id}`),
    ...projectHits.map((p) => `p${p.id}`),
    ...screens.map((s) => s.to),
  ].join(',');
  useEffect(() => {
    if (opened && resultKey) selectFirstAction(paletteStore);
  }, [opened, resultKey]);

  const go = (to: string) => navigate(to);
  // The list scrolls inside the dialog; its rows are reached with the arrow keys from the
  // search field, so keyboard users need the scroll box itself in the tab order (WCAG 2.1.1;
  // axe: scrollable-region-focusable). Mantine gives no prop for the viewport's tabIndex.
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!opened) return;
    const frame = requestAnimationFrame(() => {
      for (const viewport of listRef.current?.querySelectorAll('[data-offset-scrollbars]') ?? [])
        viewport.setAttribute('tabindex', '0');
    });
    return () => cancelAnimationFrame(frame);
  });
  const empty = leadHits.length === 0 && projectHits.length === 0 && screens.length === 0;

  return (
    <Spotlight.Root
      store={paletteStore}
      query={query}
      onQueryChange={setQuery}
      // Ctrl+K and "/" are handled by the header button (`usePaletteKeys`), which is there
      // before this lazily loaded palette is.
      shortcut={null}
      scrollable
      maxHeight={440}
      // The dialog has no visible title: name it for screen readers.
      attributes={{ content: { 'aria-label': t('palette.label') } }}
      // Mantine fades descriptions on the selected row to 70 %: too faint on its background.
      styles={{ action: { '--action-description-opacity': '1' } as CSSProperties }}
    >
      <Spotlight.Search
        placeholder={t('palette.placeholder')}
        aria-label={t('palette.label')}
        leftSection={<IconSearch aria-hidden size={18} />}
      />
      <Spotlight.ActionsList ref={listRef} aria-label={t('palette.label')}>
        {leadHits.length > 0 ? (
          <Spotlight.ActionsGroup label={t('palette.leads')}>
            {leadHits.map((lead) => (
              <Spotlight.Action
                key={`lead-${lead.id}`}
                label={
                  lead.anonymised || lead.name === null
                    ? t('lead.anonymisedName', { id: lead.id })
                    : lead.name
                }
                description={t('palette.leadDescription', {
                  id: lead.id,
                  project: lead.projectName,
                })}
                rightSection={<Text size="xs">{t(`leadStatus.${lead.status}`)}</Text>}
                onClick={() => go(`/leads/${lead.id}`)}
              />
            ))}
          </Spotlight.ActionsGroup>
        ) : null}
        {projectHits.length > 0 ? (
          <Spotlight.ActionsGroup label={t('palette.projects')}>
            {projectHits.map((project) => (
              <Spotlight.Action
                key={`project-${project.id}`}
                label={project.name}
                description={`${project.place} · ${project.subsidiaryName}`}
                leftSection={<IconHomeSearch aria-hidden size={18} />}
                onClick={() => go(`/projects/${project.id}`)}
              />
            ))}
          </Spotlight.ActionsGroup>
        ) : null}
        {screens.length > 0 ? (
          <Spotlight.ActionsGroup label={t('palette.screens')}>
            {screens.map(({ to, text, icon: Icon }) => (
              <Spotlight.Action
                key={`screen-${to}`}
                label={text}
                leftSection={<Icon aria-hidden size={18} />}
                onClick={() => go(to)}
              />
            ))}
          </Spotlight.ActionsGroup>
        ) : null}
        {empty ? (
          <Spotlight.Empty>
            {leads.isFetching ? t('palette.searching') : t('palette.nothingFound')}
          </Spotlight.Empty>
        ) : null}
        {canLeads && query.trim() !== '' && term === null ? (
          <Text size="xs" c="dimmed" px="md" py="xs">
            {t('palette.typeMore')}
          </Text>
        ) : null}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
