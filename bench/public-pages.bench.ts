/**
 * Public badge pages under load: the real server (PGlite in a temp dir) in a child process, a
 * badge issued, accepted and made public, then autocannon at 50 connections on a trivial route
 * (`/healthz`, the baseline), the badge page `/c/:id` and its credential `/c/:id.json`.
 * The target: the badge page at half the trivial route's rate or better.
 *
 *   node --conditions=laurel-source --import tsx bench/public-pages.bench.ts
 *   node --conditions=laurel-source --import tsx bench/public-pages.bench.ts --serve   (the child: prints its URL and award id)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import { createAppContext } from '../src/features.ts';

const CONNECTIONS = 50;
const SECONDS = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The child: start the platform, prepare one public badge, report where it is, serve until killed. */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config.ts');
  const { startPlatform } = await import('../src/http/start.ts');
  const { issueTestAward } = await import('../src/issuing/testing.ts');
  const { makeUser } = await import('../src/accounts/testing.ts');
  const { acceptClaim } = await import('../src/claims/service.ts');
  const { setVisibility } = await import('../src/wallet/service.ts');
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-public-'));
  const port = await freePort();
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LAUREL_WORKER: 'off',
    LAUREL_SECRET: '11'.repeat(32),
  });
  const running = await startPlatform(config);
  const ctx = createAppContext(running.handle.db, config);
  const user = await makeUser(ctx.db, { email: 'bench@example.org' });
  const { claimToken, award } = await issueTestAward(ctx, { recipientEmail: 'bench@example.org' });
  const item = await acceptClaim(ctx, claimToken, user.id);
  await setVisibility(ctx.db, user.id, item.id, 'public');
  process.stdout.write(`${JSON.stringify({ url: running.url, awardId: award.id })}\n`);
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

interface Measured {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function benchPublicPages(): Promise<BenchRow[]> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  try {
    const ready = await new Promise<{ url: string; awardId: string }>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const line = buffered.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`the server exited early (${code})`)));
    });
    const page = `${ready.url}/c/${ready.awardId}`;
    // Warm up: the first page view verifies the credential and fills the caches.
    for (const u of [`${ready.url}/healthz`, page, `${page}.json`]) {
      const res = await fetch(u);
      if (res.status !== 200) throw new Error(`${u} answered ${res.status}`);
      await res.arrayBuffer();
    }
    await load(`${ready.url}/healthz`);
    const trivial = await load(`${ready.url}/healthz`);
    const badge = await load(page);
    const json = await load(`${page}.json`);
    const note = (m: Measured) =>
      `p99 ${m.p99} ms, ${CONNECTIONS} connections, ${SECONDS} s${m.errors || m.non2xx ? `, ${m.errors} errors, ${m.non2xx} non-2xx` : ''}`;
    return [
      { name: 'GET /healthz (trivial route)', ours: trivial.rps, unit: 'req/s', note: note(trivial) },
      {
        name: 'GET /c/:id (public badge page)',
        ours: badge.rps,
        baseline: trivial.rps,
        baselineName: '/healthz',
        unit: 'req/s',
        note: `${note(badge)}; target ≥ 0.5x`,
      },
      {
        name: 'GET /c/:id.json (credential)',
        ours: json.rps,
        baseline: trivial.rps,
        baselineName: '/healthz',
        unit: 'req/s',
        note: note(json),
      },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--serve')) {
    await serve();
  } else {
    // bench/run.ts runs every suite on import, so the standalone runner prints its own lines.
    for (const r of await benchPublicPages())
      console.log(
        `${r.name}: ${Math.round(r.ours)} ${r.unit}${r.baseline ? ` (${(r.ours / r.baseline).toFixed(2)}x ${r.baselineName})` : ''} — ${r.note}`,
      );
  }
}
