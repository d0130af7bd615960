/** A locale file's tree: sections of strings, nested. */
export type Tree = { [key: string]: string | Tree };

/** Every string's full key in a locale tree ("leads.title"), for tests that walk them all. */
export function leafKeys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : leafKeys(value, `${prefix}${key}.`),
  );
}
