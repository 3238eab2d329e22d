/**
 * Claim-code redemptions: 1,000 people in a row each redeem a code through POST /api/v1/redeem
 * (their session and CSRF token; rate limits, the code's row lock, signing, the status entry,
 * the wallet item and the email, all in one transaction), once with single-use codes of one
 * batch and once with one shared event code. The baseline, interleaved in the same run (one
 * call after every fifth redemption): issuing one badge through the issuing API with an API
 * key, the same signing and storing without a wallet. On PGlite (on disk, in a temp dir) and on
 * a throwaway PostgreSQL cluster.
 *
 *   node --conditions=laurel-source --import tsx bench/claim-codes.bench.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import type { DatabaseHandle } from '../src/db/index.ts';

const REDEMPTIONS = 1_000;
/** One API issue after every this many redemptions: 200 baseline calls spread over the run. */
const BASELINE_EVERY = 5;

interface Run {
  kind: 'single-use batch' | 'shared code';
  redeemMs: number[];
  apiMs: number[];
  seconds: number;
}

async function measure(handle: DatabaseHandle, dir: string): Promise<Run[]> {
  const { testConfig } = await import('../src/config.ts');
  const { createAppContext } = await import('../src/features.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { buildServer } = await import('../src/http/server.ts');
  const { makeOrg } = await import('../src/orgs/testing.ts');
  const { makeTemplate } = await import('../src/templates/testing.ts');
  const { createApiKey } = await import('../src/apikeys/service.ts');
  const { sessionFor } = await import('../src/accounts/testing.ts');
  const { createSharedCode, generateBatch } = await import('../src/claim-codes/service.ts');

  await migrate(handle);
  const config = testConfig({ dataDir: dir, checkResponses: false });
  const ctx = createAppContext(handle.db, config);
  const app = await buildServer(ctx);
  try {
    const org = await makeOrg(ctx.db, { config });
    const template = await makeTemplate(ctx, org, { name: 'Bench Attendee' });
    const { key } = await createApiKey(ctx.db, { orgId: org.id, name: 'bench', scopes: ['awards:issue'] });

    /** `n` verified accounts with a session each (rows written directly: no password hashing). */
    const people = async (n: number, tag: string) => {
      const users = await ctx.db
        .insertInto('users')
        .values(Array.from({ length: n }, (_, i) => ({ name: `Earner ${tag} ${i}` })))
        .returning(['id', 'name'])
        .execute();
      await ctx.db
        .insertInto('userEmails')
        .values(
          users.map((u, i) => ({
            userId: u.id,
            email: `earner-${tag}-${i}@example.org`,
            verifiedAt: new Date(),
            isPrimary: true,
          })),
        )
        .execute();
      return Promise.all(users.map((u) => sessionFor(ctx.db, config, u.id)));
    };

    let apiCalls = 0;
    const issueOne = async () => {
      const i = apiCalls++;
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org.slug}/awards`,
        headers: { authorization: `Bearer ${key}` },
        payload: {
          templateId: template.id,
          recipientName: `API ${i}`,
          recipientEmail: `api${i}@example.org`,
        },
      });
      if (res.statusCode !== 201) throw new Error(`API issue answered ${res.statusCode}: ${res.body}`);
    };

    const run = async (kind: Run['kind'], codes: string[]): Promise<Run> => {
      const sessions = await people(
        REDEMPTIONS,
        `${kind === 'shared code' ? 's' : 'b'}${randomBytes(3).toString('hex')}`,
      );
      const redeemMs: number[] = [];
      const apiMs: number[] = [];
      // Warm-up: a few of each, not counted.
      for (let i = 0; i < 3; i++) await issueOne();
      const t0 = performance.now();
      for (let i = 0; i < REDEMPTIONS; i++) {
        const s = sessions[i]!;
        const start = performance.now();
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/redeem',
          cookies: s.cookies,
          headers: { 'x-csrf-token': s.csrf },
          payload: { code: codes[i % codes.length]! },
        });
        if (res.statusCode !== 201) throw new Error(`redeem answered ${res.statusCode}: ${res.body}`);
        redeemMs.push(performance.now() - start);
        if (i % BASELINE_EVERY === BASELINE_EVERY - 1) {
          const a = performance.now();
          await issueOne();
          apiMs.push(performance.now() - a);
        }
      }
      const seconds = (performance.now() - t0 - apiMs.reduce((x, y) => x + y, 0)) / 1000;
      return { kind, redeemMs, apiMs, seconds };
    };

    const batch = await generateBatch(ctx.db, config, {
      orgId: org.id,
      templateId: template.id,
      count: REDEMPTIONS,
    });
    const shared = await createSharedCode(ctx.db, config, { orgId: org.id, templateId: template.id });
    return [await run('single-use batch', batch.codes), await run('shared code', shared.codes)];
  } finally {
    await app.close();
    await ctx.runtime.close();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function rows(dialect: string, runs: Run[]): BenchRow[] {
  return runs.flatMap((r) => [
    {
      name: `redeem a claim code (${r.kind}), ${dialect}: p50`,
      ours: pct(r.redeemMs, 50),
      baseline: pct(r.apiMs, 50),
      baselineName: 'issue one badge, API key',
      unit: 'ms',
      note: `${REDEMPTIONS.toLocaleString('en')} redemptions in a row by ${REDEMPTIONS.toLocaleString('en')} people, app.inject`,
    },
    {
      name: `redeem a claim code (${r.kind}), ${dialect}: mean`,
      ours: mean(r.redeemMs),
      baseline: mean(r.apiMs),
      baselineName: 'issue one badge, API key',
      unit: 'ms',
      note: `${(REDEMPTIONS / r.seconds).toFixed(0)} redemptions/s; p99 ${pct(r.redeemMs, 99).toFixed(1)} ms vs ${pct(r.apiMs, 99).toFixed(1)} ms`,
    },
  ]);
}

export async function benchClaimCodes(): Promise<BenchRow[]> {
  const { openPglite, openPostgres } = await import('../src/db/index.ts');
  const out: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-codes-'));
  try {
    const handle = await openPglite(dir);
    try {
      out.push(...rows('PGlite', await measure(handle, dir)));
    } finally {
      await handle.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { startCluster } = await import('../test/pg-cluster.ts');
  const cluster = await startCluster();
  try {
    const handle = await openPostgres(cluster.url);
    try {
      out.push(...rows('PostgreSQL', await measure(handle, tmpdir())));
    } finally {
      await handle.close();
    }
  } finally {
    cluster.stop();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchClaimCodes())
    console.log(
      `${r.name}: ${r.ours.toFixed(2)} ${r.unit} (baseline ${r.baseline?.toFixed(2)}) ${r.note ?? ''}`,
    );
}
