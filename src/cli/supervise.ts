// The supervising parent of `laurel serve` and `laurel worker`: it runs the server (or the
// worker) in child processes, WEB_CONCURRENCY of them sharing the port through node:cluster, and
// starts a new one whenever one dies (a native crash, an out-of-memory kill), with growing pauses,
// giving up when one keeps dying at once. SIGINT and SIGTERM go to every child as SIGTERM (a
// second one as SIGKILL); when they have all stopped, so does this process.
import cluster, { type Worker } from 'node:cluster';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { WorkerLog } from '../jobs/worker.ts';
import { formatLogEntry } from '../http/log-format.ts';

const BIN = fileURLToPath(new URL('../../bin/laurel.js', import.meta.url));
/** Set in a child's environment: it serves (or works) instead of supervising. */
export const SUPERVISED_ENV = 'LAUREL_SUPERVISED';
/** The message a child sends once it answers HTTP (or its worker runs). */
const READY_MESSAGE = 'laurel:ready';

/** Pauses before restarts, one per death in a row; past the last, the supervisor gives up. */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000];
/** A child that ran this long before dying is not crash-looping: its backoff starts over. */
const STABLE_MS = 60_000;

type Level = 30 | 40 | 50;

/** One line in the server's own log format (pino levels: 30 info, 40 warn, 50 error): readable in a terminal, JSON otherwise. */
function writeLine(name: string, level: Level, msg: string, extra: object = {}): void {
  const line = { level, time: Date.now(), pid: process.pid, hostname: hostname(), name, ...extra, msg };
  const json = JSON.stringify(line);
  process.stdout.write(`${process.stdout.isTTY ? formatLogEntry(json) : json}\n`);
}

/** A logger writing those lines, for a process without a Fastify logger (`laurel worker`). */
export function lineLogger(name: string): WorkerLog {
  return {
    info: (obj, msg) => writeLine(name, 30, msg, obj),
    warn: (obj, msg) => writeLine(name, 40, msg, obj),
    error: (obj, msg) => writeLine(name, 50, msg, obj),
  };
}

const log = (level: Level, msg: string, extra: object = {}) => writeLine('supervisor', level, msg, extra);

export interface SupervisedRun {
  command: 'serve' | 'worker';
  args: string[];
  /** Children to keep running (WEB_CONCURRENCY for `serve`). */
  processes: number;
  /** Extra environment of the i-th child (0-based), e.g. LAUREL_WORKER=off for all but the first. */
  envOf?: (index: number) => NodeJS.ProcessEnv;
}

/** One child position: restarted on its own, with its own backoff. */
interface Place {
  index: number;
  worker?: Worker;
  deaths: number;
  timer?: NodeJS.Timeout;
}

/** Runs `laurel <command>` under supervision until told to stop; resolves to the exit code. */
export function supervise(run: SupervisedRun): Promise<number> {
  const what = run.command === 'serve' ? 'the Laurel server' : 'the Laurel worker';
  // One child accepts its own connections; several take turns (round robin through this process),
  // which spreads keep-alive clients evenly where the kernel alone would not.
  cluster.schedulingPolicy = run.processes > 1 ? cluster.SCHED_RR : cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: BIN, args: [run.command, ...run.args], execArgv: process.execArgv });
  const places: Place[] = Array.from({ length: run.processes }, (_, index) => ({ index, deaths: 0 }));
  const of = (p: Place) => (run.processes > 1 ? `, ${p.index + 1} of ${run.processes}` : '');

  return new Promise((resolve) => {
    let stopping = false;
    let signals = 0;
    let exitCode = 0;
    const live = () => places.filter((p) => p.worker);
    const finishIfDone = () => {
      if (stopping && live().length === 0) resolve(exitCode);
    };
    /** Stops every child (after a failure: with `code`). */
    const stopAll = (code: number, signal: NodeJS.Signals = 'SIGTERM') => {
      stopping = true;
      exitCode ||= code;
      for (const p of places) clearTimeout(p.timer);
      for (const p of live()) p.worker!.process.kill(signal);
      finishIfDone();
    };

    const start = (place: Place) => {
      const startedAt = Date.now();
      let ready = false;
      const worker = cluster.fork({ ...run.envOf?.(place.index), [SUPERVISED_ENV]: '1' });
      const pid = worker.process.pid;
      place.worker = worker;
      log(30, `started ${what} (pid ${pid})${of(place)}`, { child: pid });
      worker.on('message', (m) => {
        if (m === READY_MESSAGE) ready = true;
      });
      worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        place.worker = undefined;
        if (stopping) {
          if (code) exitCode ||= code;
          finishIfDone();
          return;
        }
        // Failing to start (bad configuration, the data directory taken) will not heal by itself.
        if (!ready) {
          log(50, `${what} exited with code ${code ?? signal} before it started; not restarting`);
          stopAll(code || 1);
          return;
        }
        if (Date.now() - startedAt >= STABLE_MS) place.deaths = 0;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        if (place.deaths >= BACKOFF_MS.length) {
          log(50, `${what} (pid ${pid}) ${how}; it died ${place.deaths + 1} times in a row, giving up`);
          stopAll(1);
          return;
        }
        const delay = BACKOFF_MS[place.deaths++]!;
        log(50, `${what} (pid ${pid}) ${how}; restarting it in ${delay / 1000} s`, {
          child: pid,
          code,
          signal,
        });
        place.timer = setTimeout(() => start(place), delay);
      });
    };

    const onSignal = (signal: NodeJS.Signals) => {
      // The first asks every child to stop in order; another one ends them at once.
      signals++;
      if (signals === 1)
        log(
          30,
          `${signal}: stopping ${run.processes > 1 ? `the ${run.processes} processes of ${what}` : what}`,
        );
      else log(40, `${signal} again: ending ${what} at once`);
      stopAll(0, signals === 1 ? 'SIGTERM' : 'SIGKILL');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (const place of places) start(place);
  });
}

/**
 * In a child: leaves the supervisor, so the process can end. A cluster child is disconnected
 * through cluster's own call, which marks the exit as intended (cluster otherwise ends a child
 * whose channel closes at once, with code 0, whatever its own code).
 */
function leaveSupervisor(): void {
  if (cluster.worker) cluster.worker.disconnect();
  else process.disconnect?.();
}

/** In a child: what `starting` resolves to; when it fails, the child leaves the supervisor and exits with its error. */
export async function startedOrLeave<T>(starting: Promise<T>): Promise<T> {
  try {
    return await starting;
  } catch (e) {
    leaveSupervisor();
    throw e;
  }
}

/**
 * In a child, once it serves (or works): tells the supervisor, runs until told to stop, stops,
 * and resolves to the exit code.
 */
export async function runUntilStopped(stop: () => Promise<void>, logger: WorkerLog): Promise<number> {
  process.send?.(READY_MESSAGE);
  await untilStopped(stop, logger);
  leaveSupervisor();
  // Everything is closed; should a stray handle remain, it must not keep the process alive.
  setTimeout(() => process.exit(0), 3_000).unref();
  return 0;
}

/**
 * Resolves once the child is told to stop, after `stop` has run. Under this supervisor (an IPC
 * channel to it) SIGTERM stops, SIGINT is left to the supervisor (Ctrl-C reaches the whole
 * process group, and the supervisor relays it once), and the supervisor going away stops the
 * child in order rather than leave it holding the port and data alone. Run directly (systemd, a
 * container) SIGINT stops too, and a second signal exits at once.
 */
function untilStopped(stop: () => Promise<void>, logger: WorkerLog): Promise<void> {
  const supervised = typeof process.send === 'function';
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        // systemd may signal the whole control group as well as the supervisor relaying it.
        if (supervised) return;
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      stop().then(resolve, (e) => {
        logger.error({ err: e }, 'error while stopping');
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', supervised ? () => {} : onSignal);
    // Emitted before cluster would end the process on the spot: marked intended, it stops in order.
    cluster.worker?.on('disconnect', () => {
      if (stopping) return;
      cluster.worker!.exitedAfterDisconnect = true;
      onSignal('SIGTERM');
    });
  });
}
