/** Mantine's global stylesheets (build/mantine-css.ts): imported for its effect only. */
declare module 'virtual:mantine-styles' {}
