import dayjs from 'dayjs';
import i18next from 'i18next';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import en from '../locales/en.json';
import nb from '../locales/nb.json';
import {
  endOfDayIso,
  formatDate,
  formatDateTime,
  formatDay,
  formatNumber,
  formatOrgNumber,
  formatPhone,
  interpolationFormatter,
  startOfDayIso,
} from './format';

const NBSP = '\u00a0';

describe('formatOrgNumber', () => {
  it('groups nine digits in threes', () => {
    expect(formatOrgNumber('923609016')).toBe('923 609 016');
    expect(formatOrgNumber('923 609016')).toBe('923 609 016');
  });

  it('leaves anything else as it is', () => {
    expect(formatOrgNumber('12345')).toBe('12345');
  });
});

describe('formatPhone', () => {
  it('groups Norwegian mobile numbers', () => {
    expect(formatPhone('+4791234567')).toBe('+47 912 34 567');
  });

  it('leaves foreign numbers as stored', () => {
    expect(formatPhone('+46701234567')).toBe('+46701234567');
  });
});

describe('screen formats follow the UI language', () => {
  afterEach(async () => {
    await i18next.changeLanguage('nb');
  });

  it('is Norwegian with Oslo time by default, English after a switch', async () => {
    const at = Date.parse('2026-12-01T13:05:00Z');
    await i18next.init({ lng: 'nb', resources: {} });
    expect(formatNumber(1587)).toBe(`1${NBSP}587`);
    expect(formatDate(at)).toBe('1. des. 2026');
    expect(formatDateTime(at)).toBe('1. des. 2026 kl. 14:05');
    expect(formatDay('2024-06-17')).toBe('17. juni 2024');
    await i18next.changeLanguage('en');
    expect(formatNumber(1587)).toBe('1,587');
    expect(formatDateTime(at)).toBe('1 Dec 2026, 14:05');
  });

  it('is empty for no day', () => {
    expect(formatDay(null)).toBe('');
  });
});

describe('numbers inside translations', () => {
  async function translator(lng: 'nb' | 'en') {
    const i18n = i18next.createInstance();
    await i18n.use(interpolationFormatter).init({
      lng,
      resources: { nb: { translation: nb }, en: { translation: en } },
      interpolation: { escapeValue: false, alwaysFormat: true },
    });
    return i18n;
  }

  it('groups counts: "1 587 leads", never "1587 leads"', async () => {
    const nbT = await translator('nb');
    expect(nbT.t('leads.total', { count: 1587 })).toBe(`1${NBSP}587 leads`);
    expect(nbT.t('leads.total', { count: 1 })).toBe('1 lead');
    const enT = await translator('en');
    expect(enT.t('leads.total', { count: 1587 })).toBe('1,587 leads');
  });

  it('leaves ids as they are: "Lead #3001", not "Lead #3 001"', async () => {
    const nbT = await translator('nb');
    expect(nbT.t('lead.anonymisedName', { id: 3001 })).toBe('Anonymisert lead #3001');
  });

  it('passes text through untouched', async () => {
    const nbT = await translator('nb');
    expect(nbT.t('lead.anonymisedName', { id: '3001' })).toBe('Anonymisert lead #3001');
  });
});

describe('whole local days as instants (the audit filter)', () => {
  const zone = process.env.TZ;
  beforeAll(() => {
    // Norway's clock, where the offset changes twice a year.
    process.env.TZ = 'Europe/Oslo';
  });
  afterAll(() => {
    process.env.TZ = zone;
  });

  it('gives the day with the offset that applies on it, summer and winter', () => {
    expect(startOfDayIso('2026-12-01')).toBe('2026-12-01T00:00:00+01:00');
    expect(endOfDayIso('2026-12-01')).toBe('2026-12-01T23:59:59+01:00');
    expect(startOfDayIso('2026-07-01')).toBe('2026-07-01T00:00:00+02:00');
    // The days the clocks change: the day starts in one offset and ends in the other.
    expect(startOfDayIso('2026-03-29')).toBe('2026-03-29T00:00:00+01:00');
    expect(endOfDayIso('2026-03-29')).toBe('2026-03-29T23:59:59+02:00');
    expect(startOfDayIso('2026-10-25')).toBe('2026-10-25T00:00:00+02:00');
    expect(endOfDayIso('2026-10-25')).toBe('2026-10-25T23:59:59+01:00');
    expect(startOfDayIso('0999-01-05')).toMatch(/^0999-01-05T00:00:00[+-]\d\d:\d\d$/);
  });

  it('agrees with dayjs, which it replaced, on every day of two years', () => {
    const day = new Date(Date.UTC(2025, 0, 1));
    let checked = 0;
    while (day.getUTCFullYear() < 2027) {
      const iso = day.toISOString().slice(0, 10);
      expect(startOfDayIso(iso), iso).toBe(dayjs(iso).startOf('day').format());
      expect(endOfDayIso(iso), iso).toBe(dayjs(iso).endOf('day').format());
      day.setUTCDate(day.getUTCDate() + 1);
      checked++;
    }
    expect(checked).toBe(730);
  });

  it('refuses anything but a calendar day', () => {
    expect(() => startOfDayIso('1.12.2026')).toThrow(/not a calendar day/);
    expect(() => endOfDayIso('')).toThrow(/not a calendar day/);
  });
});
