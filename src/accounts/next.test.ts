import { describe, expect, it } from 'vitest';
import { safeNext, withNext } from './next.ts';

describe('safeNext', () => {
  it('keeps local paths and refuses everything else', () => {
    expect(safeNext('/claim/abc?x=1')).toBe('/claim/abc?x=1');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '',
      'wallet',
      '/a\nb',
      '/a\\b',
      42,
      undefined,
    ]) {
      expect(safeNext(bad)).toBe('/');
    }
    expect(withNext('/login', '/claim/t')).toBe('/login?next=%2Fclaim%2Ft');
    expect(withNext('/login', '/')).toBe('/login');
  });
});
