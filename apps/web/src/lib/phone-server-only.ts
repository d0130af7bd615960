/**
 * Stands in for `libphonenumber-js/max` in the web build (see vite.config.ts). Phone numbers
 * are entered only on the public intake form, which the API renders and validates with the
 * full metadata; no screen of the web app checks one. @mg/shared's `phoneSchema` still
 * reaches the bundle (zod schemas are built when the module loads), so without this stand-in
 * every first load would carry ~50 KB gzip of phone metadata it never uses. A screen that
 * starts checking phone numbers in the browser fails loudly here instead of guessing.
 */
export function parsePhoneNumberFromString(_text: string, _country?: string): never {
  throw new Error('Phone numbers are checked by the server; the web build has no phone metadata');
}
