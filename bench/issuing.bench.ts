/**
 * Issuing at scale: a 10,000-row CSV issued end to end (parse, sign both ways, store, queue
 * the award emails) on PGlite (on disk, in a temp dir) and on PostgreSQL (a throwaway
 * cluster), and the latency of issuing one badge through the API. Each run happens in a
 * child process so its peak RSS is its own.
 *
 *   node --conditions=laurel-source --import tsx bench/issuing.bench.ts            (all rows)
 *   node --conditions=laurel-source --import tsx bench/issuing.bench.ts --child pglite 10000
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import { createAppContext } from '../src/features.ts';

const ROWS = 10_000;
const API_REQUESTS = 200;

interface ChildResult {
  dialect: string;
  rows: number;
  seconds: number;
  parseSeconds: number;
  peakRssMb: number;
  /** RSS before the run: the process with its database open (PGlite holds its WASM heap in it). */
  startRssMb: number;
  issued: number;
  emails: number;
  apiP50Ms: number;
  apiP99Ms: number;
}

function recipientsCsv(n: number): Buffer {
  const lines = ['name,email,issued_on,evidence_url,narrative'];
  for (let i = 0; i < n; i++)
    lines.push(
      `Recipient ${i},recipient${i}@example.org,2026-01-15,https://example.org/work/${i},"Completed module ${i}, with distinction"`,
    );
  return Buffer.from(lines.join('\r\n'));
}

/** The measured run, inside the child process. */
async function child(dialect: 'pglite' | 'postgres', rows: number, target: string): Promise<ChildResult> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const { testConfig } = await import('../src/config.ts');
  const { openPglite, openPostgres } = await import('../src/db/index.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { makeOrg } = await import('../src/orgs/testing.ts');
  const { makeTemplate } = await import('../src/templates/testing.ts');
  const { createBatch, confirmBatch, runBulkStep, getBatch } = await import('../src/issuing/bulk/service.ts');
  const { buildServer } = await import('../src/http/server.ts');
  const { createApiKey } = await import('../src/apikeys/service.ts');
  const { sql } = await import('kysely');

  // The PGlite data directory was created by an earlier process (prepare), as a server opens
  // its existing database: initdb alone grows the WASM heap by ~500 MB, once in a lifetime.
  const handle = dialect === 'pglite' ? await openPglite(target) : await openPostgres(target);
  try {
    await migrate(handle);
    const config = testConfig({ dataDir: dialect === 'pglite' ? target : tmpdir() });
    const ctx = createAppContext(handle.db, config);
    const org = await makeOrg(ctx.db, { config });
    const template = await makeTemplate(ctx, org);
    const csv = recipientsCsv(rows);
    peak = process.memoryUsage().rss;
    const startRssMb = peak / 2 ** 20;

    const t0 = performance.now();
    const batchId = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'bench.csv',
      data: csv,
      createdBy: null,
    });
    const parseSeconds = (performance.now() - t0) / 1000;
    await confirmBatch(ctx, org.id, batchId);
    // The job's steps run back to back here (a worker would interleave the email jobs).
    for (let step = 0; ; step++) {
      await runBulkStep(ctx, { batchId, step });
      if ((await getBatch(ctx.db, org.id, batchId)).status === 'done') break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const batch = await getBatch(ctx.db, org.id, batchId);
    const { rows: counted } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM emails WHERE dedupe_key LIKE 'award:%'`.execute(ctx.db);
    const peakRssMb = Math.max(peak, process.memoryUsage().rss) / 2 ** 20;

    // One badge through the API, as an LMS would call it.
    const app = await buildServer(ctx);
    const { key } = await createApiKey(ctx.db, { orgId: org.id, name: 'bench', scopes: ['awards:issue'] });
    const latencies: number[] = [];
    for (let i = 0; i < API_REQUESTS + 10; i++) {
      const start = performance.now();
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
      if (i >= 10) latencies.push(performance.now() - start);
    }
    await app.close();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    return {
      dialect,
      rows,
      seconds,
      parseSeconds,
      peakRssMb,
      startRssMb,
      issued: batch.issued,
      emails: counted[0]!.n,
      apiP50Ms: pct(50),
      apiP99Ms: pct(99),
    };
  } finally {
    clearInterval(sampler);
    await handle.close();
  }
}

/** Creates and migrates a PGlite data directory, in its own process. */
async function prepare(dir: string): Promise<void> {
  const { openPglite } = await import('../src/db/index.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const handle = await openPglite(dir);
  await migrate(handle);
  await handle.close();
}

function runChild(args: string[]): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, self, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
      else
        reject(new Error(`issuing bench child (${args.join(' ')}) exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

function rowsFor(r: ChildResult): BenchRow[] {
  const complete =
    r.issued === r.rows && r.emails >= r.rows ? '' : ` INCOMPLETE: ${r.issued} issued, ${r.emails} emails`;
  return [
    {
      name: `bulk CSV ${r.rows.toLocaleString('en-US')} rows, ${r.dialect}: wall time`,
      ours: r.seconds,
      baseline: 30,
      baselineName: 'target',
      unit: 's',
      note: `parse + preview ${r.parseSeconds.toFixed(2)} s; sign (DI + JWT), store, queue emails${complete}`,
    },
    { name: `bulk CSV, ${r.dialect}: throughput`, ours: r.rows / r.seconds, unit: 'rows/s' },
    {
      name: `bulk CSV, ${r.dialect}: peak RSS`,
      ours: r.peakRssMb,
      baseline: 500,
      baselineName: 'target',
      unit: 'MB',
      note: `${r.startRssMb.toFixed(0)} MB before the run (process + open database); the run added ${(r.peakRssMb - r.startRssMb).toFixed(0)} MB`,
    },
    {
      name: `API issue one badge, ${r.dialect}: p50`,
      ours: r.apiP50Ms,
      unit: 'ms',
      note: `${API_REQUESTS} requests, app.inject`,
    },
    { name: `API issue one badge, ${r.dialect}: p99`, ours: r.apiP99Ms, unit: 'ms' },
  ];
}

export async function benchIssuing(rows = ROWS): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-'));
  try {
    await runChild(['--prepare', dir]);
    out.push(...rowsFor(await runChild(['--child', 'pglite', String(rows), dir])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { startCluster } = await import('../test/pg-cluster.ts');
  const cluster = await startCluster();
  try {
    out.push(...rowsFor(await runChild(['--child', 'postgres', String(rows), cluster.url])));
  } finally {
    cluster.stop();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args[0] === '--prepare') {
    await prepare(args[1]!);
    process.stdout.write('{}\n');
    process.exit(0);
  } else if (args[0] === '--child') {
    const result = await child(args[1] as 'pglite' | 'postgres', Number(args[2] ?? ROWS), args[3]!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  } else {
    const rows = await benchIssuing(Number(args[0] ?? ROWS));
    for (const r of rows)
      console.log(
        `${r.name}: ${r.ours.toFixed(2)} ${r.unit ?? 'ops/s'}${r.baseline ? ` (target ${r.baseline})` : ''}${r.note ? ` — ${r.note}` : ''}`,
      );
  }
}
