import { describe, expect, it } from 'vitest';
import { osloDayStart } from './dates';
import { addMonths, retentionCutoff, retentionDueDate } from './retention';

describe('retention dates', () => {
  it('adds calendar months, clamping the day to the month', () => {
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2026-01-15', -36)).toBe('2023-01-15');
    expect(addMonths('2025-12-31', 2)).toBe('2026-02-28');
    expect(addMonths('2026-05-10', 0)).toBe('2026-05-10');
  });

  it('cuts off at the start of the Oslo day, the same all day long', () => {
    const start = osloDayStart('2023-03-15');
    // 00:05 and 23:55 Oslo time on 15 March 2026 (UTC+1).
    expect(retentionCutoff(36, Date.parse('2026-03-14T23:05:00Z'))).toBe(start);
    expect(retentionCutoff(36, Date.parse('2026-03-15T22:55:00Z'))).toBe(start);
    // Just before midnight Oslo time it is still the 14th.
    expect(retentionCutoff(36, Date.parse('2026-03-14T22:55:00Z'))).toBe(
      osloDayStart('2023-03-14'),
    );
  });

  it('a lead last active on a day is due the day after its period ends', () => {
    expect(retentionDueDate(osloDayStart('2023-03-15') + 3_600_000, 36)).toBe('2026-03-16');
  });
});
