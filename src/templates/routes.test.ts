import { beforeAll, describe, expect, it } from 'vitest';
import { makeApiKey } from '../apikeys/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import {
  RANK,
  type TestUser,
  WHO,
  type Who,
  csrfPair,
  makeMember,
  makeOrg,
  makeTestUser,
} from '../orgs/testing.ts';
import { renderPng } from './render.ts';
import { type Template, getTemplate, listTemplates } from './service.ts';
import { makeTemplate } from './testing.ts';
import { multipart } from '../http/testing.ts';

describe('badge template routes', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let active: Template;
  let draft: Template;
  const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;
  const csrf = csrfPair();
  const as = (who: Who) => ({ ...(who === 'anonymous' ? {} : users[who].cookies), laurel_csrf: csrf.cookie });
  const base = '/manage/academy/templates';
  const required = { name: 'Good Badge', description: 'A description.', criteriaNarrative: 'Do the thing.' };

  const postForm = (
    who: Who,
    url: string,
    fields: Record<string, string>,
    file?: { name: string; filename: string; type: string; data: Buffer },
  ) => {
    const { payload, contentType } = multipart([
      ...Object.entries({ _csrf: csrf.token, ...fields }).map(([name, value]) => ({ name, value })),
      ...(file ? [{ ...file, value: file.data }] : []),
    ]);
    return t.app.inject({
      method: 'POST',
      url,
      cookies: as(who),
      payload,
      headers: { 'content-type': contentType },
    });
  };

  beforeAll(async () => {
    users.owner = await makeTestUser(t.db, 'Owner');
    org = await makeOrg(t.db, { slug: 'academy', name: 'Academy', ownerUserId: users.owner.id });
    users.admin = await makeMember(t.db, org, 'admin');
    users.issuer = await makeMember(t.db, org, 'issuer');
    users.viewer = await makeMember(t.db, org, 'viewer');
    users.reviewer = await makeMember(t.db, org, 'reviewer');
    users.outsider = await makeMember(t.db, await makeOrg(t.db, { slug: 'elsewhere' }), 'owner');
    active = await makeTemplate(t.ctx, org, { name: '<script>alert(1)</script>', tags: ['<b>skill</b>'] });
    draft = await makeTemplate(t.ctx, org, { name: 'Secret draft', status: 'draft' });
  });

  it.each([
    [`${base}`, 'viewer'],
    [`${base}/new`, 'admin'],
    [`${base}/ID`, 'admin'],
    [`${base}/ID/image.png`, 'viewer'],
    [`${base}/preview.svg?shape=hexagon`, 'issuer'],
    ['/api/v1/orgs/academy/templates', 'viewer'],
    ['/api/v1/orgs/academy/templates/ID', 'viewer'],
  ] as [string, Who][])('GET %s needs %s', async (rawUrl, needed) => {
    const url = rawUrl.replace('ID', active.id);
    for (const who of WHO) {
      const res = await t.app.inject({ url, cookies: as(who) });
      const allowed = who !== 'outsider' && who !== 'anonymous' && RANK[who] >= RANK[needed];
      const api = url.startsWith('/api/');
      const expected = allowed
        ? 200
        : who === 'anonymous'
          ? api
            ? 401
            : 303
          : who === 'outsider'
            ? 404
            : 403;
      expect([who, res.statusCode]).toEqual([who, expected]);
    }
  });

  it.each(WHO)('POST editor and status routes as %s', async (who) => {
    const allowed = who === 'admin' || who === 'owner';
    const expected = allowed ? 303 : who === 'anonymous' ? 303 : who === 'outsider' ? 404 : 403;
    const create = await postForm(who, `${base}/new`, { ...required, name: `By ${who}` });
    expect(create.statusCode).toBe(expected);
    if (!allowed) expect((await listTemplates(t.db, org.id)).some((x) => x.name === `By ${who}`)).toBe(false);
    const edit = await postForm(who, `${base}/${draft.id}`, { ...required, name: 'Secret draft' });
    expect(edit.statusCode).toBe(expected);
    if (!allowed) {
      const status = await postForm(who, `${base}/${draft.id}/status`, { status: 'active' });
      expect(status.statusCode).toBe(expected);
      expect((await getTemplate(t.db, draft.id))?.status).toBe('draft');
    }
    const api = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/academy/templates/${draft.id}`,
      cookies: as(who),
      headers: { 'x-csrf-token': csrf.token },
      payload: { level: 'One' },
    });
    expect(api.statusCode).toBe(allowed ? 200 : who === 'anonymous' ? 401 : who === 'outsider' ? 404 : 403);
  });

  it('escapes a hostile template name on every page', async () => {
    for (const url of [`/orgs/academy/badges/${active.id}`, '/orgs/academy', base, `${base}/${active.id}`]) {
      const res = await t.app.inject({ url, cookies: as('owner') });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<script>alert(1)</script>');
      expect(res.body).not.toContain('<b>skill</b>');
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('serves the public page with Open Graph tags, the Achievement by content negotiation, and hides drafts', async () => {
    const page = await t.app.inject({ url: `/orgs/academy/badges/${active.id}` });
    expect(page.body).toContain(
      `property="og:image" content="http://localhost:3000/orgs/academy/badges/${active.id}/image.png"`,
    );
    expect(page.body).toContain('<dl class="facts">');
    expect(page.body).toContain('<dt>Valid</dt><dd>Does not expire</dd>');
    const yearly = await makeTemplate(t.ctx, org, { name: 'Yearly', expiry: { kind: 'months', months: 12 } });
    expect((await t.app.inject({ url: `/orgs/academy/badges/${yearly.id}` })).body).toContain(
      '<dd>For 12 months after it is issued</dd>',
    );
    const ld = await t.app.inject({
      url: `/orgs/academy/badges/${active.id}`,
      headers: { accept: 'application/ld+json' },
    });
    expect(ld.headers['content-type']).toContain('application/ld+json');
    expect(ld.json()).toMatchObject({
      id: `http://localhost:3000/orgs/academy/badges/${active.id}`,
      type: ['Achievement'],
    });
    const bc = (await t.app.inject({ url: `/orgs/academy/badges/${active.id}/badgeclass.json` })).json();
    expect(bc).toMatchObject({
      type: 'BadgeClass',
      issuer: 'http://localhost:3000/orgs/academy/issuer.json',
    });
    const png = await t.app.inject({ url: `/orgs/academy/badges/${active.id}/image.png` });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(png.headers['cache-control']).toContain('max-age');
    const svg = await t.app.inject({ url: `/orgs/academy/badges/${active.id}/image.svg` });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    for (const suffix of ['', '/achievement.json', '/badgeclass.json', '/image.png', '/image.svg']) {
      expect((await t.app.inject({ url: `/orgs/academy/badges/${draft.id}${suffix}` })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/orgs/elsewhere/badges/${active.id}${suffix}` })).statusCode).toBe(
        404,
      );
    }
    expect((await t.app.inject({ url: '/orgs/academy' })).body).not.toContain('Secret draft');
  });

  it('serves the designer preview as a strict SVG, ignoring hostile parameters', async () => {
    const res = await t.app.inject({
      url: `${base}/preview.svg?designTitle=${encodeURIComponent('</text><script>x</script>')}&primary=${encodeURIComponent('red" onload="x')}`,
      cookies: as('issuer'),
    });
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toContain('onload');
  });

  it('creates a template from the form with alignments, and re-renders errors with values kept', async () => {
    const bad = await postForm('admin', `${base}/new`, {
      name: 'Kept <name>',
      description: '',
      criteriaNarrative: 'x',
      'alignments.0.targetName': 'Framework A',
      'alignments.0.targetUrl': 'not a url',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('value="Kept &lt;name&gt;"');
    expect(bad.body).toContain('Alignment 1: the target URL');
    const ok = await postForm('admin', `${base}/new`, {
      ...required,
      name: 'Aligned',
      tags: 'a, b',
      expiryKind: 'months',
      expiryMonths: '12',
      'alignments.1.targetName': 'Framework B',
      'alignments.1.targetUrl': 'https://framework.example/b',
      imageSource: 'designer',
      shape: 'hexagon',
      icon: 'code',
    });
    expect(ok.statusCode).toBe(303);
    const id = /templates\/([0-9a-f-]{36})/.exec(ok.headers.location as string)![1]!;
    const created = await getTemplate(t.db, id);
    expect(created).toMatchObject({
      status: 'draft',
      tags: ['a', 'b'],
      expiry: { kind: 'months', months: 12 },
      alignments: [{ targetName: 'Framework B', targetUrl: 'https://framework.example/b' }],
      design: { shape: 'hexagon', icon: 'code' },
    });
    const editor = await t.app.inject({ url: `${base}/${id}`, cookies: as('admin') });
    // The filled block and one empty one; "add another" gives more.
    expect(editor.body).toContain('name="alignments.1.targetName"');
    expect(editor.body).not.toContain('name="alignments.2.targetName"');
    const publish = await postForm('admin', `${base}/${id}/status`, { status: 'active' });
    expect(publish.statusCode).toBe(303);
    const back = await postForm('admin', `${base}/${id}/status`, { status: 'draft' });
    expect(back.statusCode).toBe(422);
    expect((await getTemplate(t.db, id))?.status).toBe('active');
  });

  describe('uploads', () => {
    const upload = (data: Buffer, filename = 'badge.svg', type = 'image/svg+xml', name = 'Upload') =>
      postForm(
        'admin',
        `${base}/new`,
        { ...required, name, imageSource: 'upload' },
        { name: 'image', filename, type, data },
      );

    it('cleans or refuses hostile SVG', async () => {
      const cases = {
        script:
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script><rect width="10" height="10"/></svg>',
        onload:
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><rect width="10" height="10"/></svg>',
        href: '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><image xlink:href="https://evil.example/x.png" width="10" height="10"/><a href="javascript:alert(1)"><rect width="10" height="10"/></a></svg>',
        bomb: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>`,
      };
      for (const [kind, svg] of Object.entries(cases)) {
        const res = await upload(Buffer.from(svg), 'x.svg', 'image/svg+xml', `Hostile ${kind}`);
        const stored = (await listTemplates(t.db, org.id)).find((x) => x.name === `Hostile ${kind}`);
        if (res.statusCode === 303) {
          const out = (await t.app.inject({ url: `/orgs/academy/badges/${stored!.id}/image.svg` })).body;
          // Drafts are not public; read the stored SVG directly.
          const data = await t.db
            .selectFrom('badgeTemplates')
            .select('imageSvg')
            .where('id', '=', stored!.id)
            .executeTakeFirstOrThrow();
          expect(out).toBeDefined();
          expect(data.imageSvg).not.toMatch(/<script|onload|javascript:|evil\.example|<!ENTITY/i);
        } else {
          expect([kind, res.statusCode]).toEqual([kind, 415]);
          expect(stored).toBeUndefined();
        }
      }
    });

    it('answers 413 to an oversized upload and stores nothing', async () => {
      const big = Buffer.concat([
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><!--'),
        Buffer.alloc(2 * 1024 * 1024 + 10, 0x61),
        Buffer.from('--></svg>'),
      ]);
      const res = await upload(big, 'big.svg', 'image/svg+xml', 'Too big');
      expect(res.statusCode).toBe(413);
      expect((await listTemplates(t.db, org.id)).some((x) => x.name === 'Too big')).toBe(false);
    });

    it('refuses a "PNG" with the wrong bytes and accepts a real PNG, sniffed from bytes', async () => {
      const fake = await upload(Buffer.from('GIF89a not really'), 'badge.png', 'image/png', 'Fake png');
      expect(fake.statusCode).toBe(415);
      expect(fake.body).toContain('PNG or SVG');
      const real = await renderPng(
        t.ctx.runtime,
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#c00"/></svg>',
        64,
      );
      const ok = await upload(real, 'innocent.svg', 'image/svg+xml', 'Real png');
      expect(ok.statusCode).toBe(303);
    });
  });

  it('documents the template and org API in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/orgs/{slug}',
        '/api/v1/orgs/{slug}/templates',
        '/api/v1/orgs/{slug}/templates/{id}',
      ]),
    );
    expect(doc.paths['/api/v1/orgs/{slug}/templates'].post.summary).toBe('Create a badge template');
    expect(Object.keys(doc.paths).some((p: string) => p.startsWith('/manage/'))).toBe(false);
  });

  it('creates and reads templates through the API with an API key', async () => {
    const { key } = await makeApiKey(t.db, org, ['templates:read', 'templates:write']);
    const { key: readOnly } = await makeApiKey(t.db, org, ['templates:read'], 'RO');
    const body = {
      ...required,
      name: 'From API',
      tags: ['x'],
      design: { shape: 'shield', icon: 'globe' },
      status: 'active',
    };
    const denied = await t.withKey(readOnly, 'POST', '/api/v1/orgs/academy/templates', body);
    expect(denied.statusCode).toBe(403);
    const created = await t.withKey(key, 'POST', '/api/v1/orgs/academy/templates', body);
    expect(created.statusCode).toBe(201);
    const json = created.json();
    expect(json).toMatchObject({
      name: 'From API',
      status: 'active',
      imageUrl: expect.stringContaining('/image.png'),
    });
    const svgUpload = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/academy/templates/${json.id}`,
      headers: { authorization: `Bearer ${key}` },
      payload: {
        image: {
          data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>').toString(
            'base64',
          ),
        },
        status: 'archived',
      },
    });
    expect(svgUpload.statusCode).toBe(200);
    expect(svgUpload.json().status).toBe('archived');
    const list = await t.withKey(readOnly, 'GET', '/api/v1/orgs/academy/templates?status=archived');
    expect(list.json().items.map((x: { name: string }) => x.name)).toContain('From API');
    const otherOrg = await t.withKey(key, 'GET', '/api/v1/orgs/elsewhere/templates');
    expect(otherOrg.statusCode).toBe(403);
    const invalid = await t.withKey(key, 'POST', '/api/v1/orgs/academy/templates', { name: 'x' });
    expect(invalid.statusCode).toBe(400);
  });
});
