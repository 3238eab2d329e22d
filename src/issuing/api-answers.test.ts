import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../apikeys/service.ts';
import { testConfig } from '../config.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { revokeAward } from './service.ts';

const config = testConfig();

describe('what the awards API answers: repeat warnings, every invalid field, the 401', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let template: Template;
  let other: Template;
  let key: string;
  let keyId: string;
  beforeAll(async () => {
    org = await makeOrg(t.db, { config });
    template = await makeTemplate(t.ctx, org, { name: 'Repeatable' });
    other = await makeTemplate(t.ctx, org, { name: 'Another' });
    ({
      key,
      info: { id: keyId },
    } = await createApiKey(t.db, {
      orgId: org.id,
      name: 'Script',
      scopes: ['awards:issue', 'awards:read'],
    }));
  });

  const url = () => `/api/v1/orgs/${org.slug}/awards`;
  const issue = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: url(),
      payload: payload as never,
      headers: { authorization: `Bearer ${key}`, ...headers },
    });
  const body = (email: string, templateId = template.id) => ({
    templateId,
    recipientName: 'Grace Hopper',
    recipientEmail: email,
  });

  it('issues a repeat without an Idempotency-Key, warning with the earlier awards', async () => {
    const first = await issue(body('grace@example.org'));
    expect(first.statusCode).toBe(201);
    expect(first.json().warnings).toBeUndefined();
    expect(first.headers.warning).toBeUndefined();

    // The same person, spelled differently: still the same recipient.
    const second = await issue(body('  Grace@EXAMPLE.org '));
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(first.json().id);
    expect(second.json().warnings).toEqual([
      {
        code: 'POSSIBLE_DUPLICATE',
        awardIds: [first.json().id],
        message: expect.stringContaining(first.json().id),
      },
    ]);
    expect(second.headers.warning).toMatch(new RegExp(`^299 - ".*${first.json().id}.*Idempotency-Key.*"$`));

    const third = await issue(body('grace@example.org'));
    expect(third.json().warnings[0].awardIds).toEqual([second.json().id, first.json().id]);

    // Not repeats: another template, another address, a replayed key, a revoked earlier award.
    expect((await issue(body('grace@example.org', other.id))).json().warnings).toBeUndefined();
    expect((await issue(body('ada@example.org'))).json().warnings).toBeUndefined();
    const keyed = await issue(body('ada@example.org', other.id), { 'idempotency-key': 'k-1' });
    expect(keyed.json().warnings).toBeUndefined();
    const replayed = await issue(body('ada@example.org', other.id), { 'idempotency-key': 'k-1' });
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json().warnings).toBeUndefined();
    expect(replayed.headers.warning).toBeUndefined();
    await revokeAward(t.ctx, keyed.json().id, 'Sent twice');
    expect((await issue(body('ada@example.org', other.id))).json().warnings).toBeUndefined();

    // Older than 24 hours: no longer a likely retry.
    await t.db
      .updateTable('awards')
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where('recipientEmail', '=', 'grace@example.org')
      .execute();
    expect((await issue(body('grace@example.org'))).json().warnings).toBeUndefined();
  });

  it('documents the warning in the OpenAPI document and the API docs', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const post = doc.paths['/api/v1/orgs/{slug}/awards'].post;
    expect(post.description).toContain('POSSIBLE_DUPLICATE');
    expect(post.description).toContain('Warning: 299');
    const created = post.responses['201'].content['application/json'].schema;
    expect(created.properties.warnings.items.properties.awardIds.type).toBe('array');
    const page = await t.app.inject({ url: '/api/docs', headers: { accept: 'text/html' } });
    expect(page.body).toContain('<code>POSSIBLE_DUPLICATE</code>');
    expect(page.body).toContain('Missing or invalid API key');
  });

  it('lists every invalid field of a request, the schema’s and the award rules’', async () => {
    const fields = (res: { json: () => { errors: { field: string }[] } }) =>
      res
        .json()
        .errors.map((e) => e.field)
        .sort();
    const schemaAndRules = await issue({
      templateId: 'not-a-uuid',
      recipientName: '',
      recipientEmail: 'nope',
      evidenceUrl: 'ftp://example.org/x',
      issuedAt: 'yesterday',
      validUntil: 'soon',
    });
    expect(schemaAndRules.statusCode).toBe(400);
    expect(fields(schemaAndRules)).toEqual([
      'evidenceUrl',
      'issuedAt',
      'recipientEmail',
      'recipientName',
      'templateId',
      'validUntil',
    ]);
    const missing = await issue({});
    expect(missing.statusCode).toBe(400);
    expect(fields(missing)).toEqual(['recipientEmail', 'recipientName', 'templateId']);
    // Past the schema, both dates are named, not only the first.
    const dates = await issue({ ...body('x@example.org'), issuedAt: '2025-13-01', validUntil: 'never' });
    expect(dates.statusCode).toBe(422);
    expect(fields(dates)).toEqual(['issuedAt', 'validUntil']);
  });

  it('answers a request without a live key 401 "Missing or invalid API key", as a problem', async () => {
    const cases: Record<string, Record<string, string>> = {
      none: {},
      malformed: { authorization: 'Bearer nope' },
      unknown: { authorization: `Bearer lrl_0000000000_${'A'.repeat(43)}` },
      basic: { authorization: 'Basic dXNlcjpwYXNz' },
    };
    for (const [label, headers] of Object.entries(cases)) {
      for (const [method, path] of [
        ['POST', url()],
        ['GET', url()],
        ['GET', `/api/v1/orgs/${org.slug}/templates`],
        ['GET', `/api/v1/orgs/${org.slug}`],
      ] as const) {
        const res = await t.app.inject({
          method,
          url: path,
          headers,
          payload: method === 'POST' ? {} : undefined,
        });
        expect(res.statusCode, `${label} ${method} ${path}`).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
        expect(res.json().detail).toMatch(/^Missing or invalid API key\./);
      }
    }
    await revokeApiKey(t.db, org.id, keyId);
    const revoked = await issue(body('x@example.org'));
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().detail).toMatch(/^Missing or invalid API key\./);
  });
});
