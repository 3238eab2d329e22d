import { beforeAll, describe, expect, it } from 'vitest';
import { FORM, type TestSession } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { makeOrg } from '../orgs/testing.ts';
import { listApiKeys } from './service.ts';

describe('the API keys page', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let admin: TestSession;
  beforeAll(async () => {
    const user = await t.user({ name: 'Key Keeper' });
    org = await makeOrg(t.db, { ownerUserId: user.id });
    admin = await t.session(user.id);
  });
  const post = (path: string, fields: [string, string][]) =>
    t.app.inject({
      method: 'POST',
      url: `/manage/${org.slug}/api-keys${path}`,
      cookies: admin.cookies,
      headers: FORM,
      payload: new URLSearchParams([['_csrf', admin.csrf], ...fields]).toString(),
    });

  it('keeps what was typed when a key is refused, and creates one with a single scope', async () => {
    const none = await post('', [['name', '  Moodle <prod>  ']]);
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('Choose at least one scope.');
    expect(none.body).toContain('value="Moodle &lt;prod&gt;"');
    const one = await post('', [
      ['name', 'Moodle'],
      ['scopes', 'awards:read'],
    ]);
    expect(one.statusCode).toBe(201);
    expect(one.headers['cache-control']).toBe('no-store');
    const [key] = await listApiKeys(t.db, org.id);
    expect(key).toMatchObject({ name: 'Moodle', scopes: ['awards:read'] });
  });

  it('revokes a key once; an unknown or malformed id is not found', async () => {
    const [key] = await listApiKeys(t.db, org.id);
    const revoked = await post(`/${key!.id}/revoke`, []);
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe(`/manage/${org.slug}/api-keys?revoked=1`);
    expect((await post(`/${key!.id}/revoke`, [])).statusCode).toBe(404);
    expect((await post('/not-a-key/revoke', [])).statusCode).toBe(404);
  });
});
