import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORM, makeUser } from '../accounts/testing.ts';
import { createApiKey, revokeApiKey } from '../apikeys/service.ts';
import { testConfig } from '../config.ts';
import { makeApiKey } from '../apikeys/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { rotateKey } from '../orgs/keys.ts';
import { type TestUser, makeMember, makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { BATCH_PAGE_ROWS } from './bulk/presenters.ts';
import { createBatch } from './bulk/service.ts';
import { rejectAward, revokeAward } from './service.ts';
import { makeWalletBadge } from '../wallet/testing.ts';
import { checkAwardCredential, expectValidCredential, servedStatusBit } from './test-support.ts';
import { issueTestAward } from './testing.ts';

const config = testConfig();
const CSRF = 'c'.repeat(32);
const csrfToken = createHmac('sha256', config.secret).update(`csrf:${CSRF}`).digest('base64url');

type Who = 'anonymous' | 'outsider' | 'viewer' | 'issuer' | 'admin';

describe('issuing routes', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let template: Template;
  const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config, name: 'Guild <script>alert(1)</script>' });
    template = await makeTemplate(t.ctx, org, { name: 'Badge "<b>bold</b>"' });
    const other = await makeOrg(t.db, { config });
    users.outsider = await makeMember(t.db, other, 'admin');
    users.viewer = await makeMember(t.db, org, 'viewer');
    users.issuer = await makeMember(t.db, org, 'issuer');
    users.admin = await makeMember(t.db, org, 'admin');
  });

  const as = (
    who: Who,
    opts: {
      method?: 'GET' | 'POST';
      url: string;
      payload?: unknown;
      json?: boolean;
      headers?: Record<string, string>;
    },
  ) =>
    t.app.inject({
      method: opts.method ?? 'GET',
      url: opts.url,
      payload: opts.payload as never,
      cookies: { laurel_csrf: CSRF, ...(who === 'anonymous' ? {} : users[who].cookies) },
      headers: {
        ...(opts.method === 'POST' ? { 'x-csrf-token': csrfToken } : {}),
        ...(opts.json ? { accept: 'application/json' } : { accept: 'text/html' }),
        ...opts.headers,
      },
    });

  it('lets each role do exactly what it may, on every page and API route', async () => {
    const { award } = await issueTestAward(t.ctx, { org, template });
    const { award: victim } = await issueTestAward(t.ctx, { org, template });
    const s = org.slug;
    const routes: {
      method: 'GET' | 'POST';
      url: string;
      needs: Exclude<Who, 'anonymous' | 'outsider'>;
      payload?: unknown;
      api?: boolean;
    }[] = [
      { method: 'GET', url: `/manage/${s}/issue`, needs: 'issuer' },
      {
        method: 'POST',
        url: `/manage/${s}/issue`,
        needs: 'issuer',
        payload: { templateId: template.id, recipientName: 'N', recipientEmail: 'bad' },
      },
      { method: 'GET', url: `/manage/${s}/awards`, needs: 'viewer' },
      { method: 'GET', url: `/manage/${s}/awards/${award.id}`, needs: 'viewer' },
      { method: 'POST', url: `/manage/${s}/awards/${award.id}/resend`, needs: 'issuer', payload: {} },
      {
        method: 'POST',
        url: `/manage/${s}/awards/${victim.id}/revoke`,
        needs: 'issuer',
        payload: { reason: '' },
      },
      { method: 'GET', url: `/manage/${s}/bulk`, needs: 'issuer' },
      { method: 'GET', url: `/manage/${s}/api-keys`, needs: 'admin' },
      { method: 'POST', url: `/manage/${s}/api-keys`, needs: 'admin', payload: { name: '' } },
      { method: 'GET', url: `/api/v1/orgs/${s}/awards`, needs: 'viewer', api: true },
      { method: 'GET', url: `/api/v1/orgs/${s}/awards/${award.id}`, needs: 'viewer', api: true },
      {
        method: 'POST',
        url: `/api/v1/orgs/${s}/awards`,
        needs: 'issuer',
        api: true,
        payload: { templateId: template.id, recipientName: 'X', recipientEmail: 'bad' },
      },
      {
        method: 'POST',
        url: `/api/v1/orgs/${s}/awards/${victim.id}/revoke`,
        needs: 'issuer',
        api: true,
        payload: { reason: ' ' },
      },
    ];
    const rank = { viewer: 1, issuer: 2, admin: 3 };
    for (const r of routes) {
      for (const who of ['anonymous', 'outsider', 'viewer', 'issuer', 'admin'] as Who[]) {
        const res = await as(who, { method: r.method, url: r.url, payload: r.payload, json: r.api });
        const label = `${who} ${r.method} ${r.url} → ${res.statusCode}`;
        if (who === 'anonymous') expect(res.statusCode, label).toBe(r.api ? 401 : 303);
        else if (who === 'outsider') expect(res.statusCode, label).toBe(404);
        else if (rank[who] < rank[r.needs]) expect(res.statusCode, label).toBe(403);
        else expect([200, 201, 303, 422], label).toContain(res.statusCode);
      }
    }
  });

  it('issues through the API with an API key, idempotently, and refuses missing scopes and revoked keys', async () => {
    const { key, info } = await makeApiKey(t.db, org, ['awards:issue', 'awards:read']);
    const { key: readOnly } = await makeApiKey(t.db, org, ['awards:read'], 'RO');
    const url = `/api/v1/orgs/${org.slug}/awards`;
    const body = {
      templateId: template.id,
      recipientName: 'Api Person',
      recipientEmail: 'API@example.org',
      evidenceNarrative: 'Did it.',
    };
    const post = (k: string, payload: unknown, extra: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url,
        payload: payload as never,
        headers: { authorization: `Bearer ${k}`, ...extra },
      });

    const first = await post(key, body, { 'idempotency-key': 'lms-42' });
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({ recipientEmail: 'api@example.org', state: 'pending' });
    expect(created.claimUrl).toMatch(/\/claim\//);
    const replay = await post(key, body, { 'idempotency-key': 'lms-42' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(created.id);
    const clash = await post(
      key,
      { ...body, recipientName: 'Someone else' },
      { 'idempotency-key': 'lms-42' },
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.headers['content-type']).toContain('application/problem+json');

    const invalid = await post(key, { ...body, recipientEmail: 'nope', evidenceUrl: 'ftp://x' });
    expect(invalid.statusCode).toBe(422);
    expect(
      invalid
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['evidenceUrl', 'recipientEmail']);
    expect((await post(key, { recipientName: 'x' })).statusCode).toBe(400);
    expect((await post(readOnly, body)).statusCode).toBe(403);
    expect((await post('lrl_0000000000_' + 'A'.repeat(43), body)).statusCode).toBe(401);

    const list = await t.withKey(key, 'GET', `${url}?q=api%20person&limit=5`);
    expect(list.statusCode).toBe(200);
    expect(list.headers['x-total-count']).toBe('1');
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: created.id, recipientName: 'Api Person' }] });
    const detail = await t.withKey(key, 'GET', `${url}/${created.id}`);
    const full = detail.json();
    expect(full.credential.id).toBe(`urn:uuid:${created.id}`);
    const stored = await t.db
      .selectFrom('awards')
      .select(['credentialJson', 'credentialJwt'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(full.credentialJwt).toBe(stored.credentialJwt);
    await expectValidCredential(t.app, config.baseUrl, stored);

    const noRevoke = await t.withKey(key, 'POST', `${url}/${created.id}/revoke`, { reason: 'x' });
    expect(noRevoke.statusCode).toBe(403);

    const otherOrg = await makeOrg(t.db, { config });
    const foreign = await t.withKey(key, 'GET', `/api/v1/orgs/${otherOrg.slug}/awards`);
    expect(foreign.statusCode).toBe(403);

    await revokeApiKey(t.db, org.id, info.id);
    expect((await post(key, body)).statusCode).toBe(401);
  });

  it('revokes through the API: the served status list and the OB 2.0 assertion say so', async () => {
    // The hosted assertion is published once its earner has accepted the badge and made it public.
    const earner = await makeUser(t.db, { name: 'Public Earner' });
    const { award } = await makeWalletBadge(t.ctx, earner, { org, template, visibility: 'public' });
    const { key } = await createApiKey(t.db, { orgId: org.id, name: 'Revoker', scopes: ['awards:revoke'] });
    const credential = JSON.parse(award.credentialJson);
    expect(await servedStatusBit(t.app, config.baseUrl, credential)).toBe(false);
    const ob2Before = await t.app.inject({ url: `/ob2/assertions/${award.id}` });
    expect(ob2Before.statusCode).toBe(200);
    expect(ob2Before.json()).toMatchObject({
      id: `${config.baseUrl}/ob2/assertions/${award.id}`,
      type: 'Assertion',
      verification: { type: 'HostedBadge' },
      badge: `${config.baseUrl}/orgs/${org.slug}/badges/${template.id}/badgeclass.json`,
      recipient: { type: 'email', hashed: true },
    });
    expect(ob2Before.json().revoked).toBeUndefined();

    const res = await t.withKey(key, 'POST', `/api/v1/orgs/${org.slug}/awards/${award.id}/revoke`, {
      reason: 'Awarded by mistake',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'revoked', revocationReason: 'Awarded by mistake' });
    expect(await servedStatusBit(t.app, config.baseUrl, credential)).toBe(true);
    const list = await t.app.inject({
      url: credential.credentialStatus.statusListCredential.slice(config.baseUrl.length),
    });
    expect(list.headers['content-type']).toContain('application/vc+ld+json');
    const ob2 = await t.app.inject({ url: `/ob2/assertions/${award.id}` });
    expect(ob2.statusCode).toBe(410); // OB 2.0 hosted verification: revoked is 410 Gone
    expect(ob2.json()).toMatchObject({ revoked: true, revocationReason: 'Awarded by mistake' });
    const revocations = await t.app.inject({ url: `/orgs/${org.slug}/ob2/revocations.json` });
    expect(revocations.json().revokedAssertions).toContainEqual({
      id: `${config.baseUrl}/ob2/assertions/${award.id}`,
      revocationReason: 'Awarded by mistake',
    });

    const { award: declined } = await issueTestAward(t.ctx, { org, template });
    await rejectAward(t.ctx, declined.id);
    // Declined: nobody's badge any more, missing like every other representation of it.
    expect((await t.app.inject({ url: `/ob2/assertions/${declined.id}` })).statusCode).toBe(404);
    expect(
      (await t.app.inject({ url: `/ob2/assertions/00000000-0000-4000-8000-000000000000` })).statusCode,
    ).toBe(404);
  });

  it('keeps a badge signed before a key rotation verifiable, and revocable, after it', async () => {
    const rotating = await makeOrg(t.db, { config });
    const badge = await makeTemplate(t.ctx, rotating);
    const { award: before } = await issueTestAward(t.ctx, { org: rotating, template: badge });
    await rotateKey(t.db, config, rotating.id);
    const { award: after } = await issueTestAward(t.ctx, { org: rotating, template: badge });
    const vm = (json: string) => JSON.parse(json).proof[0].verificationMethod;
    expect(vm(after.credentialJson)).not.toBe(vm(before.credentialJson));
    for (const a of [before, after]) {
      await expectValidCredential(t.app, config.baseUrl, a);
    }
    // The status list is re-signed with the new key; the old badge reads as revoked.
    await revokeAward(t.ctx, before.id, 'Issued in error');
    expect(await servedStatusBit(t.app, config.baseUrl, JSON.parse(before.credentialJson))).toBe(true);
    const checks = await checkAwardCredential(
      t.app,
      config.baseUrl,
      before.credentialJson,
      before.credentialJwt,
    );
    expect(checks).toMatchObject({ library: true, digitalBazaar: false });
  });

  it('issues from the form, re-renders errors with the values kept, and escapes hostile text', async () => {
    const bad = await as('issuer', {
      method: 'POST',
      url: `/manage/${org.slug}/issue`,
      payload: {
        templateId: template.id,
        recipientName: '<img src=x onerror=alert(1)>',
        recipientEmail: 'nope',
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(bad.body).not.toContain('<img src=x');
    expect(bad.body).not.toContain('<script>alert(1)</script>');
    const ok = await as('issuer', {
      method: 'POST',
      url: `/manage/${org.slug}/issue`,
      payload: {
        templateId: template.id,
        recipientName: '<b>Eve</b>',
        recipientEmail: 'eve@example.org',
        issuedAt: '2026-01-02',
      },
    });
    expect(ok.statusCode).toBe(303);
    const detail = await as('viewer', { url: ok.headers.location as string });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(detail.body).not.toContain('name="reason"');
    const list = await as('viewer', { url: `/manage/${org.slug}/awards?q=eve` });
    expect(list.body).toContain('eve@example.org');
    expect(list.body).toContain('Badge &quot;&lt;b&gt;bold&lt;/b&gt;&quot;');
    const revokeNoConfirm = await as('issuer', {
      method: 'POST',
      url: `${ok.headers.location!.split('?')[0]}/revoke`,
      payload: { reason: 'x' },
    });
    expect(revokeNoConfirm.statusCode).toBe(422);
    const revoke = await as('issuer', {
      method: 'POST',
      url: `${ok.headers.location!.split('?')[0]}/revoke`,
      payload: { reason: 'Wrong person', confirm: 'yes' },
    });
    expect(revoke.statusCode).toBe(303);
    expect((await as('viewer', { url: `/manage/${org.slug}/awards?state=revoked` })).body).toContain(
      'eve@example.org',
    );
  });

  it('creates an API key shown once, lists it by prefix and revokes it', async () => {
    // The form as a browser sends it: one `scopes` field per ticked box.
    const postKeyForm = (payload: string) =>
      as('admin', { method: 'POST', url: `/manage/${org.slug}/api-keys`, payload, headers: FORM });
    const res = await postKeyForm('name=Moodle&scopes=awards%3Aissue&scopes=awards%3Aread');
    expect(res.statusCode).toBe(201);
    const key = /value="(lrl_[0-9a-f]{10}_[A-Za-z0-9_-]{43})"/.exec(res.body)?.[1];
    expect(key).toBeDefined();
    const page = await as('admin', { url: `/manage/${org.slug}/api-keys` });
    expect(page.body).not.toContain(key!);
    expect(page.body).toContain(key!.slice(0, 15));
    const bad = await postKeyForm('name=X&scopes=root');
    expect(bad.statusCode).toBe(422);
  });

  it('runs a bulk upload through preview, confirmation and progress pages', async () => {
    const boundary = '----laurel' + Date.now();
    const csv = Buffer.from('name;email\r\n<i>Ann</i>;ann@bulk.example\r\nBob;not-mail\r\n', 'latin1');
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfToken}\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="templateId"\r\n\r\n${template.id}\r\n`,
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      csv,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const upload = (who: Who) =>
      t.app.inject({
        method: 'POST',
        url: `/manage/${org.slug}/bulk`,
        payload: body,
        cookies: { laurel_csrf: CSRF, ...(who === 'anonymous' ? {} : users[who].cookies) },
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
      });
    expect((await upload('viewer')).statusCode).toBe(403);
    expect((await upload('outsider')).statusCode).toBe(404);
    const res = await upload('issuer');
    expect(res.statusCode).toBe(303);
    const page = res.headers.location as string;
    const preview = await as('issuer', { url: page });
    expect(preview.body).toContain('&lt;i&gt;Ann&lt;/i&gt;');
    expect(preview.body).toContain('not an email address');
    expect(preview.body).toContain('Nothing has been issued yet');
    expect((await as('viewer', { url: page })).statusCode).toBe(403);
    expect((await as('outsider', { url: `${page}/progress.json`, json: true })).statusCode).toBe(404);
    const confirm = await as('issuer', { method: 'POST', url: `${page}/confirm`, payload: {} });
    expect(confirm.statusCode).toBe(303);
    const running = await as('issuer', { url: page });
    expect(running.body).toContain(`data-poll="${page}/progress.json"`);
    expect(running.body).toContain('http-equiv="refresh"');
    const { runJobsUntilIdle } = await import('../jobs/worker.ts');
    await runJobsUntilIdle(t.ctx);
    const progress = await as('issuer', { url: `${page}/progress.json`, json: true });
    expect(progress.json()).toMatchObject({ finished: true, issued: 1, invalid: 1, total: 1, done: 1 });
    const done = await as('issuer', { url: page });
    // Finished: nothing polls or refreshes any more (app.js reloads a page whose poll says done).
    expect(done.body).not.toContain('data-poll=');
    expect(done.body).not.toContain('http-equiv="refresh"');
    expect(done.body).toContain('Issued: 1');
    const problems = await as('issuer', { url: `${page}?rows=problems` });
    expect(problems.body).toContain('not an email address');
    expect(problems.body).not.toContain('ann@bulk.example');
    expect((await as('issuer', { url: `${page}?rows=everything` })).statusCode).toBe(400);
  });

  it('pages the rows of a large upload, so a 10,000-row preview stays one page of rows', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => `P${i},p${i}@bulk.example`);
    rows[430] = 'Broken,not-mail';
    const batchId = await createBatch(t.ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'big.csv',
      data: Buffer.from(`name,email\n${rows.join('\n')}\n`),
      createdBy: users.issuer.id,
    });
    const url = `/manage/${org.slug}/bulk/${batchId}`;
    const first = await as('issuer', { url });
    expect(first.statusCode).toBe(200);
    expect(first.body.match(/<tr class=|<tr>/g)?.length).toBe(BATCH_PAGE_ROWS + 1);
    expect(first.body).toContain('showing 1–200 of 450');
    expect(first.body).toContain('Rows with problems (1)');
    expect(first.body).toContain(`href="${url}?rows=all&amp;page=2"`);
    const last = await as('issuer', { url: `${url}?page=3` });
    expect(last.body).toContain('showing 401–450 of 450');
    expect(last.body).toContain('p449@bulk.example');
    expect(last.body).not.toContain('p399@bulk.example');
    expect(last.body).not.toContain('page=4');
    const problems = await as('issuer', { url: `${url}?rows=problems` });
    expect(problems.body).toContain('showing 1–1 of 1');
    expect(problems.body).toContain('Broken');
  });

  it('renders the API docs from the OpenAPI document, with no external scripts', async () => {
    const res = await t.app.inject({ url: '/api/docs', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/api/v1/orgs/{slug}/awards');
    expect(res.body).toContain('Issue a badge to a recipient');
    expect(res.body).toContain('Authorization: Bearer');
    expect(res.body).toContain('recipientEmail');
    expect(res.body).not.toMatch(/<script[^>]+src="https?:/);
    // Backticks in descriptions become code, never literal backticks on the page.
    expect(res.body).toContain('<code>Authorization: Bearer &lt;key&gt;</code>');
    expect(res.body).toContain('<code>Idempotency-Key</code>');
    expect(res.body).not.toContain('`');
  });
});
