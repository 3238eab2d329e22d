import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../http/runtime.ts';
import { pngSize, previewSvg, renderPreviewPng, wrap } from './preview.ts';

describe('preview image', () => {
  const runtime = new Runtime();
  afterAll(() => runtime.close());

  it('escapes hostile names in the SVG it builds', () => {
    const svg = previewSvg({
      badgeName: '</text><script>alert(1)</script>',
      issuerName: 'A & B "Co"',
      recipientName: "O'Neil <x>",
      image: null,
      state: 'revoked',
    });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
    expect(svg).toContain('A &amp; B &quot;Co&quot;');
    expect(svg).toContain('O&apos;Neil &lt;x&gt;');
    expect(svg).toContain('REVOKED');
  });

  it('renders 1200x630 with the shipped font', async () => {
    const png = await renderPreviewPng(runtime, {
      badgeName: 'Safety',
      issuerName: 'Society',
      recipientName: null,
      image: null,
      state: 'valid',
    });
    expect(pngSize(png)).toEqual({ width: 1200, height: 630 });
  });

  it('wraps long names and cuts the overflow', () => {
    expect(wrap('one two three four', 9, 3)).toEqual(['one two', 'three', 'four']);
    const lines = wrap('x'.repeat(100), 10, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith('…')).toBe(true);
  });
});
