import { describe, expect, it } from 'vitest';
import { rangeProblem } from './use-dashboard-range';

describe('rangeProblem: a dashboard link the API would refuse is caught before it is sent', () => {
  const today = '2026-12-01';
  it.each([
    [{ from: null, to: null }, null],
    [{ from: '2026-01-01', to: '2026-06-30' }, null],
    [{ from: '2022-01-01', to: null }, null],
    [{ from: null, to: '9999-12-31' }, 'dateOutOfRange'],
    [{ from: '1000-01-01', to: '9999-12-31' }, 'dateOutOfRange'],
    [{ from: '1800-01-01', to: null }, 'dateOutOfRange'],
    [{ from: '2999-01-01', to: null }, 'dateOutOfRange'],
    [{ from: 'igår', to: null }, 'invalid'],
    [{ from: '2026-06-30', to: '2026-01-01' }, 'dateOrder'],
    [{ from: '2001-01-01', to: null }, 'rangeTooLong'],
    [{ from: '2000-01-01', to: '2100-12-31' }, 'rangeTooLong'],
  ] as const)('%j: %s', (params, problem) => {
    expect(rangeProblem(params, today)).toBe(problem);
  });
});
