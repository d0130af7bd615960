import { createSpotlight } from '@mantine/spotlight';

// One palette for the app, with its own store, so its open state is not shared with any
// other spotlight a page might add. Its own module, so the header button can open the palette
// while the palette itself (Spotlight, its search) loads after the first paint.
export const [paletteStore, palette] = createSpotlight();
