/**
 * The review queue at scale: the real server (PGlite in a temp dir, then a throwaway PostgreSQL
 * cluster) with an organization holding 10,000 applications over three templates, in every
 * state, submitted over the last 120 days. Sequential requests with a reviewer's session measure
 * the queue page's latency (p50 / p99) beside a trivial route (`/livez`) through the same server
 * in the same run. The target: p50 under 50 ms.
 *
 *   node --conditions=laurel-source --import tsx bench/review-queue.bench.ts [pglite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import type { AppContext } from '../src/http/context.ts';
import { freePort } from '../test/ports.ts';
import { benchConfig, followLink, measurePage } from './support.ts';

const APPLICATIONS = 10_000;
const TARGET_P50_MS = 50;

type Dialect = 'pglite' | 'postgres';

/** The organization, its reviewer and 10,000 applications (users and applications copied in bulk). */
async function seed(
  ctx: AppContext,
): Promise<{ userId: string; slug: string; templateId: string; applicationId: string }> {
  const { makeUser } = await import('../src/accounts/testing.ts');
  const { makeOrg } = await import('../src/orgs/testing.ts');
  const { makeTemplate } = await import('../src/templates/testing.ts');
  const { makeApplicationForm } = await import('../src/applications/testing.ts');
  const { sql } = await import('kysely');
  const reviewer = await makeUser(ctx.db, { name: 'Bench Reviewer', email: 'reviewer@example.org' });
  const org = await makeOrg(ctx.db, { config: ctx.config, slug: 'bench-reviews', ownerUserId: reviewer.id });
  const forms = [];
  for (let i = 0; i < 3; i++) {
    const template = await makeTemplate(ctx, org, { name: `Bench course ${i}` });
    forms.push(await makeApplicationForm(ctx.db, template));
  }
  // One applicant per application (one open application per person and template).
  await sql`INSERT INTO users (name) SELECT 'Applicant ' || i FROM generate_series(1, ${APPLICATIONS}::int) AS i`.execute(
    ctx.db,
  );
  // States: 60% submitted, 10% returned, 15% approved, 10% rejected, 5% withdrawn.
  await sql`
    INSERT INTO applications (org_id, template_id, form_id, applicant_id, applicant_name, applicant_email,
      state, answers, submission, submitted_at, created_at)
    SELECT ${org.id}::uuid, f.template_id, f.id, u.id, u.name, 'applicant' || u.n || '@example.org',
      CASE WHEN u.n % 20 < 12 THEN 'submitted' WHEN u.n % 20 < 14 THEN 'returned'
        WHEN u.n % 20 < 17 THEN 'approved' WHEN u.n % 20 < 19 THEN 'rejected' ELSE 'withdrawn' END,
      '{"course": "First aid", "summary": "Bandages and CPR.", "honest": true}', 1,
      now() - make_interval(secs => u.n * 1037 % (120 * 86400)),
      now() - make_interval(secs => u.n * 1037 % (120 * 86400) + 3600)
    FROM (SELECT id, name, row_number() OVER (ORDER BY id) AS n FROM users WHERE name LIKE 'Applicant %') u
    JOIN unnest(${forms.map((f) => f.id)}::uuid[]) WITH ORDINALITY AS fo(id, k) ON fo.k = 1 + u.n % 3
    JOIN application_forms f ON f.id = fo.id`.execute(ctx.db);
  await sql`ANALYZE`.execute(ctx.db);
  const one = await ctx.db
    .selectFrom('applications')
    .select('id')
    .where('orgId', '=', org.id)
    .where('state', '=', 'submitted')
    .orderBy('submittedAt')
    .executeTakeFirstOrThrow();
  return { userId: reviewer.id, slug: org.slug, templateId: forms[0]!.templateId, applicationId: one.id };
}

async function benchOn(dialect: Dialect, databaseUrl?: string): Promise<BenchRow[]> {
  const { startPlatform } = await import('../src/http/start.ts');
  const { createAppContext } = await import('../src/features.ts');
  const { createSession, SESSION_COOKIE } = await import('../src/accounts/sessions.ts');
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-reviews-'));
  const config = await benchConfig(await freePort(), dir, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const running = await startPlatform(config);
  try {
    const t0 = performance.now();
    const ctx = createAppContext(running.handle.db, config);
    const seeded = await seed(ctx);
    const setup = (performance.now() - t0) / 1000;
    const cookie = `${SESSION_COOKIE}=${await createSession(ctx.db, seeded.userId)}`;
    const queue = `${running.url}/manage/${seeded.slug}/reviews`;
    const targets: [string, string][] = [
      ['review queue, 10,000 applications: first page (submitted, oldest first)', queue],
      ['review queue: one template', `${queue}?template=${seeded.templateId}`],
      ['review queue: waiting 30 days or more', `${queue}?age=30`],
      ['review queue: every state', `${queue}?state=all`],
      [
        'review queue: page 41 (followed "Next page" 40 times)',
        await followLink(queue, cookie, 'Next page', 40),
      ],
      ['application page (reviewer)', `${running.url}/reviews/${seeded.applicationId}`],
    ];
    const trivial = await measurePage(`${running.url}/livez`, cookie);
    const rows: BenchRow[] = [
      {
        name: `GET /livez (trivial route), ${dialect}: p50`,
        ours: trivial.p50,
        unit: 'ms',
        note: `p99 ${trivial.p99.toFixed(2)} ms, ${trivial.n} sequential requests; setup ${setup.toFixed(0)} s`,
      },
    ];
    for (const [name, url] of targets) {
      const m = await measurePage(url, cookie);
      rows.push({
        name: `${name}, ${dialect}: p50`,
        ours: m.p50,
        baseline: trivial.p50,
        baselineName: '/livez p50',
        unit: 'ms',
        note: `p99 ${m.p99.toFixed(1)} ms, ${m.n} sequential requests, ${(m.bytes / 1024).toFixed(0)} KiB; target p50 < ${TARGET_P50_MS} ms`,
      });
    }
    return rows;
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReviewQueue(dialects: Dialect[] = ['pglite', 'postgres']): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const d of dialects) {
    if (d === 'pglite') {
      out.push(...(await benchOn('pglite')));
      continue;
    }
    const { startCluster } = await import('../test/pg-cluster.ts');
    const cluster = await startCluster();
    try {
      out.push(...(await benchOn('postgres', cluster.url)));
    } finally {
      cluster.stop();
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wanted = process.argv.slice(2).filter((a): a is Dialect => a === 'pglite' || a === 'postgres');
  for (const r of await benchReviewQueue(wanted.length ? wanted : undefined))
    console.log(
      `${r.name}: ${r.ours.toFixed(2)} ${r.unit}${r.baseline ? ` (${(r.ours / r.baseline).toFixed(1)}x ${r.baselineName})` : ''} — ${r.note}`,
    );
}
