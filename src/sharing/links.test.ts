import { describe, expect, it } from 'vitest';
import {
  embedSnippet,
  linkedInAddToProfileUrl,
  qrSvg,
  shareTargetUrl,
  shareableAward,
  signatureSnippet,
} from './links.ts';

const base = 'https://badges.example.org';
const badge = shareableAward(
  base,
  {
    id: '0b8e5b1e-58c4-4a61-9a55-2f1d3c0f9a10',
    issuedAt: new Date('2026-01-31T23:00:00Z'),
    validUntil: null,
  },
  { badgeName: 'Data & "Ethics" <Level 2> é', issuerName: 'Society of Q&A', linkedinOrgId: null },
);
const awardId = '0b8e5b1e-58c4-4a61-9a55-2f1d3c0f9a10';

describe('share links', () => {
  it('LinkedIn add-to-profile: organizationName without an id, no expiry when none, every value encoded', () => {
    const url = linkedInAddToProfileUrl(badge);
    const query = url.split('?')[1]!;
    for (const pair of query.split('&')) expect(pair).toMatch(/^[A-Za-z]+=[A-Za-z0-9%._~-]*$/);
    const p = new URL(url).searchParams;
    expect(p.get('name')).toBe(badge.badgeName);
    expect(p.get('organizationName')).toBe('Society of Q&A');
    expect(p.has('organizationId')).toBe(false);
    expect(p.get('issueMonth')).toBe('1');
    expect(p.has('expirationYear')).toBe(false);
    expect(p.get('certUrl')).toBe(`${base}/c/${awardId}`);
  });

  it('network share targets carry the public URL', () => {
    for (const network of ['linkedin', 'x', 'facebook'] as const) {
      const url = new URL(shareTargetUrl(badge, network));
      expect([...url.searchParams.values()].join(' ')).toContain(`${base}/c/${awardId}`);
    }
    const mail = shareTargetUrl(badge, 'email');
    expect(mail.startsWith('mailto:?subject=')).toBe(true);
    expect(decodeURIComponent(mail)).toContain(`${base}/c/${awardId}`);
    expect(mail).not.toMatch(/[<>"\s]/);
  });

  it('embed and signature snippets are escaped HTML without script', () => {
    const embed = embedSnippet(badge);
    expect(embed).toContain(`<iframe src="${base}/c/${awardId}/embed"`);
    expect(embed).toContain('&lt;Level 2&gt;');
    expect(embed).toContain(`<a href="${base}/c/${awardId}">`);
    expect(embed).not.toContain('<script');
    const sig = signatureSnippet(badge);
    expect(sig).toBe(
      `<a href="${base}/c/${awardId}"><img src="${base}/c/${awardId}/image.png" alt="Data &amp; &quot;Ethics&quot; &lt;Level 2&gt; é — Society of Q&amp;A" width="96" height="96"></a>`,
    );
  });

  it('an imported badge (no card): the embed is its linked image and name, or the name alone without an image', () => {
    const url = `${base}/u/ada/badges/1`;
    const imported = { ...badge, url, cardUrl: null, imageUrl: `${base}/wallet/1/image` };
    const embed = embedSnippet(imported);
    expect(embed).not.toContain('<iframe');
    expect(embed).toContain(`<a href="${url}"><img src="${base}/wallet/1/image" alt="Data &amp; `);
    expect(embed).toContain(
      `<p><a href="${url}">Data &amp; &quot;Ethics&quot; &lt;Level 2&gt; é — Society of Q&amp;A</a></p>`,
    );
    expect(signatureSnippet(imported)).toMatch(
      /^<a href="[^"]+"><img src="https:\/\/badges\.example\.org\/wallet\/1\/image"/,
    );
    const bare = { ...imported, imageUrl: null };
    expect(embedSnippet(bare)).not.toContain('<img');
    expect(signatureSnippet(bare)).toBe(
      `<a href="${url}">Data &amp; &quot;Ethics&quot; &lt;Level 2&gt; é — Society of Q&amp;A</a>`,
    );
  });

  it('QR code as SVG', async () => {
    expect(await qrSvg(`${base}/c/${awardId}`)).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
