/**
 * A throwaway PostgreSQL cluster for the test run: initdb into a temp dir, listen on
 * 127.0.0.1 at a free port, fsync off. As root, initdb refuses to run, so the cluster
 * belongs to the `postgres` system user.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { promisify } from 'node:util';

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export interface Cluster {
  url: string;
  /** Stops the server and deletes the cluster. */
  stop(): void;
  /*
   * For outage tests; asynchronous, so the test process keeps serving its own load meanwhile.
   * shutdown() stops the server only (pg_ctl stop -m mode); start() brings it back with its data;
   * restart() cuts every connection and resolves once the server accepts them again.
   */
  shutdown(mode?: ShutdownMode): Promise<void>;
  start(): Promise<void>;
  restart(mode?: ShutdownMode): Promise<void>;
}

const execFileAsync = promisify(execFile);

function findBin(name: string): string {
  const found = spawnSync('sh', [
    '-c',
    `command -v ${name} || ls /usr/lib/postgresql/*/bin/${name} 2>/dev/null | tail -1`,
  ]);
  const path = found.stdout.toString().trim().split('\n')[0];
  if (!path) throw new Error(`${name} not found: install PostgreSQL (apt-get install -y postgresql)`);
  return path;
}

export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe' })
      : execFileSync(bin, args, { stdio: 'pipe' });
  run(findBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const pgCtlArgs = ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w'];
  run(findBin('pg_ctl'), [...pgCtlArgs, 'start']);
  const pgCtl = async (...args: string[]) => {
    const bin = findBin('pg_ctl');
    const argv = [...pgCtlArgs, ...args];
    await (asRoot
      ? execFileAsync('runuser', ['-u', 'postgres', '--', bin, ...argv])
      : execFileAsync(bin, argv));
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    shutdown: (mode = 'fast') => pgCtl('-m', mode, 'stop'),
    start: () => pgCtl('start'),
    restart: (mode = 'fast') => pgCtl('-m', mode, 'restart'),
    stop() {
      try {
        run(findBin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
