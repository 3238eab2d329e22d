/*
 * Reliability figure: PostgreSQL restarted under load. Laurel runs as a real `laurel serve`
 * process against a throwaway cluster of its own while a few loops keep requesting /healthz and
 * two database-backed pages; the cluster is restarted (-m immediate), then stopped (-m fast) for
 * a few seconds and started again. The process must survive, answer 503 (never hang, never 500)
 * while the database is away, come back to 200 by itself, and its worker must run a job enqueued
 * afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '../../test/pg-cluster.ts';
import { testConfig } from '../config.ts';
import { enqueueJob, enqueueJobs } from '../jobs/queue.ts';
import { createOrg } from '../orgs/service.ts';
import { type DatabaseHandle, openPostgres } from './index.ts';
import { migrate } from './migrate.ts';
import { freePort } from '../../test/ports.ts';

const BIN = fileURLToPath(new URL('../../bin/laurel.js', import.meta.url));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Target = 'healthz' | 'page' | 'json';
type Outcome = 'ok' | 'unavailable' | string;
interface Sample {
  target: Target;
  start: number;
  end: number;
  outcome: Outcome;
}

const REQUESTS: Record<Target, { path: string; accept: string }> = {
  healthz: { path: '/healthz', accept: 'application/json' },
  page: { path: '/orgs/society', accept: 'text/html' },
  json: { path: '/orgs/society/profile.json', accept: 'application/json' },
};

/** 'ok', 'unavailable' for a well-formed 503 of its kind, else what went wrong. */
async function classify(target: Target, res: Response): Promise<Outcome> {
  const body = await res.text();
  if (res.status === 200) return 'ok';
  if (res.status !== 503) return `HTTP ${res.status}: ${body.slice(0, 200)}`;
  if (target === 'healthz') {
    return body === JSON.stringify({ ok: false, database: 'down' })
      ? 'unavailable'
      : `bad health body ${body}`;
  }
  if (!res.headers.get('retry-after')) return '503 without Retry-After';
  if (target === 'json') {
    const p = JSON.parse(body);
    const good =
      res.headers.get('content-type')?.startsWith('application/problem+json') &&
      p.status === 503 &&
      p.code === 'DATABASE_UNAVAILABLE' &&
      p.type === 'urn:laurel:problem:database_unavailable' &&
      /database/i.test(p.detail);
    return good ? 'unavailable' : `bad problem ${body.slice(0, 200)}`;
  }
  return /database/i.test(body) ? 'unavailable' : `bad error page ${body.slice(0, 200)}`;
}

/** Loops of requests until stopped; every sample is kept with its time. */
function startLoad(base: string, loops: number) {
  const samples: Sample[] = [];
  let stopped = false;
  const targets = Object.keys(REQUESTS) as Target[];
  const loop = async (n: number) => {
    for (let i = n; !stopped; i++) {
      const target = targets[i % targets.length] as Target;
      const { path, accept } = REQUESTS[target];
      const start = Date.now();
      let outcome: Outcome;
      try {
        const res = await fetch(base + path, { headers: { accept }, signal: AbortSignal.timeout(5000) });
        outcome = await classify(target, res);
      } catch (e) {
        outcome = `error: ${(e as Error).message}`;
      }
      samples.push({ target, start, end: Date.now(), outcome });
      await sleep(10);
    }
  };
  const running = Array.from({ length: loops }, (_, n) => loop(n));
  return {
    samples,
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}

async function waitForHealthy(base: string, child: ChildProcess, log: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`laurel exited: ${log()}`);
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs} ms: ${log()}`);
    await sleep(100);
  }
}

/** How long requests of a phase were answered with anything but 200: first failure to last. */
function downtime(samples: Sample[]): number {
  const bad = samples.filter((s) => s.outcome !== 'ok');
  if (bad.length === 0) return 0;
  return Math.max(...bad.map((s) => s.end)) - Math.min(...bad.map((s) => s.start));
}

const count = (samples: Sample[]) => ({
  ok: samples.filter((s) => s.outcome === 'ok').length,
  '503': samples.filter((s) => s.outcome === 'unavailable').length,
  errors: samples.filter((s) => s.outcome !== 'ok' && s.outcome !== 'unavailable').length,
});

describe('PostgreSQL restarted under load', () => {
  let cluster: Cluster;
  let handle: DatabaseHandle;
  let child: ChildProcess;
  let base: string;
  let log = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-restart-'));

  beforeAll(async () => {
    cluster = await startCluster();
    handle = await openPostgres(cluster.url, 2);
    await migrate(handle);
    await createOrg(handle.db, testConfig(), { slug: 'society', name: 'Restart Society' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: cluster.url,
        DATA_DIR: dataDir,
        LAUREL_SECRET: 'ab'.repeat(32),
        PORT: String(port),
        HOST: '127.0.0.1',
        SMTP_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => (log += d));
    child.stderr?.on('data', (d) => (log += d));
    await waitForHealthy(base, child, () => log);
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await handle?.close().catch(() => {});
    cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives, answers 503 while the database is away and resumes by itself', async () => {
    const load = startLoad(base, 10);
    const phase = async (work: () => Promise<void>) => {
      const from = load.samples.length;
      await work();
      return load.samples.slice(from);
    };

    // Work for the worker while the database goes away: these must end done, retried if need be.
    const queued = Array.from({ length: 400 }, (_, i) => ({
      kind: 'maintenance.cleanup',
      payload: {},
      dedupeKey: `during-restart-${i}`,
    }));
    await enqueueJobs(handle.db, queued);
    const before = await phase(() => sleep(1500));
    const restart = await phase(async () => {
      await cluster.restart('immediate');
      await waitForHealthy(base, child, () => log);
      await sleep(500);
    });
    let stoppedFor = 0;
    const outage = await phase(async () => {
      await cluster.shutdown('fast');
      const down = Date.now();
      await sleep(3000);
      await cluster.start();
      stoppedFor = Date.now() - down;
      await waitForHealthy(base, child, () => log);
    });
    const after = await phase(() => sleep(1500));
    await load.stop();

    const all = load.samples;
    console.log('PostgreSQL restart under load:', {
      requests: count(all),
      before: count(before),
      restartImmediate: { ...count(restart), downtimeSeenMs: downtime(restart) },
      stoppedFast: { ...count(outage), stoppedForMs: stoppedFor, downtimeSeenMs: downtime(outage) },
      after: count(after),
      slowestMs: Math.max(...all.map((s) => s.end - s.start)),
    });

    expect(child.exitCode).toBe(null);
    expect(child.signalCode).toBe(null);
    // Nothing but 200 or a proper 503: no 500, no hang, no dropped connection.
    expect(
      all.filter((s) => s.outcome !== 'ok' && s.outcome !== 'unavailable').map((s) => s.outcome),
    ).toEqual([]);
    expect(before.every((s) => s.outcome === 'ok')).toBe(true);
    expect(after.every((s) => s.outcome === 'ok')).toBe(true);
    // While the server was stopped, every kind of request saw it, /healthz included.
    for (const target of Object.keys(REQUESTS) as Target[]) {
      expect(outage.some((s) => s.target === target && s.outcome === 'unavailable')).toBe(true);
    }

    // The worker lived through it too: a job enqueued now runs.
    await enqueueJob(handle.db, { kind: 'maintenance.cleanup', payload: {}, dedupeKey: 'after-restart' });
    const deadline = Date.now() + 20_000;
    let job: { doneAt: Date | null; lastError: string | null } | undefined;
    while (Date.now() < deadline) {
      job = await handle.db
        .selectFrom('jobs')
        .select(['doneAt', 'lastError'])
        .where('dedupeKey', '=', 'after-restart')
        .executeTakeFirst();
      if (job?.doneAt) break;
      await sleep(200);
    }
    console.log('job enqueued after the restart:', job);
    expect(job?.doneAt).toBeInstanceOf(Date);
    // Jobs cut off mid-run wait for their lease (minutes); at most one per worker slot per outage.
    const inFlightAtMost = 2 * 2;
    const progress = () =>
      handle.db
        .selectFrom('jobs')
        .select((eb) => [
          eb.fn.countAll<number>().as('total'),
          eb.fn.count<number>('doneAt').as('done'),
          eb.fn.max<number>('attempts').as('mostAttempts'),
        ])
        .where('dedupeKey', 'like', 'during-restart-%')
        .executeTakeFirstOrThrow();
    let jobs = await progress();
    while (jobs.done < queued.length - inFlightAtMost && Date.now() < deadline + 20_000) {
      await sleep(500);
      jobs = await progress();
    }
    console.log('jobs queued across the outages:', jobs);
    expect(jobs.total).toBe(queued.length);
    expect(jobs.done).toBeGreaterThanOrEqual(queued.length - inFlightAtMost);
    expect(child.exitCode).toBe(null);
  });
});
