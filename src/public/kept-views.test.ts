// Public badge views kept in memory (src/public/badge-view.ts): served without a query while
// nothing they were made from has changed, and never once after a change — made by the
// services, by hand in SQL, by another connection (another process), or by the clock.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { LISTENER_NAME, changesOf } from '../db/changes.ts';
import { type DatabaseHandle, livenessOf, openPostgres } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { DIALECTS, createPostgresDatabase } from '../db/testing.ts';
import { createAppContext } from '../features.ts';
import type { AppContext } from '../http/context.ts';
import { buildServer } from '../http/server.ts';
import { useTestApp } from '../http/testing.ts';
import { waitFor } from '../jobs/testing.ts';
import { shareBadge } from './test-support.ts';
import type { FastifyInstance } from 'fastify';

const PAGE_SENTENCE = 'authentic and current';

/** Asks for `url` and tells whether answering it ran a query (the handle notes every success). */
async function answeredFromMemory(app: FastifyInstance, db: AppContext['db'], url: string) {
  const liveness = livenessOf(db);
  liveness.lastSuccess = 0;
  const res = await app.inject({ url });
  return { res, fromMemory: liveness.lastSuccess === 0 };
}

describe.each(DIALECTS)('kept public views on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    await waitFor('the change feed', () => changesOf(t.db).live);
  });

  it('answers a badge page and its credential again without a query', async () => {
    const b = await shareBadge(t.app, t.ctx);
    for (const url of [`/c/${b.awardId}`, `/c/${b.awardId}.json`]) {
      expect((await t.app.inject({ url })).statusCode).toBe(200);
      const again = await answeredFromMemory(t.app, t.db, url);
      expect(again.res.statusCode).toBe(200);
      expect(again.fromMemory, url).toBe(true);
    }
  });

  it('follows changes made by hand in SQL, behind the services, on the next request', async () => {
    const b = await shareBadge(t.app, t.ctx);
    const page = `/c/${b.awardId}`;
    expect((await t.app.inject({ url: page })).body).toContain(PAGE_SENTENCE);

    await sql`UPDATE badge_templates SET name = 'Renamed by hand' WHERE id = ${b.template.id}`.execute(t.db);
    expect((await t.app.inject({ url: page })).body).toContain('Renamed by hand');

    await sql`UPDATE orgs SET name = 'Org renamed by hand' WHERE id = ${b.org.id}`.execute(t.db);
    expect((await t.app.inject({ url: page })).body).toContain('Org renamed by hand');

    await sql`UPDATE awards SET revoked_at = now(), revocation_reason = 'Revoked by hand' WHERE id = ${b.awardId}`.execute(
      t.db,
    );
    const revoked = (await t.app.inject({ url: page })).body;
    expect(revoked).toContain('Revoked by hand');
    expect(revoked).not.toContain(PAGE_SENTENCE);

    await sql`UPDATE wallet_items SET visibility = 'private' WHERE id = ${b.itemId}`.execute(t.db);
    for (const url of [page, `${page}.json`]) expect((await t.app.inject({ url })).statusCode, url).toBe(404);
  });

  it('shows a badge as expired once its date passes, with nothing changed in the database', async () => {
    const b = await shareBadge(t.app, t.ctx);
    const page = `/c/${b.awardId}`;
    const until = new Date(Date.now() + 1_500);
    await t.db.updateTable('awards').set({ validUntil: until }).where('id', '=', b.awardId).execute();
    expect((await t.app.inject({ url: page })).body).toContain(PAGE_SENTENCE);
    expect((await answeredFromMemory(t.app, t.db, page)).fromMemory).toBe(true);
    await waitFor('the expiry date', () => Date.now() > until.getTime() + 10);
    const after = (await t.app.inject({ url: page })).body;
    expect(after).toContain('<strong>Expired</strong>');
    expect(after).not.toContain(PAGE_SENTENCE);
  });

  it('gives every visitor the page with their own form token, and a signed-in visitor their own page', async () => {
    const b = await shareBadge(t.app, t.ctx);
    const page = `/c/${b.awardId}`;
    const tokenIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    const sign = (cookie: string) =>
      createHmac('sha256', t.config.secret).update(`csrf:${cookie}`).digest('base64url');
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ url: page });
      const cookie = res.cookies.find((c) => c.name === 'laurel_csrf')!.value;
      expect(tokenIn(res.body)).toBe(sign(cookie));
      seen.add(cookie);
    }
    expect(seen.size).toBe(3);
    const returning = await t.app.inject({ url: page, cookies: { laurel_csrf: 'R'.repeat(32) } });
    expect(returning.cookies).toEqual([]);
    expect(tokenIn(returning.body)).toBe(sign('R'.repeat(32)));
    const earner = await t.app.inject({ url: page, cookies: b.earner.cookies });
    expect(earner.body).toContain('Log out');
    expect(earner.body).toContain('Change its visibility and share it');
    expect((await t.app.inject({ url: page })).body).not.toContain('Log out');
  });
});

describe('kept public views with several processes on one PostgreSQL database', () => {
  const config = testConfig();
  let url = '';
  let handles: DatabaseHandle[] = [];
  let contexts: AppContext[] = [];
  let apps: FastifyInstance[] = [];
  let other: pg.Client;

  beforeAll(async () => {
    url = await createPostgresDatabase();
    handles = [await openPostgres(url), await openPostgres(url)];
    await migrate(handles[0]!);
    contexts = handles.map((h) => createAppContext(h.db, config));
    apps = [await buildServer(contexts[0]!), await buildServer(contexts[1]!)];
    other = new pg.Client({ connectionString: url });
    await other.connect();
    for (const h of handles) await waitFor('the change feeds', () => changesOf(h.db).live);
  });
  afterAll(async () => {
    await other.end();
    for (const app of apps) await app.close();
    for (const c of contexts) await c.runtime.close();
    for (const h of handles) await h.close();
  });

  it('serves a change committed anywhere, by anyone, on the next request of each process', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    for (let round = 0; round < 20; round++) {
      const badge = await shareBadge(a, contexts[0]!);
      const page = `/c/${badge.awardId}`;
      for (const app of [a, b]) expect((await app.inject({ url: page })).body).toContain(PAGE_SENTENCE);
      // A third connection (a CLI, another machine) revokes; both processes answer at once.
      await other.query(`UPDATE awards SET revoked_at = now() WHERE id = $1`, [badge.awardId]);
      for (const app of [b, a]) expect((await app.inject({ url: page })).body).not.toContain(PAGE_SENTENCE);
    }
  });

  it('answers at once while a new process is still connecting its listener', async () => {
    const badge = await shareBadge(apps[0]!, contexts[0]!);
    const fresh = await openPostgres(url);
    const ctx = createAppContext(fresh.db, config);
    const app = await buildServer(ctx);
    try {
      for (let i = 0; i < 3; i++)
        expect((await app.inject({ url: `/c/${badge.awardId}` })).statusCode).toBe(200);
    } finally {
      await app.close();
      await ctx.runtime.close();
      await fresh.close();
    }
  });

  it('keeps nothing while its listening connection is lost, and keeps again once it is back', async () => {
    const [a] = apps as [FastifyInstance, FastifyInstance];
    const feed = changesOf(handles[0]!.db);
    const badge = await shareBadge(a, contexts[0]!);
    const page = `/c/${badge.awardId}`;
    await a.inject({ url: page });
    await other.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [LISTENER_NAME],
    );
    await waitFor('the lost connection', () => !feed.live);
    // A change made while nobody listens is still served on the next request.
    await other.query(`UPDATE badge_templates SET name = 'Renamed while deaf' WHERE id = $1`, [
      badge.template.id,
    ]);
    expect((await a.inject({ url: page })).body).toContain('Renamed while deaf');
    await waitFor('the listener to reconnect', () => feed.live);
    await a.inject({ url: page });
    expect((await answeredFromMemory(a, handles[0]!.db, page)).fromMemory).toBe(true);
  });
});
