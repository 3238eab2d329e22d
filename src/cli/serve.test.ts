import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../db/index.ts';
import { freePort } from '../../test/ports.ts';
import { LAUREL_BIN, runLaurel, tempDir } from './testing.ts';

describe('laurel serve, migrate and admin', () => {
  const dir = tempDir('laurel-serve-cli-');
  const env = {
    ...process.env,
    DATA_DIR: dir,
    LAUREL_SECRET: 'cd'.repeat(32),
    DATABASE_URL: '',
    SMTP_URL: '',
  };

  const laurel = (args: string[], stdin?: string) => runLaurel(args, { env, stdin });

  it('migrates once, then reports the database up to date', async () => {
    const first = await laurel(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('0007_jobs_outbox');
    const again = await laurel(['migrate']);
    expect(again).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
  });

  it('creates a platform admin, promotes an existing account, and refuses a weak password', async () => {
    const made = await laurel([
      'admin',
      'create',
      '--email',
      'Root@Example.org',
      '--password',
      'root password 1',
    ]);
    expect(made).toMatchObject({ code: 0, stdout: 'Created the platform administrator root@example.org.\n' });
    const again = await laurel(
      ['admin', 'create', '--email', 'root@example.org', '--password', '-'],
      'new root password\n',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is now a platform administrator');
    expect(again.stdout + again.stderr).not.toContain('new root password');
    const weak = await laurel(['admin', 'create', '--email', 'x@example.org', '--password', 'short']);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('at least 10 characters');
    expect((await laurel(['admin', 'make'])).code).toBe(2);
    const handle = await openPglite(dir);
    try {
      const users = await handle.db.selectFrom('users').select(['isAdmin']).execute();
      expect(users).toEqual([{ isAdmin: true }]);
    } finally {
      await handle.close();
    }
  });

  /** Starts `laurel serve` (the supervisor) on a free port; `out.log` collects both streams. */
  const serve = async (port?: number) => {
    port ??= await freePort();
    const proc: ChildProcess = spawn(process.execPath, [LAUREL_BIN, 'serve'], {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { log: '' };
    proc.stdout?.on('data', (d) => (out.log += d));
    proc.stderr?.on('data', (d) => (out.log += d));
    const exited = once(proc, 'exit');
    const health = async (): Promise<Response> => {
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`serve exited early: ${out.log}`);
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (res) return res;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    return { proc, out, exited, health };
  };
  /** The pid of the server child the supervisor started last, from its log line. */
  const serverPid = (log: string) =>
    Number([...log.matchAll(/started the Laurel server \(pid (\d+)\)/g)].at(-1)?.[1]);

  it('serves until SIGTERM, then exits 0', async () => {
    const s = await serve();
    try {
      const health = await s.health();
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true });
      expect(s.out.log).toContain('Laurel is running at http://localhost');
    } finally {
      s.proc.kill('SIGTERM');
    }
    const [code] = (await s.exited) as [number | null];
    expect(code).toBe(0);
    expect(s.out.log).toContain('SIGTERM: stopping the Laurel server');
  });

  it('restarts the server after kill -9, says so in the log, and answers /healthz again', async () => {
    const s = await serve();
    try {
      expect((await s.health()).status).toBe(200);
      const first = serverPid(s.out.log);
      expect(first).toBeGreaterThan(0);
      process.kill(first, 'SIGKILL');
      // Wait until the supervisor has started the next server and that one says it is running.
      const restarted = () => s.out.log.split('Laurel is running at').length === 3;
      while (!restarted()) {
        if (s.proc.exitCode !== null) throw new Error(`the supervisor exited: ${s.out.log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(s.out.log).toContain(
        `the Laurel server (pid ${first}) was killed by SIGKILL; restarting it in 1 s`,
      );
      expect(serverPid(s.out.log)).not.toBe(first);
      const health = await s.health();
      expect(health.status).toBe(200);
    } finally {
      s.proc.kill('SIGTERM');
    }
    const [code] = (await s.exited) as [number | null];
    expect(code, s.out.log).toBe(0);
  });

  it('does not restart a server that fails to start, and exits with its code', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const s = await serve((taken.address() as AddressInfo).port);
      const [code] = (await s.exited) as [number | null];
      expect(code).toBe(1);
      expect(s.out.log).toMatch(/exited with code 1 before it started; not restarting/);
      expect(s.out.log.match(/started the Laurel server/g)).toHaveLength(1);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('a server whose supervisor is killed stops too, rather than hold the port and data alone', async () => {
    const s = await serve();
    expect((await s.health()).status).toBe(200);
    const server = serverPid(s.out.log);
    s.proc.kill('SIGKILL');
    await s.exited;
    const alive = () => {
      try {
        process.kill(server, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 20_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
  });
});
