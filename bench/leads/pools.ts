import { ascii, DOMAINS, FIRST, LAST } from './generate';

const lower = (s: string) => s.toLocaleLowerCase('nb');

/**
 * The search terms a user types, by kind: 1–3 letter prefixes, common names, e-mail and
 * phone fragments, one rare full name. Each draw is new (run.ts and search-parts.ts share
 * them, so the two measure the same searches).
 */
export function searchPools(
  random: () => number,
  pick: <T>(list: readonly T[]) => T,
  rareName: string,
): [string, () => string][] {
  const name = () => `${pick(FIRST)} ${pick(LAST)}`;
  return [
    [
      'search 1–3 letter prefix',
      () => {
        const word = lower(pick(random() < 0.5 ? FIRST : LAST));
        return word.slice(0, 1 + Math.floor(random() * 3));
      },
    ],
    [
      'search common name',
      () => (random() < 0.4 ? name() : lower(pick(random() < 0.5 ? FIRST : LAST))),
    ],
    [
      'search e-mail fragment',
      () => {
        const local = `${ascii(pick(FIRST))}.${ascii(pick(LAST))}`;
        const r = random();
        if (r < 0.4) return local.slice(0, 3 + Math.floor(random() * (local.length - 2)));
        if (r < 0.7) return `${local}${Math.floor(random() * 997)}`;
        return `${local}${Math.floor(random() * 997)}@${pick(DOMAINS)}`;
      },
    ],
    [
      'search phone fragment',
      () => {
        const digits = `${random() < 0.5 ? '4' : '9'}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
        const r = random();
        if (r < 0.3) return `+47 ${digits}`;
        return digits.slice(0, 3 + Math.floor(random() * 6));
      },
    ],
    ['search rare full name', () => rareName],
  ];
}
