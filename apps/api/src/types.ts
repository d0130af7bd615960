/** The web app imports only this: types, never server code. */
export type { AppRouter } from './routers/root';
