import { describe, expect, it } from 'vitest';
import { allowedOrigins, originAllowed } from '../src/lib/origin';

const OWN = 'https://leads.example.no';
const SITE = 'https://www.example.no';
const own = allowedOrigins(`${OWN}/`);
const intake = allowedOrigins(OWN, [SITE]);
const ask = (
  allowed: ReadonlySet<string>,
  method: string,
  secFetchSite: string | undefined,
  origin: string | undefined,
) => originAllowed({ method, secFetchSite, origin }, allowed);

describe('the one origin rule', () => {
  it('lets the browser-set same-origin through, whatever the host name', () => {
    expect(ask(own, 'POST', 'same-origin', 'http://127.0.0.1:3000')).toBe(true);
  });

  it('takes an Origin only from the allowed list', () => {
    expect(ask(own, 'POST', undefined, OWN)).toBe(true);
    expect(ask(own, 'POST', 'cross-site', SITE)).toBe(false);
    expect(ask(intake, 'POST', 'cross-site', SITE)).toBe(true);
    expect(ask(intake, 'POST', 'cross-site', 'https://evil.example')).toBe(false);
    expect(ask(intake, 'POST', undefined, 'null')).toBe(false);
  });

  it('refuses another site without an Origin, and a typed address for a change', () => {
    expect(ask(own, 'GET', 'cross-site', undefined)).toBe(false);
    expect(ask(own, 'GET', 'same-site', undefined)).toBe(false);
    expect(ask(own, 'GET', 'none', undefined)).toBe(true);
    expect(ask(own, 'POST', 'none', undefined)).toBe(false);
  });

  it('lets a request with neither header through: no browser, no victim cookie', () => {
    expect(ask(own, 'POST', undefined, undefined)).toBe(true);
  });
});
