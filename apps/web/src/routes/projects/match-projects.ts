/**
 * Case-insensitive, accents kept: in Norwegian å, æ and ø are letters of their own, so
 * "ås" must not find "as". NFC so a decomposed "å" typed on a Mac matches a stored one.
 */
const fold = (text: string) => text.normalize('NFC').toLocaleLowerCase('nb');

/** Projects whose name, place, slug or subsidiary contains every word typed. */
export function matchProjects<
  T extends { name: string; place: string; slug: string; subsidiaryName: string },
>(projects: readonly T[], query: string): T[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...projects];
  return projects.filter((p) => {
    const haystack = fold(`${p.name} ${p.place} ${p.slug} ${p.subsidiaryName}`);
    return words.every((w) => haystack.includes(w));
  });
}
