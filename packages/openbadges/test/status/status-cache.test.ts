import { describe, expect, it } from 'vitest';
import { createStatusCache } from '../../src/status/status-cache.ts';

describe('createStatusCache', () => {
  it('reports freshness by age and forgets entries past the stale limit', () => {
    let t = 0;
    const cache = createStatusCache({ maxAgeMs: 100, maxStaleMs: 1000, now: () => new Date(t) });
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', { v: 1 });
    expect(cache.get('a')).toEqual({ value: { v: 1 }, fetchedAt: new Date(0), fresh: true });
    t = 500;
    expect(cache.get('a')).toMatchObject({ fresh: false, fetchedAt: new Date(0) });
    t = 1001;
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = createStatusCache({ maxAgeMs: 1000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.value).toBe(1);
    expect(cache.get('c')?.value).toBe(3);
  });
});
