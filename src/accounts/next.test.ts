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

  it('percent-encodes what a Location header cannot carry, and refuses what cannot be encoded', () => {
    expect(safeNext('/u/zoë/ā b?q=✓')).toBe('/u/zo%C3%AB/%C4%81%20b?q=%E2%9C%93');
    expect(safeNext('/a/%2F%2Fb')).toBe('/a/%2F%2Fb');
    expect(safeNext('/a\u200bb')).toBe('/a%E2%80%8Bb');
    expect(safeNext('/\ud800')).toBe('/');
    expect(safeNext('/ok\u2028', '/home')).toBe('/ok%E2%80%A8');
    expect(safeNext('/\udc00x', '/home')).toBe('/home');
  });
});
