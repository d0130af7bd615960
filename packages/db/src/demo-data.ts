import type { Role } from '@mg/shared';

// The demo data's fixed lists, apart from the seed so that reading them (the start-up banner,
// the bench) never loads the seed and faker with it.

/** Demo logins. They exist only in demo data; a real deployment creates its admin by CLI. */
export const DEMO_PASSWORD = 'demo-passord-2026';
export const DEMO_USERS: { email: string; name: string; role: Role; subsidiary?: number }[] = [
  { email: 'admin@mestergruppen.demo', name: 'Ingrid Berg', role: 'admin' },
  { email: 'personvern@mestergruppen.demo', name: 'Henrik Solheim', role: 'privacy_officer' },
  { email: 'revisor@mestergruppen.demo', name: 'Marte Lie', role: 'auditor' },
  { email: 'kari@fjordbygg.demo', name: 'Kari Nordmann', role: 'subsidiary_user', subsidiary: 0 },
  { email: 'ole@fjordbygg.demo', name: 'Ole Hansen', role: 'subsidiary_user', subsidiary: 0 },
  { email: 'per@nordlys-bolig.demo', name: 'Per Johansen', role: 'subsidiary_user', subsidiary: 1 },
  { email: 'siri@austlandshus.demo', name: 'Siri Dahl', role: 'subsidiary_user', subsidiary: 2 },
  {
    email: 'jonas@trondhjem-bygg.demo',
    name: 'Jonas Bakke',
    role: 'subsidiary_user',
    subsidiary: 3,
  },
  { email: 'emma@sorlandsbolig.demo', name: 'Emma Moe', role: 'subsidiary_user', subsidiary: 4 },
  { email: 'lars@vestfold-hjem.demo', name: 'Lars Strand', role: 'subsidiary_user', subsidiary: 5 },
];

/** What people write in the form (the seed and the bench both use these). */
export const DEMO_MESSAGES = [
  'Hei! Jeg er interessert i en 3-roms leilighet med balkong. Når starter salget?',
  'Kan dere sende prisliste og plantegninger?',
  'Vi er en familie på fire som ser etter rekkehus. Er det fortsatt ledige enheter?',
  'Ønsker å bli kontaktet når visning blir satt opp.',
  'Er det mulig å få parkeringsplass i kjelleren?',
  'Hvor lang tid er det til innflytting?',
];
