import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys } from '../apikeys/service.ts';
import type { Org } from '../orgs/service.ts';
import { type TestUser, csrfPair, makeMember, makeOrg } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { useTestApp } from './testing.ts';

/**
 * The CSRF exemption belongs to requests that an API key authenticates, not to any request
 * that happens to carry an Authorization header.
 */
describe('CSRF and the Authorization header', () => {
  const t = useTestApp('pglite');
  const csrf = csrfPair();
  let org: Org;
  let admin: TestUser;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config });
    admin = await makeMember(t.db, org, 'admin');
  });

  it('refuses a signed-in form post that adds a junk Authorization header instead of the token', async () => {
    const before = (await listApiKeys(t.db, org.id)).length;
    for (const authorization of ['x', 'Bearer x', 'Basic YTpi', 'Bearer lrl_0123456789_' + 'A'.repeat(43)]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/manage/${org.slug}/api-keys`,
        cookies: { ...admin.cookies, laurel_csrf: csrf.cookie },
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=Stolen&scopes=awards:issue',
      });
      expect(res.statusCode, authorization).toBe(403);
    }
    expect((await listApiKeys(t.db, org.id)).length).toBe(before);
  });

  it('lets a real API key call the API without a CSRF token, and ignores a session cookie beside it', async () => {
    const template = await makeTemplate(t.ctx, org);
    const { key } = await createApiKey(t.db, { orgId: org.id, name: 'LMS', scopes: ['awards:issue'] });
    const res = await t.withKey(key, 'POST', `/api/v1/orgs/${org.slug}/awards`, {
      templateId: template.id,
      recipientName: 'Ada',
      recipientEmail: 'ada@example.test',
    });
    expect(res.statusCode).toBe(201);

    // The key authenticates the request; the admin's cookie beside it counts for nothing.
    const page = await t.app.inject({
      url: `/manage/${org.slug}/api-keys`,
      cookies: admin.cookies,
      headers: { authorization: `Bearer ${key}`, accept: 'text/html' },
    });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/login\?next=/);
    const form = await t.app.inject({
      method: 'POST',
      url: `/manage/${org.slug}/api-keys`,
      cookies: admin.cookies,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Escalated&scopes=awards:revoke',
    });
    expect(form.statusCode).toBe(303);
    expect((await listApiKeys(t.db, org.id)).some((k) => k.name === 'Escalated')).toBe(false);
  });

  it('answers 401 to an API call with a wrong key even beside a valid session', async () => {
    const res = await t.app.inject({
      url: `/api/v1/orgs/${org.slug}/awards`,
      cookies: admin.cookies,
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.statusCode).toBe(401);
  });
});
