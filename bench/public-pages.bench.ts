/**
 * Public badge pages under load, against bare Fastify measured in the same run: each server runs
 * in its own child process (the platform on PGlite in a temp dir, logging JSON to a file as
 * `laurel serve` does when its output is redirected), with a badge issued, accepted and made
 * public; autocannon at 50 connections then loads bare Fastify's "hello" route (the baseline),
 * `/livez`, `/healthz`, the badge page `/c/:id` (with its verification panel) and its credential
 * `/c/:id.json`. Targets: /healthz ≥ 0.7x, /c/:id ≥ 0.5x, /c/:id.json ≥ 0.6x, p99 under 20 ms.
 *
 *   node --conditions=laurel-source --import tsx bench/public-pages.bench.ts
 *   node --conditions=laurel-source --import tsx bench/public-pages.bench.ts --serve | --bare   (the children)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import { createAppContext } from '../src/features.ts';
import { freePort } from '../test/ports.ts';
import { benchConfig, publicBadge } from './support.ts';

const CONNECTIONS = 50;
const SECONDS = 5;

interface Ready {
  url: string;
  awardId?: string;
}

/** The platform child: start it as `laurel serve` does, prepare one public badge, serve until killed. */
async function serve(): Promise<void> {
  const { startPlatform } = await import('../src/http/start.ts');
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-public-'));
  const config = await benchConfig(await freePort(), dir);
  const running = await startPlatform(config, { logger: true });
  const awardId = await publicBadge(createAppContext(running.handle.db, config));
  process.send?.({ url: running.url, awardId } satisfies Ready);
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The baseline child: Fastify with one route and nothing else. */
async function bare(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  process.send?.({ url: `http://127.0.0.1:${port}` } satisfies Ready);
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
}

/** Starts this script as a child in `mode`, its standard output (the server's log) into `logFile`. */
async function startChild(
  mode: '--serve' | '--bare',
  logFile: string,
): Promise<{ child: ChildProcess; ready: Ready }> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, mode], {
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`the ${mode} child exited early (${code})`)));
  });
  return { child, ready };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

interface Measured {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, seconds = SECONDS): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function benchPublicPages(): Promise<BenchRow[]> {
  const logs = mkdtempSync(join(tmpdir(), 'laurel-bench-logs-'));
  const baseline = await startChild('--bare', join(logs, 'bare.log'));
  let platform: { child: ChildProcess; ready: Ready } | undefined;
  try {
    platform = await startChild('--serve', join(logs, 'laurel.log'));
    const base = platform.ready.url;
    const page = `${base}/c/${platform.ready.awardId}`;
    // Warm up: the first page view verifies the credential and fills the caches.
    for (const u of [`${base}/healthz`, page, `${page}.json`]) {
      const res = await fetch(u);
      if (res.status !== 200) throw new Error(`${u} answered ${res.status}`);
      await res.arrayBuffer();
    }
    for (const u of [baseline.ready.url, `${base}/livez`, `${base}/healthz`, page, `${page}.json`])
      await load(u, 1);
    // The baseline is loaded before and after the others, so a machine getting busier or quieter
    // during the run moves both sides of each ratio alike.
    const bareBefore = await load(baseline.ready.url);
    const measured = {
      livez: await load(`${base}/livez`),
      healthz: await load(`${base}/healthz`),
      badge: await load(page),
      json: await load(`${page}.json`),
    };
    const bareAfter = await load(baseline.ready.url);
    const bareRps = (bareBefore.rps + bareAfter.rps) / 2;
    const note = (m: Measured, target?: number) =>
      `p99 ${m.p99} ms${target ? `; target ≥ ${target}x, p99 < 20 ms` : ''}${m.errors || m.non2xx ? `; ${m.errors} errors, ${m.non2xx} non-2xx` : ''}`;
    const row = (name: string, m: Measured, target?: number): BenchRow => ({
      name,
      ours: m.rps,
      baseline: bareRps,
      baselineName: 'bare Fastify',
      unit: 'req/s',
      note: note(m, target),
    });
    return [
      {
        name: 'bare Fastify "hello" (baseline)',
        ours: bareRps,
        unit: 'req/s',
        note: `p99 ${Math.max(bareBefore.p99, bareAfter.p99)} ms; ${CONNECTIONS} connections, ${SECONDS} s each`,
      },
      row('GET /livez', measured.livez),
      row('GET /healthz', measured.healthz, 0.7),
      row('GET /c/:id (public badge page)', measured.badge, 0.5),
      row('GET /c/:id.json (credential)', measured.json, 0.6),
    ];
  } finally {
    await stopChild(baseline.child);
    if (platform) await stopChild(platform.child);
    rmSync(logs, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--serve')) await serve();
  else if (process.argv.includes('--bare')) await bare();
  else {
    // bench/run.ts runs every suite on import, so the standalone runner prints its own lines.
    for (const r of await benchPublicPages())
      console.log(
        `${r.name}: ${Math.round(r.ours)} ${r.unit}${r.baseline ? ` (${(r.ours / r.baseline).toFixed(2)}x ${r.baselineName})` : ''} — ${r.note}`,
      );
  }
}
