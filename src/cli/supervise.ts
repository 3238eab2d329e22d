// The supervising parent of `laurel serve`: it runs the server in a child process and starts a
// new one if the server ever dies (a native crash, an out-of-memory kill), with growing pauses,
// and gives up when it keeps dying at once. SIGINT and SIGTERM go to the server; when it has
// stopped, so does this process.
import { type ChildProcess, fork } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatLogEntry } from '../http/log-format.ts';

const BIN = fileURLToPath(new URL('../../bin/laurel.js', import.meta.url));
/** Set in the server child's environment: it serves instead of supervising. */
export const SUPERVISED_ENV = 'LAUREL_SUPERVISED';
/** The message the server child sends once it answers HTTP. */
export const READY_MESSAGE = 'laurel:ready';

/** Pauses before restarts, one per death in a row; past the last, the supervisor gives up. */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000];
/** A server that ran this long before dying is not crash-looping: the backoff starts over. */
const STABLE_MS = 60_000;

/** One line in the server's own log format (pino levels: 30 info, 40 warn, 50 error): readable in a terminal, JSON otherwise. */
function log(level: 30 | 40 | 50, msg: string, extra: Record<string, unknown> = {}): void {
  const line = {
    level,
    time: Date.now(),
    pid: process.pid,
    hostname: hostname(),
    name: 'supervisor',
    ...extra,
    msg,
  };
  const json = JSON.stringify(line);
  process.stdout.write(`${process.stdout.isTTY ? formatLogEntry(json) : json}\n`);
}

/** Runs `laurel serve` under supervision until told to stop; resolves to the exit code. */
export function supervise(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    let child: ChildProcess | undefined;
    let stopping = false;
    let deaths = 0;
    let restartTimer: NodeJS.Timeout | undefined;

    const start = () => {
      const startedAt = Date.now();
      let ready = false;
      const proc = fork(BIN, ['serve', ...args], {
        env: { ...process.env, [SUPERVISED_ENV]: '1' },
        execArgv: process.execArgv,
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
        // Its own process group, so that Ctrl-C in a terminal reaches the server once, through
        // this process, not twice (a second signal means "exit now").
        detached: true,
      });
      child = proc;
      log(30, `started the Laurel server (pid ${proc.pid})`, { child: proc.pid });
      proc.on('message', (m) => {
        if (m === READY_MESSAGE) ready = true;
      });
      proc.on('exit', (code, signal) => {
        child = undefined;
        if (stopping) {
          resolve(code ?? 0);
          return;
        }
        // Failing to start (bad configuration, the data directory taken) will not heal by itself.
        if (!ready) {
          log(50, `the Laurel server exited with code ${code ?? signal} before it started; not restarting`);
          resolve(code || 1);
          return;
        }
        if (Date.now() - startedAt >= STABLE_MS) deaths = 0;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        if (deaths >= BACKOFF_MS.length) {
          log(
            50,
            `the Laurel server (pid ${proc.pid}) ${how}; it died ${deaths + 1} times in a row, giving up`,
          );
          resolve(1);
          return;
        }
        const delay = BACKOFF_MS[deaths++];
        log(50, `the Laurel server (pid ${proc.pid}) ${how}; restarting it in ${delay / 1000} s`, {
          child: proc.pid,
          code,
          signal,
        });
        restartTimer = setTimeout(start, delay);
      });
    };

    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopping) log(30, `${signal}: stopping the Laurel server`);
      stopping = true;
      clearTimeout(restartTimer);
      if (child) child.kill(signal);
      else resolve(0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    start();
  });
}
