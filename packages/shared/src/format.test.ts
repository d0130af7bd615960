import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatDay,
  formatLanguage,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTime,
  formatVersionLabel,
} from './format';

const NBSP = '\u00a0';

describe('formatNumber', () => {
  it('groups thousands with a no-break space in Norwegian, as Intl nb-NO does', () => {
    expect(formatNumber(1587)).toBe(`1${NBSP}587`);
    // Four digits are grouped too: "3 001" beside "3 000", never "3001" beside "3 000".
    expect(formatNumber(3001)).toBe(`3${NBSP}001`);
    expect(formatNumber(1_234_567)).toBe(`1${NBSP}234${NBSP}567`);
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(0)).toBe('0');
  });

  it('uses a decimal comma in Norwegian and British grouping in English', () => {
    expect(formatNumber(1234.5)).toBe(`1${NBSP}234,5`);
    expect(formatNumber(1587, 'en')).toBe('1,587');
  });

  it('never breaks a grouped number across lines (no ordinary space)', () => {
    expect(formatNumber(1_000_000)).not.toContain(' ');
  });
});

describe('formatPercent', () => {
  it('writes "12,3 %" in Norwegian and "12.3%" in English', () => {
    expect(formatPercent(0.123)).toBe(`12,3${NBSP}%`);
    expect(formatPercent(0.123, 'en')).toBe('12.3%');
  });
});

describe('dates on Oslo time', () => {
  it('shows the Oslo day and time in winter (UTC+1)', () => {
    const at = Date.parse('2026-12-01T13:05:00Z');
    expect(formatDate(at)).toBe('1. des. 2026');
    expect(formatTime(at)).toBe('14:05');
    expect(formatDateTime(at)).toBe('1. des. 2026 kl. 14:05');
    expect(formatDateTime(at, 'en')).toBe('1 Dec 2026, 14:05');
  });

  it('follows summer time (UTC+2) and the switches in March and October', () => {
    expect(formatDateTime(Date.parse('2026-06-17T12:05:00Z'))).toBe('17. juni 2026 kl. 14:05');
    // 29 March 2026: clocks go from 02:00 to 03:00 at 01:00 UTC.
    expect(formatTime(Date.parse('2026-03-29T00:59:00Z'))).toBe('01:59');
    expect(formatTime(Date.parse('2026-03-29T01:00:00Z'))).toBe('03:00');
    // 25 October 2026: clocks go from 03:00 back to 02:00 at 01:00 UTC.
    expect(formatTime(Date.parse('2026-10-25T00:59:00Z'))).toBe('02:59');
    expect(formatTime(Date.parse('2026-10-25T01:00:00Z'))).toBe('02:00');
  });

  it('puts a late-evening UTC instant on the next Oslo day', () => {
    // 23:30 UTC on 31 December is 00:30 on New Year's Day in Oslo.
    expect(formatDate(Date.parse('2026-12-31T23:30:00Z'))).toBe('1. jan. 2027');
    expect(formatDateTime(Date.parse('2026-12-31T23:30:00Z'), 'en')).toBe('1 Jan 2027, 00:30');
  });

  it('is empty for no instant', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDateTime(undefined)).toBe('');
  });
});

describe('formatDay', () => {
  it('shows a stored calendar day as that same day, never shifted by a zone', () => {
    expect(formatDay('2024-06-17')).toBe('17. juni 2024');
    expect(formatDay('2026-01-01')).toBe('1. jan. 2026');
    expect(formatDay('2026-12-31', 'en')).toBe('31 Dec 2026');
  });

  it('leaves anything that is not an ISO day as it is, and nothing as empty', () => {
    expect(formatDay('i morgen')).toBe('i morgen');
    expect(formatDay(null)).toBe('');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-12-01T13:05:00Z');
  it('says how long ago, in the largest whole unit', () => {
    expect(formatRelative(now - 3 * 3_600_000 - 60_000, 'nb', now)).toBe('for 3 timer siden');
    expect(formatRelative(now - 3 * 3_600_000, 'en', now)).toBe('3 hours ago');
    expect(formatRelative(now - 86_400_000, 'nb', now)).toBe('i går');
    expect(formatRelative(now - 10_000, 'en', now)).toBe('now');
  });
});

describe('formatLanguage', () => {
  it('is English only for English, Norwegian for everything else', () => {
    expect(formatLanguage('en')).toBe('en');
    expect(formatLanguage('en-GB')).toBe('en');
    expect(formatLanguage('nb')).toBe('nb');
    expect(formatLanguage(undefined)).toBe('nb');
    expect(formatLanguage('de')).toBe('nb');
  });
});

describe('formatVersionLabel', () => {
  it('reads a date-like label as a date, and keeps any other label', () => {
    expect(formatVersionLabel('2024-06-17')).toBe('17. juni 2024');
    expect(formatVersionLabel('2024-06-17', 'en')).toBe('17 Jun 2024');
    expect(formatVersionLabel('v2 (høst)')).toBe('v2 (høst)');
  });
});
