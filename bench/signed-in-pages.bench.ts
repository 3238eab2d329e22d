/**
 * Pages of a signed-in user at scale: the real server in a child process (PGlite in a temp dir,
 * then a throwaway PostgreSQL cluster), an earner whose wallet holds 200 accepted badges (from
 * several organizations and templates, some public, a few waiting), and an organization with
 * 100,000 awards. Sequential requests with the earner's session cookie measure each page's
 * latency (p50 / p99) beside a trivial route (`/livez`) through the same server.
 * The target: p50 under 30 ms for each page.
 *
 *   node --conditions=laurel-source --import tsx bench/signed-in-pages.bench.ts
 *   node --conditions=laurel-source --import tsx bench/signed-in-pages.bench.ts pglite   (one dialect)
 *   node --conditions=laurel-source --import tsx bench/signed-in-pages.bench.ts --serve [DATABASE_URL]   (the child)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import type { AppContext } from '../src/http/context.ts';
import { freePort } from '../test/ports.ts';
import { benchConfig, followLink, measurePage } from './support.ts';

const WALLET_BADGES = 200;
const ORG_AWARDS = 100_000;
const TARGET_P50_MS = 30;

type Dialect = 'pglite' | 'postgres';

// Recipients of the big organization: every pair of these names, about 20 awards per full name
// and 1,200 per family name, so a search reads like one on a real list (not one shared prefix).
const FIRST_NAMES = (
  'Ada Grace Alan Katherine Edsger Barbara Donald Margaret John Frances Dennis Radia Ken Hedy Tim ' +
  'Sophie Linus Anita Guido Shafi Leslie Adele Niklaus Karen Bjarne Lynn Vint Mary Claude Jean ' +
  'Carl Ida Emil Rosa Olaf Ines Pavel Nora Ravi Mei Tomas Lena Yusuf Aiko Diego Zara Femi Liv ' +
  'Omar Hana Igor Eva Kofi Maya Arne Tara Sven Noor Luca Aria Pedro'
).split(' ');
const LAST_NAMES = (
  'Lovelace Hopper Turing Johnson Dijkstra Liskov Knuth Hamilton McCarthy Allen Ritchie Perlman ' +
  'Thompson Lamarr Berners Wilson Torvalds Borg Rossum Goldwasser Lamport Goldberg Wirth Jones ' +
  'Stroustrup Conway Cerf Kenyon Shannon Sammet Meyer Rhodes Post Parks Larsen Moreau Novak Berg ' +
  'Rao Chen Svoboda Lund Demir Sato Garcia Haddad Okafor Dahl Karim Kim Petrov Kowalski Mensah ' +
  'Patel Nygaard Singh Lindqvist Rahman Rossi Silva Costa Ivanova Fischer Weber Mueller Schmidt ' +
  'Nowak Horvat Kovacs Popescu Jansen Peeters Dubois Laurent Martin Bernard Thomas Petit Durand ' +
  'Leroy Moulin'
).split(' ');

interface Ready {
  url: string;
  cookie: string;
  slug: string;
  itemId: string;
  /** A full name that about 20 of the 100,000 awards carry, and a family name about 1,200 do. */
  searches: [string, string];
  setupSeconds: number;
}

/**
 * The data of the benchmark, written through the real services (and one bulk copy): returns the
 * earner, the big organization's slug and an item of the wallet.
 */
export async function seed(ctx: AppContext): Promise<{ userId: string; slug: string; itemId: string }> {
  const { config } = ctx;
  const { makeUser } = await import('../src/accounts/testing.ts');
  const { makeOrg } = await import('../src/orgs/testing.ts');
  const { makeTemplate } = await import('../src/templates/testing.ts');
  const { issueTestAward } = await import('../src/issuing/testing.ts');
  const { acceptClaim } = await import('../src/claims/service.ts');
  const { setVisibility } = await import('../src/wallet/service.ts');
  const { sql } = await import('kysely');
  const user = await makeUser(ctx.db, { name: 'Bench Earner', email: 'earner@example.org' });

  // Four organizations with three badge templates each; the first is the big one, run by the earner.
  const orgs = [];
  for (let o = 0; o < 4; o++)
    orgs.push(
      await makeOrg(ctx.db, {
        config,
        name: `Bench Society ${o}`,
        slug: `bench-${o}`,
        ownerUserId: o === 0 ? user.id : undefined,
      }),
    );
  const templates = [];
  for (const org of orgs)
    for (let t = 0; t < 3; t++)
      templates.push({ org, template: await makeTemplate(ctx, org, { name: `${org.name} course ${t}` }) });

  // The wallet: 200 real awards, signed, claimed and accepted; every third one public.
  let itemId = '';
  for (let i = 0; i < WALLET_BADGES; i++) {
    const { org, template } = templates[i % templates.length]!;
    const issued = await issueTestAward(ctx, {
      org,
      template,
      recipientName: 'Bench Earner',
      recipientEmail: user.email,
    });
    const item = await acceptClaim(ctx, issued.claimToken, user.id);
    if (i % 3 === 0) await setVisibility(ctx.db, user.id, item.id, 'public');
    if (i === WALLET_BADGES / 2) itemId = item.id;
  }
  // A few waiting for a decision, shown above the list.
  for (let i = 0; i < 3; i++) {
    const { org, template } = templates[i]!;
    await issueTestAward(ctx, { org, template, recipientName: 'Bench Earner', recipientEmail: user.email });
  }

  // The big organization's 100,000 awards: one real award copied in bulk (its signed texts, salt
  // and status list), spread over the org's templates and states, 100 per creation second as a
  // bulk job writes them (so the list's order has ties to break).
  const big = orgs[0]!;
  const source = await issueTestAward(ctx, {
    org: big,
    template: templates[0]!.template,
    recipientName: 'Seed',
    recipientEmail: 'seed@example.org',
  });
  const bigTemplates = templates.filter((t) => t.org.id === big.id).map((t) => t.template.id);
  const { rows: lists } = await sql<{ nextIndex: number }>`
    SELECT next_index FROM status_lists s JOIN awards a ON a.status_list_id = s.id
    WHERE a.id = ${source.award.id}`.execute(ctx.db);
  const base = lists[0]!.nextIndex;
  const CHUNK = 20_000;
  for (let from = 1; from <= ORG_AWARDS; from += CHUNK) {
    const to = Math.min(ORG_AWARDS, from + CHUNK - 1);
    await sql`
      INSERT INTO awards (id, org_id, template_id, recipient_name, recipient_email, salt, issued_at,
        valid_until, credential_json, credential_jwt, state, revoked_at, revocation_reason,
        claim_token_hash, status_list_id, status_index, created_at)
      SELECT gen_random_uuid(), a.org_id,
        CASE i % 3 WHEN 0 THEN ${bigTemplates[0]}::uuid WHEN 1 THEN ${bigTemplates[1]}::uuid
          ELSE ${bigTemplates[2]}::uuid END,
        f.first || ' ' || l.last,
        lower(f.first || '.' || l.last || i) || '@' || (ARRAY['example.org', 'example.com', 'mail.example.net'])[1 + i % 3],
        a.salt,
        a.issued_at - make_interval(secs => i / 100),
        CASE WHEN i % 20 = 7 THEN now() - interval '1 day' END,
        a.credential_json, a.credential_jwt,
        CASE WHEN i % 10 < 6 THEN 'accepted' ELSE 'pending' END,
        CASE WHEN i % 50 = 3 THEN now() END,
        CASE WHEN i % 50 = 3 THEN 'Issued in error' END,
        md5(${source.award.id}::text || i::text), a.status_list_id, ${base} + i,
        a.created_at - make_interval(secs => i / 100)
      FROM generate_series(${from}::int, ${to}::int) AS i
      JOIN awards a ON a.id = ${source.award.id}
      JOIN unnest(${FIRST_NAMES}::text[]) WITH ORDINALITY AS f(first, n) ON f.n = 1 + i % ${FIRST_NAMES.length}
      JOIN unnest(${LAST_NAMES}::text[]) WITH ORDINALITY AS l(last, n)
        ON l.n = 1 + (i / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}`.execute(ctx.db);
  }
  await sql`UPDATE status_lists SET next_index = ${base + ORG_AWARDS + 1}
    WHERE id = (SELECT status_list_id FROM awards WHERE id = ${source.award.id})`.execute(ctx.db);
  // A server that has been running has statistics (autovacuum on PostgreSQL).
  await sql`ANALYZE`.execute(ctx.db);

  return { userId: user.id, slug: big.slug, itemId };
}

/** The child: start the platform, fill the wallet and the organization, report, serve until killed. */
async function serve(databaseUrl: string | undefined): Promise<void> {
  const t0 = performance.now();
  const { startPlatform } = await import('../src/http/start.ts');
  const { createAppContext } = await import('../src/features.ts');
  const { createSession, SESSION_COOKIE } = await import('../src/accounts/sessions.ts');
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-signed-in-'));
  const config = await benchConfig(await freePort(), dir, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const running = await startPlatform(config);
  const ctx = createAppContext(running.handle.db, config);
  const seeded = await seed(ctx);
  const cookie = `${SESSION_COOKIE}=${await createSession(ctx.db, seeded.userId)}`;
  const ready: Ready = {
    url: running.url,
    cookie,
    slug: seeded.slug,
    itemId: seeded.itemId,
    searches: ['Ada Lovelace', 'Lovelace'],
    setupSeconds: (performance.now() - t0) / 1000,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function startChild(args: string[]): { child: ReturnType<typeof spawn>; ready: Promise<Ready> } {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, '--serve', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`the server exited early (${code})`)));
  });
  return { child, ready };
}

async function benchOn(dialect: Dialect, databaseUrl?: string): Promise<BenchRow[]> {
  const { child, ready: whenReady } = startChild(databaseUrl ? [databaseUrl] : []);
  try {
    const ready = await whenReady;
    const awards = `${ready.url}/manage/${ready.slug}/awards`;
    const [fullName, familyName] = ready.searches;
    const targets: [string, string][] = [
      ['wallet, 200 badges', `${ready.url}/wallet`],
      ['wallet badge detail', `${ready.url}/wallet/${ready.itemId}`],
      ['award list, 100,000 awards: first page', awards],
      [`award list: searched "${fullName}" (20 match)`, `${awards}?q=${encodeURIComponent(fullName)}`],
      [`award list: searched "${familyName}" (1,280 match)`, `${awards}?q=${encodeURIComponent(familyName)}`],
      ['award list: filtered by state (revoked)', `${awards}?state=revoked`],
      [
        'award list: page 41 (followed "Older" 40 times)',
        await followLink(awards, ready.cookie, 'Older', 40),
      ],
    ];
    const trivial = await measurePage(`${ready.url}/livez`, ready.cookie);
    const out: BenchRow[] = [
      {
        name: `GET /livez (trivial route), ${dialect}: p50`,
        ours: trivial.p50,
        unit: 'ms',
        note: `p99 ${trivial.p99.toFixed(2)} ms, ${trivial.n} sequential requests; setup ${ready.setupSeconds.toFixed(0)} s`,
      },
    ];
    for (const [name, url] of targets) {
      const m = await measurePage(url, ready.cookie);
      out.push({
        name: `${name}, ${dialect}: p50`,
        ours: m.p50,
        baseline: trivial.p50,
        baselineName: '/livez p50',
        unit: 'ms',
        note: `p99 ${m.p99.toFixed(1)} ms, ${m.n} sequential requests, ${(m.bytes / 1024).toFixed(0)} KiB; target p50 < ${TARGET_P50_MS} ms`,
      });
    }
    return out;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function benchOnPostgres(): Promise<BenchRow[]> {
  const { startCluster } = await import('../test/pg-cluster.ts');
  const cluster = await startCluster();
  try {
    return await benchOn('postgres', cluster.url);
  } finally {
    cluster.stop();
  }
}

export async function benchSignedInPages(dialects: Dialect[] = ['pglite', 'postgres']): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const d of dialects) out.push(...(d === 'pglite' ? await benchOn('pglite') : await benchOnPostgres()));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args[0] === '--serve') {
    await serve(args[1]);
  } else {
    const wanted = args.filter((a): a is Dialect => a === 'pglite' || a === 'postgres');
    for (const r of await benchSignedInPages(wanted.length ? wanted : undefined))
      console.log(
        `${r.name}: ${r.ours.toFixed(2)} ${r.unit}${r.baseline ? ` (${(r.ours / r.baseline).toFixed(1)}x ${r.baselineName})` : ''} — ${r.note}`,
      );
  }
}
