const NORWEGIAN: Record<string, string> = { æ: 'ae', ø: 'o', å: 'a' };

/**
 * "Fjordtunet Øst, trinn 2" → "fjordtunet-ost-trinn-2": the one way a name becomes a URL slug
 * (the web form's suggestion, the demo seed, the test factories).
 */
export function slugify(name: string): string {
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
