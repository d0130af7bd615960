/**
 * A text cell for a CSV download. Cells a spreadsheet would run as a formula (starting with
 * = + - @, a tab or a carriage return) get a leading apostrophe so they stay text.
 */
export function csvText(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
