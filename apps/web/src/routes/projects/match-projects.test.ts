import { describe, expect, it } from 'vitest';
import { matchProjects } from './match-projects';

const projects = [
  { name: 'Alfa Park', place: 'Ålesund', slug: 'alfa-park', subsidiaryName: 'Fjordbygg AS' },
  { name: 'Beta Brygge', place: 'Bergen', slug: 'beta-brygge', subsidiaryName: 'Nordlys Bolig AS' },
  { name: 'Åsen Tun', place: 'Oslo', slug: 'asen-tun', subsidiaryName: 'Fjordbygg AS' },
];
const names = (query: string) => matchProjects(projects, query).map((p) => p.name);

describe('matchProjects', () => {
  it('finds by name, place, slug or subsidiary, ignoring case', () => {
    expect(names('beta')).toEqual(['Beta Brygge']);
    expect(names('BERGEN')).toEqual(['Beta Brygge']);
    expect(names('nordlys')).toEqual(['Beta Brygge']);
    expect(names('fjordbygg')).toEqual(['Alfa Park', 'Åsen Tun']);
  });

  it('needs every word typed', () => {
    expect(names('fjordbygg oslo')).toEqual(['Åsen Tun']);
    expect(names('fjordbygg bergen')).toEqual([]);
  });

  it('treats å as its own letter, also when typed decomposed', () => {
    expect(names('ås')).toEqual(['Åsen Tun']);
    expect(names('a\u030asen')).toEqual(['Åsen Tun']);
    expect(names('ålesund')).toEqual(['Alfa Park']);
  });

  it('shows everything for an empty or blank search', () => {
    expect(names('')).toHaveLength(3);
    expect(names('   ')).toHaveLength(3);
  });
});
