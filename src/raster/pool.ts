// A small pool of child processes that draw SVG (./child.ts). A job that runs past its deadline
// or grows the child past its memory cap is killed with the child; a child that dies (a native
// panic aborts the process) fails only the job it was drawing. Children start on demand and
// never keep the parent alive while idle.
import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RasterJob, RasterReply } from './protocol.ts';

export type RasterFailure = 'timeout' | 'memory' | 'crashed' | 'invalid' | 'busy' | 'closed';

export class RasterError extends Error {
  override readonly name = 'RasterError';
  constructor(
    readonly reason: RasterFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface RasterPoolOptions {
  /** Child processes drawing at once (default 2). */
  children?: number;
  /** Longest a drawing may take before its child is killed (default 5 s). */
  timeoutMs?: number;
  /** Resident memory above which a drawing child is killed (default 768 MB; checked on Linux). */
  maxRssBytes?: number;
  /** Jobs that may wait for a child; more are refused at once as busy (default 64). */
  maxQueue?: number;
}

// The build rewrites this URL to the compiled child.js, which runs on plain Node.
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
// Run from the sources, the child is TypeScript like the server: it runs under the same tsx
// loader, found from here so that it works whatever the working directory. tsx is a development
// dependency, so it is looked up only then.
const LOADER = CHILD.endsWith('.ts')
  ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
  : [];
const START_TIMEOUT_MS = 30_000;
const RSS_POLL_MS = 40;

interface Pending {
  job: RasterJob;
  timeoutMs: number;
  resolve(png: Buffer): void;
  reject(e: RasterError): void;
}

interface Slot {
  proc: ChildProcess;
  ready: boolean;
  pending?: Pending;
  timer?: NodeJS.Timeout;
  poll?: NodeJS.Timeout;
}

/** Reads a process's resident set size from /proc (Linux); undefined elsewhere. */
async function residentBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status?.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export class RasterPool {
  private readonly children: number;
  private readonly timeoutMs: number;
  private readonly maxRssBytes: number;
  private readonly maxQueue: number;
  private readonly slots = new Set<Slot>();
  private queue: Pending[] = [];
  private nextId = 1;

  constructor(opts: RasterPoolOptions = {}) {
    this.children = opts.children ?? 2;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.maxRssBytes = opts.maxRssBytes ?? 768 * 1024 * 1024;
    this.maxQueue = opts.maxQueue ?? 64;
  }

  /** Draws `svg` with its longer side `size` px; rejects with a RasterError. `timeoutMs` overrides the pool's deadline. */
  render(svg: string, size: number, opts: { timeoutMs?: number } = {}): Promise<Buffer> {
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new RasterError('busy', 'Too many images are being drawn; try again shortly.'));
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
      this.queue.push({ job: { id: this.nextId++, svg, size }, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  /** The process ids of the children (for tests and diagnostics). */
  pids(): number[] {
    return [...this.slots].map((s) => s.proc.pid).filter((p): p is number => p !== undefined);
  }

  /** Fails waiting and running jobs as closed and ends every child; the next render starts afresh. */
  async close(): Promise<void> {
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(new RasterError('closed', 'The image renderer was shut down.'));
    const exits = [...this.slots].map((slot) => {
      const running = slot.proc.exitCode === null && slot.proc.signalCode === null;
      const exited = running ? new Promise((r) => slot.proc.once('exit', r)) : undefined;
      this.end(slot, new RasterError('closed', 'The image renderer was shut down.'));
      return exited;
    });
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.slots].find((s) => s.ready && !s.pending);
      if (idle) {
        this.run(idle, this.queue.shift()!);
        continue;
      }
      const starting = [...this.slots].filter((s) => !s.ready).length;
      if (this.slots.size < this.children && starting < this.queue.length) {
        this.spawn();
        continue;
      }
      return;
    }
  }

  private spawn(): void {
    const proc = fork(CHILD, [], {
      execArgv: [...LOADER, '--max-old-space-size=256'],
      serialization: 'advanced',
      // A native panic writes its reason to stderr: it goes to the server's own log.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const slot: Slot = { proc, ready: false };
    this.slots.add(slot);
    slot.timer = setTimeout(
      () => this.end(slot, new RasterError('crashed', 'The image renderer did not start.')),
      START_TIMEOUT_MS,
    );
    proc.on('message', (reply: RasterReply) => this.receive(slot, reply));
    proc.on('error', () => this.end(slot, new RasterError('crashed', 'The image renderer could not start.')));
    proc.on('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const e = new RasterError('crashed', `The image renderer ${how} while drawing the image.`);
      // A child that dies before it is ready fails one waiting job, so a renderer that cannot
      // start at all does not leave callers waiting forever.
      if (!slot.ready && !slot.pending && this.slots.has(slot)) slot.pending = this.queue.shift();
      this.end(slot, e);
    });
  }

  private receive(slot: Slot, reply: RasterReply): void {
    if ('ready' in reply) {
      clearTimeout(slot.timer);
      slot.ready = true;
      this.idle(slot);
      this.dispatch();
      return;
    }
    const pending = slot.pending;
    if (!pending || pending.job.id !== reply.id) return;
    this.settle(slot);
    if ('png' in reply)
      pending.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.length));
    else pending.reject(new RasterError('invalid', reply.error));
    this.idle(slot);
    this.dispatch();
  }

  private run(slot: Slot, pending: Pending): void {
    slot.pending = pending;
    slot.proc.ref();
    slot.proc.channel?.ref();
    slot.proc.send(pending.job);
    slot.timer = setTimeout(
      () =>
        this.end(
          slot,
          new RasterError('timeout', `Drawing the image took longer than ${pending.timeoutMs / 1000} s.`),
        ),
      pending.timeoutMs,
    );
    const pid = slot.proc.pid;
    if (pid === undefined) return;
    slot.poll = setInterval(async () => {
      const rss = await residentBytes(pid);
      if (rss === undefined) clearInterval(slot.poll);
      else if (rss > this.maxRssBytes && slot.pending === pending) {
        const mb = Math.round(this.maxRssBytes / 1024 / 1024);
        this.end(slot, new RasterError('memory', `Drawing the image needed more than ${mb} MB of memory.`));
      }
    }, RSS_POLL_MS);
  }

  private settle(slot: Slot): void {
    clearTimeout(slot.timer);
    clearInterval(slot.poll);
    slot.pending = undefined;
  }

  /** An idle child must not keep the process alive. */
  private idle(slot: Slot): void {
    slot.proc.unref();
    slot.proc.channel?.unref();
  }

  /**
   * Kills a child (once), fails its job with `e`, and starts a replacement at once when a working
   * child was lost, so that the next job does not wait for a process to start.
   */
  private end(slot: Slot, e: RasterError): void {
    if (!this.slots.delete(slot)) return;
    const pending = slot.pending;
    this.settle(slot);
    if (slot.proc.exitCode === null && slot.proc.signalCode === null) slot.proc.kill('SIGKILL');
    pending?.reject(e);
    if (slot.ready && e.reason !== 'closed') this.spawn();
    this.dispatch();
  }
}
