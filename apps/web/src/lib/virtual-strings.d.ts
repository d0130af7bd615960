/** Groups of translations cut from src/locales/<language>.json at build time (build/locale-sections.ts). */
declare module 'virtual:strings/*' {
  const strings: Partial<typeof import('../locales/nb.json')>;
  export default strings;
}
