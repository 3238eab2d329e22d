/**
 * The authorization matrix over every route the server registers: anonymous, an issuer of
 * another organization, and a viewer, reviewer, issuer and admin of this one. What each route must answer
 * comes from the access it declares (a route without one stops the server from starting), so
 * nothing new ships unchecked.
 *
 * Allowed requests carry input that fails validation (or act on throwaway rows), so the
 * matrix changes nothing the later rows depend on.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../apikeys/service.ts';
import { testConfig } from '../config.ts';
import type { DeclaredRoute } from '../http/access.ts';
import { buildServer } from '../http/server.ts';
import { useTestApp } from '../http/testing.ts';
import { generateBatch } from '../claim-codes/service.ts';
import { submittedApplication } from '../reviews/testing.ts';
import { createBatch } from '../issuing/bulk/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { makeTemplate } from '../templates/testing.ts';
import { createInvitation } from './invitations.ts';
import { type TestUser, csrfPair, makeMember, makeOrg, makeTestUser } from './testing.ts';
import { createAppContext } from '../features.ts';

const config = testConfig();
type Who = 'anonymous' | 'outsider' | 'viewer' | 'reviewer' | 'issuer' | 'admin';
const WHO: Who[] = ['anonymous', 'outsider', 'viewer', 'reviewer', 'issuer', 'admin'];
const RANK: Record<Who, number> = { anonymous: 0, outsider: 0, viewer: 1, reviewer: 2, issuer: 3, admin: 4 };
const NEEDS = { viewer: 1, reviewer: 2, issuer: 3, admin: 4, owner: 5 } as const;

/**
 * What the matrix expects of a route, from its declared access (src/http/access.ts):
 * - a role: members with at least that role; others in the org 403; outsiders 404
 * - `user`: anyone signed in; `platform`: platform administrators only
 * - `public`: anyone, signed in or not
 * - `token`: a secret in the URL decides; with a wrong one, every signed-in user gets the same answer
 * and for the rows of one person, which the declaration cannot say (the handler's data rule does):
 * - `nobody`: someone else's row (a wallet item, an address): 404 to the four signed in
 * - `hidden`: like `nobody`, and 404 to anonymous too (an image URL never asks to log in)
 * - `token` for a signed-in route whose token then decides (accepting a claim into one's wallet)
 */
type Rule = keyof typeof NEEDS | 'user' | 'platform' | 'public' | 'token' | 'nobody' | 'hidden';

const DATA_RULES: Record<string, 'nobody' | 'hidden' | 'token'> = {
  'POST /api/v1/claims/:token/accept': 'token',
  'POST /account/emails/:id/resend': 'nobody',
  'POST /account/emails/:id/remove': 'nobody',
  'POST /account/emails/:id/primary': 'nobody',
  'GET /api/v1/me/badges/:id': 'nobody',
  'PATCH /api/v1/me/badges/:id': 'nobody',
  // A waiting badge is someone's only when it was sent to one of their confirmed addresses.
  'POST /api/v1/me/pending/:id/accept': 'nobody',
  'POST /api/v1/me/pending/:id/decline': 'nobody',
  'GET /wallet/:itemId': 'nobody',
  'GET /wallet/:itemId/image': 'hidden',
  'GET /wallet/:itemId/credential': 'nobody',
  'POST /wallet/:itemId/visibility': 'nobody',
  'POST /wallet/:itemId/recipient-name': 'nobody',
  'POST /wallet/:itemId/decline': 'nobody',
  'POST /wallet/:itemId/delete': 'nobody',
  'POST /wallet/pending/:id/accept': 'nobody',
  'POST /wallet/pending/:id/decline': 'nobody',
  // An application, its files and a badge to renew are the applicant's own.
  'GET /applications/:id': 'nobody',
  'GET /applications/:id/files/:fileId': 'nobody',
  'POST /applications/:id/withdraw': 'nobody',
  'POST /applications/:id/evidence': 'nobody',
  'POST /applications/:id/reply': 'nobody',
  'GET /apply/renew/:awardId': 'nobody',
  'POST /apply/renew/:awardId': 'nobody',
  // An application's reviewers: members (reviewer and up) of its organization, or its template's external reviewers.
  'GET /reviews/:id': 'nobody',
  'GET /reviews/:id/files/:fileId': 'nobody',
  'POST /reviews/:id/decision': 'nobody',
  'POST /reviews/:id/thread': 'nobody',
};

function ruleOf({ route, access }: DeclaredRoute): Rule {
  const row = DATA_RULES[route];
  if (row) return row;
  if (typeof access === 'object') return access.role;
  if (access === 'user session') return 'user';
  if (access === 'platform admin') return 'platform';
  return access;
}

/** Every route and its declared access, read as the server registers them (no request is served). */
const declared: DeclaredRoute[] = [];
await (await buildServer(createAppContext({} as never, config), { declaredAccess: declared })).close();
const RULES = Object.fromEntries(declared.map((d) => [d.route, ruleOf(d)]));

describe('authorization matrix over every route', () => {
  const t = useTestApp('pglite');
  const users = {} as Record<Exclude<Who, 'anonymous'> | 'platform', TestUser>;
  const csrf = csrfPair(config);
  const params: Record<string, string> = {};
  const perRoute: Record<string, Record<string, string>> = {};
  let awardBody: Record<string, string> = {};
  /**
   * Bodies of the right shape where schema validation would otherwise answer first: the
   * wallet's (it validates before it looks up the item) and, in the CSRF test, the API's
   * (the CSRF check follows validation). Each still fails the handler's own checks or is harmless.
   */
  const bodies = (): Record<string, Record<string, string>> => ({
    'POST /api/v1/orgs/:slug/templates': { name: 'Matrix', description: 'D', criteriaNarrative: 'C' },
    'POST /api/v1/orgs/:slug/awards': awardBody,
    'POST /api/v1/orgs/:slug/awards/:id/revoke': { reason: ' ' },
    'POST /wallet/:itemId/visibility': { visibility: 'public' },
    'POST /wallet/pending/:id/decline': { confirm: 'yes' },
    'POST /api/v1/me/pending/:id/decline': { confirm: 'true' },
  });

  beforeAll(async () => {
    const { ctx } = t;
    const owner = await makeTestUser(t.db, 'Owner');
    const org = await makeOrg(t.db, { config, ownerUserId: owner.id });
    users.viewer = await makeMember(t.db, org, 'viewer');
    users.reviewer = await makeMember(t.db, org, 'reviewer');
    users.issuer = await makeMember(t.db, org, 'issuer');
    users.admin = await makeMember(t.db, org, 'admin');
    users.outsider = await makeMember(t.db, await makeOrg(t.db, { config }), 'issuer');
    users.platform = await makeTestUser(t.db, 'Platform Admin');
    await t.db.updateTable('users').set({ isAdmin: true }).where('id', '=', users.platform.id).execute();

    const template = await makeTemplate(t.ctx, org);
    const codes = await generateBatch(t.db, config, { orgId: org.id, templateId: template.id, count: 1 });
    const { application } = await submittedApplication(ctx, {
      org,
      files: [{ filename: 'cert.pdf', data: '%PDF-1.4 x' }],
    });
    const { id: applicationFile } = await t.db
      .selectFrom('applicationFiles')
      .select('id')
      .where('applicationId', '=', application.id)
      .executeTakeFirstOrThrow();
    const { award } = await issueTestAward(ctx, { org, template });
    const target = await makeMember(t.db, org, 'viewer', 'Removable');
    const invitation = await createInvitation(t.db, config, {
      org,
      email: 'invitee@example.test',
      role: 'viewer',
      invitedBy: { id: owner.id, name: 'Owner' },
    });
    const key = await createApiKey(t.db, { orgId: org.id, name: 'Throwaway', scopes: ['awards:read'] });
    const batch = (name: string) =>
      createBatch(ctx, {
        orgId: org.id,
        templateId: template.id,
        filename: name,
        data: Buffer.from(`name,email\nRow One,${name}@example.test\n`),
        createdBy: owner.id,
      });
    await enqueueJob(t.db, { kind: 'nothing.here', payload: {} });
    const job = await t.db
      .updateTable('jobs')
      .set({ failedAt: new Date() })
      .where('kind', '=', 'nothing.here')
      .returning('id')
      .executeTakeFirstOrThrow();
    awardBody = { templateId: template.id, recipientName: 'N', recipientEmail: 'not-an-email' };
    const mail = await t.db.selectFrom('emails').select('id').executeTakeFirstOrThrow();
    const statusList = await t.db.selectFrom('statusLists').select('id').executeTakeFirstOrThrow();

    Object.assign(params, {
      slug: org.slug,
      token: 'not-a-real-token-0123456789abcdef',
      name: 'app.css',
      handle: 'nobody-here',
      network: 'linkedin',
      listId: statusList.id,
      id: randomUUID(),
      itemId: randomUUID(),
      userId: target.id,
      batchId: await batch('preview'),
    });
    // Routes whose `:id` is a row of a particular kind.
    const ids: [RegExp, string][] = [
      [/\/(badges|templates)\/:id/, template.id],
      [/\/awards\/:id|\/c\/:id|\/ob2\/assertions\/:id|\/pending\/:id/, award.id],
      [/\/invitations\/:id/, invitation.invitation.id],
      [/\/api-keys\/:id/, key.info.id],
      [/\/claim-codes\/:id/, codes.set.id],
      [/\/orgs\/:slug\/applications\/:id/, application.id],
      [/\/admin\/jobs\/:id/, job.id],
      [/\/admin\/mail\/:id/, mail.id],
    ];
    for (const route of Object.keys(RULES)) {
      const hit = ids.find(([re]) => re.test(route));
      if (hit) perRoute[route] = { id: hit[1] };
    }
    perRoute['POST /manage/:slug/bulk/:batchId/cancel'] = { batchId: await batch('cancel') };
    perRoute['GET /api/v1/orgs/:slug/applications/:id/files/:fileId'] = {
      id: application.id,
      fileId: applicationFile,
    };
  });

  const urlOf = (route: string) => {
    const path = route.slice(route.indexOf(' ') + 1);
    const values = { ...params, ...perRoute[route] };
    return path.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? `missing-${name}`);
  };

  const request = (who: Who | 'platform', route: string) => {
    const method = route.slice(0, route.indexOf(' ')) as 'GET' | 'POST' | 'PATCH';
    const url = urlOf(route);
    const api = url.startsWith('/api/');
    // Organization API routes authorize before they validate: an empty body must not matter.
    const fields = route.includes('/api/v1/orgs/') ? {} : (bodies()[route] ?? {});
    const body =
      method === 'GET'
        ? undefined
        : api
          ? JSON.stringify(fields)
          : new URLSearchParams({ _csrf: csrf.token, ...fields }).toString();
    return t.app.inject({
      method,
      url,
      payload: body,
      cookies: { laurel_csrf: csrf.cookie, ...(who === 'anonymous' ? {} : users[who].cookies) },
      headers: {
        accept: api ? 'application/json' : 'text/html',
        'x-csrf-token': csrf.token,
        ...(body === undefined
          ? {}
          : { 'content-type': api ? 'application/json' : 'application/x-www-form-urlencoded' }),
      },
    });
  };

  it('reads a declared access for every route, and keeps no data rule for a route that is gone', () => {
    expect(declared.length).toBeGreaterThan(100);
    expect(Object.keys(DATA_RULES).filter((r) => !(r in RULES))).toEqual([]);
  });

  it('refuses to start with a route that declares no access', async () => {
    const bare = await buildServer(createAppContext(t.db, config));
    const start = async () => {
      bare.get('/undeclared', async () => 'open');
      await bare.ready();
    };
    await expect(start()).rejects.toThrow('GET /undeclared declares no access');
    await bare.close();
  });

  // Forms and session API calls that change something need the CSRF token (src/http/csrf.ts).
  const WITHOUT_CSRF = new Set([
    'POST /api/v1/verify', // verifies what it is sent and changes nothing
    'POST /api/v1/claims/:token/reject', // the claim token in the URL is the credential, not the cookie
  ]);

  it('refuses every state-changing route without the CSRF token, signed in or not', async () => {
    const refused: string[] = [];
    for (const route of Object.keys(RULES)) {
      if (route.startsWith('GET ') || WITHOUT_CSRF.has(route) || route === 'POST /logout') continue;
      for (const who of ['anonymous', 'admin'] as const) {
        const method = route.slice(0, route.indexOf(' ')) as 'POST' | 'PATCH';
        const api = urlOf(route).startsWith('/api/');
        const res = await t.app.inject({
          method,
          url: urlOf(route),
          payload: api
            ? JSON.stringify(bodies()[route] ?? {})
            : new URLSearchParams(bodies()[route]).toString(),
          cookies: who === 'anonymous' ? {} : users[who].cookies,
          headers: { 'content-type': api ? 'application/json' : 'application/x-www-form-urlencoded' },
        });
        // Without a session the organization API asks for credentials first; refused either way.
        const ok = res.statusCode === 403 || (who === 'anonymous' && api && res.statusCode === 401);
        if (!ok) refused.push(`${who} ${route} → ${res.statusCode}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('shows each member only dashboard links that open for them', async () => {
    const pattern = (url: string) =>
      url
        .replace(`/manage/${params.slug}`, '/manage/:slug')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');
    const dead = new Set<string>();
    for (const who of ['viewer', 'reviewer', 'issuer', 'admin'] as const) {
      const start = `/manage/${params.slug}`;
      const from = new Map([[start, start]]);
      const queue = [start];
      while (queue.length && from.size < 80) {
        const url = queue.shift()!;
        const res = await t.app.inject({
          url,
          cookies: users[who].cookies,
          headers: { accept: 'text/html' },
        });
        if (res.statusCode !== 200) {
          dead.add(`${who} ${pattern(url)} ← ${pattern(from.get(url)!)}`);
          continue;
        }
        for (const m of res.body.matchAll(/<a [^>]*href="(\/manage\/[^"#]+)"/g)) {
          const link = m[1]!.replace(/&amp;/g, '&');
          if (!from.has(link)) {
            from.set(link, url);
            queue.push(link);
          }
        }
      }
      // The crawl reached the dashboard's sections, not just the start page.
      expect(from.size, who).toBeGreaterThanOrEqual(5);
    }
    // Each entry reads `who path ← page`: a link shown to a member that does not open for them.
    expect([...dead].sort()).toEqual([]);
  });

  // Logging out ends the session, so it runs last.
  const ordered = Object.keys(RULES).sort(
    (a, b) => Number(a === 'POST /logout') - Number(b === 'POST /logout'),
  );

  it.each(ordered)('%s', async (route) => {
    const rule = RULES[route]!;
    const api = urlOf(route).startsWith('/api/');
    const seen: string[] = [];
    for (const who of WHO) {
      const res = await request(who, route);
      const label = `${who} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      seen.push(`${who}:${res.statusCode}`);
      expect(res.statusCode, label).toBeLessThan(500);
      const loginWall = api
        ? res.statusCode === 401
        : res.statusCode === 303 && /^\/login\?next=/.test(String(res.headers.location));

      if (rule === 'public') {
        expect(loginWall || res.statusCode === 403, label).toBe(false);
        continue;
      }
      if (rule === 'token') continue;
      if (rule === 'hidden') {
        expect(res.statusCode, label).toBe(404);
        continue;
      }
      if (who === 'anonymous') {
        expect(loginWall, label).toBe(true);
        continue;
      }
      if (rule === 'user') expect([401, 403, 404], label).not.toContain(res.statusCode);
      else if (rule === 'nobody') expect(res.statusCode, label).toBe(404);
      else if (rule === 'platform') expect(res.statusCode, label).toBe(403);
      else if (who === 'outsider') expect(res.statusCode, label).toBe(404);
      else if (RANK[who] < NEEDS[rule]) expect(res.statusCode, label).toBe(403);
      else expect([401, 403, 404], label).not.toContain(res.statusCode);
    }
    if (rule === 'token') {
      // A wrong token is wrong for everyone alike.
      expect(new Set(seen.slice(1).map((s) => s.split(':')[1])).size, seen.join(' ')).toBe(1);
    }
    if (rule === 'platform') {
      const res = await request('platform', route);
      expect([401, 403, 404], `platform admin → ${res.statusCode}`).not.toContain(res.statusCode);
    }
  });
});
