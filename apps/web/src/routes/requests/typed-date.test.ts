import { describe, expect, it } from 'vitest';
import { parseTypedDate } from './typed-date';

describe('parseTypedDate', () => {
  it.each([
    ['31.01.2026', '2026-01-31'],
    ['1.2.2026', '2026-02-01'],
    [' 2026-03-15 ', '2026-03-15'],
    ['29.02.2028', '2028-02-29'],
  ])('%s is %s', (typed, iso) => {
    expect(parseTypedDate(typed)).toBe(iso);
  });
  it.each(['31.02.2026', '29.02.2027', '2026-13-01', '15/03/2026', 'i går', ''])(
    '%s is no date',
    (typed) => {
      expect(parseTypedDate(typed)).toBeNull();
    },
  );
});
