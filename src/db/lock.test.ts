import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type LockMethod, lockDataDir } from './lock.ts';

const LOCK = fileURLToPath(new URL('./lock.ts', import.meta.url));

/*
 * A contender process: for each directory i it waits (spinning, for a tight start) until
 * startAt + i * stepMs and tries the lock. It keeps what it won until both contenders are surely
 * done, so two owners of one directory can only mean the lock failed. It prints one JSON line:
 * 'won' or the refusal message per round.
 */
const CONTENDER = `
const { lockDataDir } = await import(${JSON.stringify(LOCK)});
const [method, dirsJson, startAt, stepMs] = process.argv.slice(1);
const dirs = JSON.parse(dirsJson);
const results = [];
const held = [];
for (let i = 0; i < dirs.length; i++) {
  const at = Number(startAt) + i * Number(stepMs);
  while (Date.now() < at) {}
  try {
    held.push(await lockDataDir(dirs[i], method));
    results.push('won');
  } catch (e) {
    results.push(e.message);
  }
}
const end = Number(startAt) + dirs.length * Number(stepMs) + 3000;
await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
for (const unlock of held) unlock();
console.log(JSON.stringify(results));
`;

/** Holds the lock until killed; prints 'locked' once it has it. */
const HOLDER = `
const { lockDataDir } = await import(${JSON.stringify(LOCK)});
await lockDataDir(process.argv[2], process.argv[1]);
console.log('locked');
setInterval(() => {}, 1000);
`;

function node(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function output(child: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`contender exited ${code}: ${err}`);
  return out;
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid as number;
}

const root = mkdtempSync(join(tmpdir(), 'laurel-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function freshDirs(name: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const dir = join(root, `${name}-${i}`);
    mkdirSync(dir);
    return dir;
  });
}

describe.each(['socket', 'file'] as LockMethod[])('the data directory lock (%s)', (method) => {
  it('lets exactly one of two processes starting at the same instant own the directory, 60 times in 60', async () => {
    const rounds = 60;
    const dirs = freshDirs(`race-${method}`, rounds);
    // A third of the rounds start over an empty lock file, a third over one left by a dead process.
    const dead = await deadPid();
    dirs.forEach((dir, i) => {
      if (i % 3 === 1) writeFileSync(join(dir, 'laurel.lock'), '');
      if (i % 3 === 2) writeFileSync(join(dir, 'laurel.lock'), String(dead));
    });
    // Both contenders load first (about a second), then race round after round.
    const startAt = Date.now() + 3000;
    const [a, b] = await Promise.all(
      [0, 1].map(async () =>
        JSON.parse(await output(node(CONTENDER, [method, JSON.stringify(dirs), String(startAt), '40']))),
      ),
    );
    const winners = dirs.map((_, i) => [a[i], b[i]].filter((r) => r === 'won').length);
    const counts = {
      exactlyOne: winners.filter((w) => w === 1).length,
      both: winners.filter((w) => w === 2).length,
      neither: winners.filter((w) => w === 0).length,
    };
    console.log(`lock race (${method}), ${rounds} rounds of two processes:`, counts);
    expect(counts).toEqual({ exactlyOne: rounds, both: 0, neither: 0 });
    const refusals: string[] = [...a, ...b].filter((r) => r !== 'won');
    for (const refusal of refusals) {
      expect(refusal).toMatch(
        /^The embedded database in \S+ is in use by (process \d+|another process)\. Stop it, or set DATABASE_URL/,
      );
    }
  });

  it('takes over a lock left by a process killed with SIGKILL, and names a live owner', async () => {
    const [dir] = freshDirs(`killed-${method}`, 1) as [string];
    const holder = node(HOLDER, [method, dir]);
    const [line] = (await once(holder.stdout!, 'data')) as [Buffer];
    expect(line.toString()).toBe('locked\n');
    await expect(lockDataDir(dir, method)).rejects.toThrow(
      `The embedded database in ${dir} is in use by process ${holder.pid}.`,
    );
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const unlock = await lockDataDir(dir, method);
    // Held by this process now: a second open, even in the same process, is refused.
    await expect(lockDataDir(dir, method)).rejects.toThrow('is in use');
    unlock();
    const again = await lockDataDir(dir, method);
    again();
  });
});
