const NORWEGIAN: Record<string, string> = { æ: 'ae', ø: 'o', å: 'a' };

/** "Fjordtunet Øst, trinn 2" → "fjordtunet-ost-trinn-2": a suggestion the user may edit. */
export function suggestSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[æøå]/g, (letter) => NORWEGIAN[letter] ?? letter)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}
