// The OB 2.0 download (`/c/ID/image.png?ob=2`, `image.svg?ob=2`) follows the OB 2.0 baking
// specification, and what it carries verifies against the assertion this platform hosts.
import { readPngChunks, unbakeImage } from '@laurel/openbadges/bake';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../http/testing.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { verifyOnPlatform } from '../verification/platform-verify.ts';

/** The one `openbadges` iTXt chunk, read field by field as the PNG specification lays it out. */
function openbadgesItxt(png: Buffer) {
  const found = readPngChunks(png)
    .filter((c) => c.type === 'iTXt' || c.type === 'tEXt' || c.type === 'zTXt')
    .map((c) => ({ type: c.type, data: png.subarray(c.dataOffset, c.dataOffset + c.length) }))
    .filter((c) => c.data.subarray(0, c.data.indexOf(0)).toString('latin1') === 'openbadges');
  expect(found.map((c) => c.type)).toEqual(['iTXt']);
  const data = found[0]!.data;
  const nul = data.indexOf(0);
  // Compression flag 0, method 0, empty language tag, empty translated keyword.
  expect([...data.subarray(nul + 1, nul + 5)]).toEqual([0, 0, 0, 0]);
  return data.subarray(nul + 5).toString('utf8');
}

describe('the OB 2.0 badge image download', () => {
  const t = useTestApp('pglite');
  let awardId: string;
  let assertionUrl: string;

  beforeAll(async () => {
    const { ctx } = t;
    const earner = await t.user();
    const session = await t.session(earner.id);
    const issued = await issueTestAward(ctx, { recipientEmail: earner.email });
    awardId = issued.award.id;
    assertionUrl = `${ctx.config.baseUrl}/ob2/assertions/${awardId}`;
    const accept = await t.postForm(`/claim/${issued.claimToken}/accept`, session);
    expect(accept.statusCode).toBe(303);
    const itemId = accept.headers.location!.split('/')[2]!.split('?')[0]!;
    const visibility = await t.postForm(`/wallet/${itemId}/visibility`, session, { visibility: 'public' });
    expect(visibility.statusCode).toBe(303);
  });

  const hostedAssertion = async () => {
    const res = await t.app.inject({ url: `/ob2/assertions/${awardId}` });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('PNG: the openbadges iTXt holds the hosted assertion JSON, and it verifies', async () => {
    const res = await t.app.inject({ url: `/c/${awardId}/image.png?ob=2` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const assertion = JSON.parse(openbadgesItxt(res.rawPayload));
    expect(assertion.id).toBe(assertionUrl);
    expect(assertion.verification).toEqual({ type: 'HostedBadge' });
    expect(assertion).toEqual(await hostedAssertion());
    expect(unbakeImage(res.rawPayload)).toMatchObject({ format: 'png', version: 'ob2', form: 'json' });
    const report = await verifyOnPlatform(t.ctx, res.rawPayload);
    expect(report, JSON.stringify(report.steps)).toMatchObject({
      verdict: 'valid',
      format: 'ob2-hosted',
      container: 'png',
    });
  });

  it('SVG: <openbadges:assertion verify="URL"> with the assertion JSON in CDATA, and it verifies', async () => {
    const res = await t.app.inject({ url: `/c/${awardId}/image.svg?ob=2` });
    expect(res.statusCode).toBe(200);
    const svg = res.body;
    expect(svg).toContain('xmlns:openbadges="http://openbadges.org"');
    const element =
      /<openbadges:assertion verify="([^"]*)"><!\[CDATA\[([\s\S]*?)\]\]><\/openbadges:assertion>/.exec(svg);
    expect(element?.[1]).toBe(assertionUrl);
    expect(JSON.parse(element![2]!)).toEqual(await hostedAssertion());
    expect(unbakeImage(res.rawPayload)).toMatchObject({
      format: 'svg',
      version: 'ob2',
      form: 'json',
      verify: assertionUrl,
    });
    const report = await verifyOnPlatform(t.ctx, res.rawPayload);
    expect(report, JSON.stringify(report.steps)).toMatchObject({
      verdict: 'valid',
      format: 'ob2-hosted',
      container: 'svg',
    });
  });
});
