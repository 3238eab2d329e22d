/**
 * Every core: the public badge page `/c/:id` under load (autocannon, 50 connections) from
 * `laurel serve` on PostgreSQL with one server process and with two (WEB_CONCURRENCY=2) sharing
 * the port, measured in turns in the same run; one process is the baseline. The
 * servers run as in production (the real bin, request logging on, the worker off so only HTTP
 * is measured), on a throwaway PostgreSQL cluster with one public badge.
 *
 *   node --conditions=laurel-source --import tsx bench/processes.bench.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import { freePort } from '../test/ports.ts';
import { BENCH_SECRET, publicBadge } from './support.ts';

const CONNECTIONS = 50;
const SECONDS = 5;
const ROUNDS = 3;
const BIN = fileURLToPath(new URL('../bin/laurel.js', import.meta.url));

/** One public badge (issued, accepted, public) on the database at `url`; returns its id. */
async function prepareBadge(url: string, publicUrl: string): Promise<string> {
  const { loadConfig } = await import('../src/config.ts');
  const { openPostgres } = await import('../src/db/index.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { createAppContext } = await import('../src/features.ts');
  const handle = await openPostgres(url);
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-processes-'));
  const ctx = createAppContext(
    handle.db,
    loadConfig({
      DATABASE_URL: url,
      DATA_DIR: dir,
      PUBLIC_URL: publicUrl,
      LAUREL_SECRET: BENCH_SECRET,
    }),
  );
  try {
    await migrate(handle);
    return await publicBadge(ctx);
  } finally {
    await ctx.runtime.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `laurel serve` with `processes` server processes, its log in `logFile`; resolves once each has started. */
async function serve(url: string, port: number, processes: number, logFile: string): Promise<ChildProcess> {
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [BIN, 'serve'], {
    stdio: ['ignore', log, 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LAUREL_SECRET: BENCH_SECRET,
      LAUREL_WORKER: 'off',
      WEB_CONCURRENCY: String(processes),
    },
  });
  closeSync(log);
  while (readFileSync(logFile, 'utf8').split('Laurel is running').length <= processes) {
    if (child.exitCode !== null) throw new Error(`laurel serve exited early (${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}

async function load(url: string) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return { rps: r.requests.average, p99: r.latency.p99, bad: r.errors + r.timeouts + r.non2xx };
}

export async function benchProcesses(): Promise<BenchRow[]> {
  const { startCluster } = await import('../test/pg-cluster.ts');
  const cluster = await startCluster();
  const logs = mkdtempSync(join(tmpdir(), 'laurel-bench-logs-'));
  const servers: ChildProcess[] = [];
  try {
    // Both run at once, one idle while the other is measured, in turns: the machine's other load
    // (this is a shared 2-core machine) weighs on both alike.
    const pages: Record<number, string> = {};
    for (const processes of [1, 2]) {
      const port = await freePort();
      const awardId = await prepareBadge(cluster.url, `http://127.0.0.1:${port}`);
      servers.push(await serve(cluster.url, port, processes, join(logs, `serve-${processes}.log`)));
      pages[processes] = `http://127.0.0.1:${port}/c/${awardId}`;
      // Warm up every process (round robin hands each its share of the connections).
      await load(pages[processes]!);
    }
    const runs: Record<number, Awaited<ReturnType<typeof load>>[]> = { 1: [], 2: [] };
    for (let round = 0; round < ROUNDS; round++)
      for (const processes of [1, 2]) runs[processes]!.push(await load(pages[processes]!));
    const median = (processes: number) =>
      runs[processes]!.toSorted((x, y) => x.rps - y.rps)[Math.floor(ROUNDS / 2)]!;
    const [one, two] = [median(1), median(2)];
    const note = (m: typeof one) =>
      `median of ${ROUNDS} runs taken in turns, p99 ${m.p99} ms, ${CONNECTIONS} connections, ${SECONDS} s${m.bad ? `, ${m.bad} errors or non-2xx` : ''}; ${availableParallelism()} cores shared with PostgreSQL and autocannon`;
    return [
      { name: 'GET /c/:id, 1 server process (PostgreSQL)', ours: one.rps, unit: 'req/s', note: note(one) },
      {
        name: 'GET /c/:id, 2 server processes (WEB_CONCURRENCY=2)',
        ours: two.rps,
        baseline: one.rps,
        baselineName: '1 process',
        unit: 'req/s',
        note: note(two),
      },
    ];
  } finally {
    for (const child of servers) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    rmSync(logs, { recursive: true, force: true });
    cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchProcesses())
    console.log(
      `${r.name}: ${Math.round(r.ours)} ${r.unit}${r.baseline ? ` (${(r.ours / r.baseline).toFixed(2)}x ${r.baselineName})` : ''} — ${r.note}`,
    );
}
