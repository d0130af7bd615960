import { describe, expect, it } from 'vitest';
import { pathCache, pathOf } from './path-cache';

describe('pathCache', () => {
  it('computes each path once and answers it from then on, whatever the query', () => {
    const asked: string[] = [];
    const lookup = pathCache((path) => {
      asked.push(path);
      return { path };
    }, 4);
    const first = lookup('/leads/1');
    expect(first).toEqual({ path: '/leads/1' });
    expect(lookup('/leads/1?tab=x')).toBe(first);
    expect(lookup('/leads/1#top')).toBe(first);
    expect(asked).toEqual(['/leads/1']);
  });

  it('never answers one path with another path value', () => {
    const lookup = pathCache((path) => path.split('/').pop(), 4);
    expect(lookup('/leads/1')).toBe('1');
    expect(lookup('/leads/2')).toBe('2');
    expect(lookup('/leads/1')).toBe('1');
  });

  it('keeps at most `size` paths, dropping the oldest first', () => {
    const asked: string[] = [];
    const lookup = pathCache((path) => {
      asked.push(path);
      return path;
    }, 2);
    lookup('/a');
    lookup('/b');
    lookup('/c'); // drops /a
    lookup('/b'); // kept
    lookup('/a'); // computed again, drops /b
    expect(asked).toEqual(['/a', '/b', '/c', '/a']);
    for (let i = 0; i < 100; i++) expect(lookup(`/leads/${i}`)).toBe(`/leads/${i}`);
    expect(asked.length).toBe(104);
  });
});

describe('pathOf', () => {
  it('cuts the query and the fragment off; an empty path is the root', () => {
    expect(pathOf('/leads?status=new')).toBe('/leads');
    expect(pathOf('/leads/3#x')).toBe('/leads/3');
    expect(pathOf('/leads')).toBe('/leads');
    expect(pathOf('?a=1')).toBe('/');
    expect(pathOf('')).toBe('/');
  });
});
