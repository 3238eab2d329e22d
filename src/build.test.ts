// The production path: `npm start` builds dist/ when it is stale and bin/laurel.js runs it, with
// the supervisor's server child on compiled code too.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/ports.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The environment of a production start: without the source condition vitest puts in NODE_OPTIONS. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const nodeOptions = (process.env.NODE_OPTIONS ?? '').replace(/--conditions[= ]laurel-source/g, '').trim();
  return { ...process.env, NODE_OPTIONS: nodeOptions, DATABASE_URL: '', SMTP_URL: '', ...extra };
}

/** The command line of a process (Linux /proc). */
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

describe('the compiled server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-compiled-'));
  let proc: ChildProcess | undefined;
  let log = '';

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT });
  });
  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from dist/ on PGlite and answers /healthz', async () => {
    const port = await freePort();
    proc = spawn(process.execPath, ['bin/laurel.js', 'serve'], {
      cwd: ROOT,
      env: productionEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d) => (log += d));
    proc.stderr?.on('data', (d) => (log += d));
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`laurel serve exited: ${log}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const server = Number(log.match(/started the Laurel server \(pid (\d+)\)/)?.[1]);
    expect(commandLine(server)).toContain(join(ROOT, 'dist/bin/laurel.js'));
    // Assets and migrations are read from dist/ at run time.
    expect((await fetch(`http://127.0.0.1:${port}/assets/app.css`)).status).toBe(200);
  });
});
