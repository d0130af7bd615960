import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { auditPurposeLabel } from '../../lib/translate';
import en from '../../locales/en.json';
import nb from '../../locales/nb.json';
import { auditActionLabel, auditDetailRows } from './audit-labels';

async function tFor(language: 'nb' | 'en'): Promise<TFunction> {
  const i18n = createInstance();
  await i18n.init({
    lng: language,
    resources: { nb: { translation: nb }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  return i18n.t;
}

/** Every action the screens name, as "area.name". */
const actions = Object.entries(nb.auditAction).flatMap(([area, names]) =>
  Object.keys(names).map((name) => `${area}.${name}`),
);

describe('denied and failed entries read as attempts', () => {
  it('"Forsøkte å se lead – avvist", never "Så lead"', async () => {
    const t = await tFor('nb');
    expect(auditActionLabel(t, 'lead.byId', 'ok')).toBe('Så lead');
    expect(auditActionLabel(t, 'lead.byId', 'denied')).toBe('Forsøkte å se lead – avvist');
    expect(auditActionLabel(t, 'lead.byId', 'error')).toBe('Forsøkte å se lead – feilet');
    const english = await tFor('en');
    expect(auditActionLabel(english, 'lead.byId', 'denied')).toBe('Tried to view lead – denied');
  });

  it.each(['nb', 'en'] as const)(
    '%s: every action has its own attempt wording, unlike the done one',
    async (language) => {
      const t = await tFor(language);
      expect(actions.length).toBeGreaterThan(50);
      for (const action of actions) {
        const denied = auditActionLabel(t, action, 'denied');
        expect(denied, action).not.toContain('«');
        expect(denied, action).not.toContain('“');
        expect(denied, action).not.toContain(auditActionLabel(t, action, 'ok'));
      }
    },
  );

  it('an action nobody has worded yet still says it was an attempt', async () => {
    const t = await tFor('nb');
    expect(auditActionLabel(t, 'dsr.brandNew', 'denied')).toBe('Forsøkte «dsr.brandNew» – avvist');
  });
});

describe('auditDetailRows', () => {
  it('translates known keys and writes values in words', async () => {
    const t = await tFor('nb');
    expect(
      auditDetailRows(t, {
        filters: ['status', 'projectId'],
        searched: true,
        count: 12,
        filter: { targetId: 7, outcome: 'denied' },
        reason: 'not_found_or_out_of_scope',
        unknownKey: null,
        empty: [],
      }),
    ).toEqual([
      { key: 'filters', label: 'Filtre', value: 'status, projectId' },
      { key: 'searched', label: 'Søkte', value: 'Ja' },
      { key: 'count', label: 'Antall', value: '12' },
      { key: 'filter', label: 'Filter', value: 'Id: 7; Utfall: denied' },
      {
        key: 'reason',
        label: 'Årsak',
        value: 'Finnes ikke, eller utenfor brukerens tilgang',
      },
      { key: 'unknownKey', label: 'unknownKey', value: '—' },
      { key: 'empty', label: 'empty', value: '—' },
    ]);
    expect(auditDetailRows(t, null)).toEqual([]);
  });
});

describe('purposes', () => {
  it('names the data subject request a `dsr:<id>` purpose points at', async () => {
    const t = await tFor('nb');
    expect(auditPurposeLabel(t, 'dsr:12')).toBe('Rettighetsforespørsel #12');
    expect(auditPurposeLabel(t, 'dsr')).toBe('Rettighetsforespørsel');
    expect(auditPurposeLabel(await tFor('en'), 'dsr:7')).toBe('Data subject request #7');
  });
});
