import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/index.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeMember, makeOrg } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { type Award, countOrgAwards, pageOrgAwards, revokeAward } from './service.ts';
import { issueTestAward } from './testing.ts';
import { matchingText } from './views/awards-list.tsx';

/**
 * `n` copies of a signed award (its texts, salt and status list), as a bulk job writes them: four
 * to a creation time, so the list's order has ties for the id to break. Returns their ids.
 */
async function copies(db: Db, source: Award, n: number, name = (i: number) => `Copy ${i}`) {
  const ids = Array.from({ length: n }, () => randomUUID());
  const rows = ids.map((id, i) => ({
    id,
    name: name(i),
    email: `copy${i}@example.org`,
    hash: `copy-${id}`,
    index: 10_000 + source.statusIndex * 2_000 + i,
    back: Math.floor(i / 4) + 1,
  }));
  await sql`
    INSERT INTO awards (id, org_id, template_id, recipient_name, recipient_email, salt, issued_at,
      credential_json, credential_jwt, claim_token_hash, status_list_id, status_index, created_at)
    SELECT r.id::uuid, a.org_id, a.template_id, r.name, r.email, a.salt, a.issued_at,
      a.credential_json, a.credential_jwt, r.hash, a.status_list_id, r.index,
      a.created_at - make_interval(secs => r.back)
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(id text, name text, email text, hash text, index int, back int)
    JOIN awards a ON a.id = ${source.id}`.execute(db);
  return ids;
}

describe.each(DIALECTS)('the issued list on %s', (dialect) => {
  const t = useTestApp(dialect);

  /** The org's award ids in the list's order, read without paging. */
  const allIds = async (orgId: string) =>
    (
      await t.db
        .selectFrom('awards')
        .select('id')
        .where('orgId', '=', orgId)
        .orderBy('createdAt', 'desc')
        .orderBy('id', 'desc')
        .execute()
    ).map((r) => r.id);

  it('pages through every award once, forwards and backwards, across ties in creation time', async () => {
    const { award, org } = await issueTestAward(t.ctx);
    await copies(t.db, award, 13);
    const all = await allIds(org.id);
    expect(all).toHaveLength(14);

    const forward: string[][] = [];
    let page = await pageOrgAwards(t.db, org.id, { limit: 5 });
    expect(page.newer).toBeNull();
    for (;;) {
      forward.push(page.items.map((a) => a.id));
      if (!page.older) break;
      page = await pageOrgAwards(t.db, org.id, { after: page.older, limit: 5 });
      expect(page.newer).toBe(page.items[0]!.id);
    }
    expect(forward.map((p) => p.length)).toEqual([5, 5, 4]);
    expect(forward.flat()).toEqual(all);

    // Back from the last page by its "newer" cursor: the same pages, then the first one, full.
    const last = await pageOrgAwards(t.db, org.id, { after: forward[1]!.at(-1)!, limit: 5 });
    const middle = await pageOrgAwards(t.db, org.id, { before: last.newer!, limit: 5 });
    expect(middle.items.map((a) => a.id)).toEqual(forward[1]);
    const first = await pageOrgAwards(t.db, org.id, { before: middle.newer!, limit: 5 });
    expect(first.items.map((a) => a.id)).toEqual(forward[0]);
    expect(first.newer).toBeNull();
    // Two rows short of the newest end, "newer" gives the first page whole rather than two rows.
    const near = await pageOrgAwards(t.db, org.id, { before: all[2]!, limit: 5 });
    expect(near).toMatchObject({ newer: null, older: all[4] });
    expect(near.items.map((a) => a.id)).toEqual(all.slice(0, 5));
  });

  it('starts over on a cursor it does not know, or one of another organization', async () => {
    const { award, org } = await issueTestAward(t.ctx);
    await copies(t.db, award, 3);
    const other = await issueTestAward(t.ctx);
    const first = (await allIds(org.id)).slice(0, 2);
    for (const cursor of [randomUUID(), other.award.id, 'not-an-id'])
      for (const key of ['after', 'before'] as const) {
        const page = await pageOrgAwards(t.db, org.id, { [key]: cursor, limit: 2 });
        expect(page.items.map((a) => a.id)).toEqual(first);
        expect(page.newer).toBeNull();
      }
  });

  it('pages within a filter: template, state and search each keep to their matches', async () => {
    const org = await makeOrg(t.db, { config: t.config });
    const [one, two] = [await makeTemplate(t.ctx, org), await makeTemplate(t.ctx, org, { name: 'Two' })];
    const { award } = await issueTestAward(t.ctx, { org, template: one });
    const ids = await copies(t.db, award, 9, (i) => (i % 3 === 0 ? `Grace Hopper ${i}` : `Alan Turing ${i}`));
    const { award: second } = await issueTestAward(t.ctx, { org, template: two });
    for (const id of ids.slice(0, 3)) await revokeAward(t.ctx, id, 'Issued in error');
    const walk = async (filter: Parameters<typeof pageOrgAwards>[2]) => {
      const seen: string[] = [];
      let page = await pageOrgAwards(t.db, org.id, filter);
      for (;;) {
        seen.push(...page.items.map((a) => a.id));
        if (!page.older) return seen;
        page = await pageOrgAwards(t.db, org.id, { ...filter, after: page.older });
      }
    };
    expect(await walk({ templateId: two.id, limit: 2 })).toEqual([second.id]);
    expect((await walk({ state: 'revoked', limit: 2 })).sort()).toEqual(ids.slice(0, 3).sort());
    expect((await walk({ q: 'hopper', limit: 2 })).sort()).toEqual(ids.filter((_, i) => i % 3 === 0).sort());
    expect(await countOrgAwards(t.db, org.id, { q: 'HOPPER' })).toEqual({ count: 3, more: false });
    expect(await countOrgAwards(t.db, org.id, { state: 'pending' })).toEqual({ count: 8, more: false });
  });

  it('counts matches up to its cap, then says there are more', async () => {
    const { award, org } = await issueTestAward(t.ctx);
    await copies(t.db, award, 11);
    expect(await countOrgAwards(t.db, org.id, {}, 5)).toEqual({ count: 5, more: true });
    expect(await countOrgAwards(t.db, org.id, {}, 12)).toEqual({ count: 12, more: false });
    expect(matchingText({ count: 1000, more: true })).toBe('More than 1,000 awards match.');
    expect(matchingText({ count: 1, more: false })).toBe('1 award matches.');
    expect(matchingText({ count: 0, more: false })).toBe('0 awards match.');
  });

  it('shows a large list as "more than 1,000", with older and newer pages by link', async () => {
    const { award, org } = await issueTestAward(t.ctx, { recipientName: 'Ada Lovelace' });
    await copies(t.db, award, 1_000);
    const viewer = await makeMember(t.db, org, 'viewer');
    const get = (url: string) =>
      t.app.inject({ url, cookies: viewer.cookies, headers: { accept: 'text/html' } });
    const base = `/manage/${org.slug}/awards`;
    const first = await get(base);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('More than 1,000 awards match.');
    expect(first.body).not.toContain('Newer');
    const older = /<a href="([^"]+)">Older →<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toMatch(/\?after=[0-9a-f-]{36}$/);
    const second = await get(older!);
    expect(second.body).toContain('← Newer');
    const rows = (html: string) =>
      [...html.matchAll(/href="\/manage\/[^/]+\/awards\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const all = await allIds(org.id);
    expect(rows(first.body)).toEqual(all.slice(0, 25));
    expect(rows(second.body)).toEqual(all.slice(25, 50));
    // A search counts to a lower cap; one that fits on one page is counted exactly, without a pager.
    expect((await get(`${base}?q=copy`)).body).toContain('More than 100 awards match.');
    const found = await get(`${base}?q=lovelace`);
    expect(found.body).toContain('1 award matches.');
    expect(found.body).not.toContain('Older →');
    expect(rows(found.body)).toEqual([award.id]);
  });
});
