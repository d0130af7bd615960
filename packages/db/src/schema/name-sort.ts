/**
 * The Norwegian sort key of a name column as SQL: lower-case ASCII, then æ ø å → '{' '|' '}'
 * so they sort after z (twin: nameSortKey in @mg/shared). One function for the leads'
 * generated column and the expression indexes on project and user names, so the text of the
 * expression is the same everywhere: SQLite uses an expression index only for a query that
 * spells the expression the same way.
 */
export function nameSortSql(column: string): string {
  return `coalesce(replace(replace(replace(replace(replace(replace(lower(${column}), 'æ', '{'), 'Æ', '{'), 'ø', '|'), 'Ø', '|'), 'å', '}'), 'Å', '}'), '')`;
}
