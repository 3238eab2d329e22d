import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/*
 * PGlite has no multi-process locking: a second process on the same directory gets no error
 * and can silently lose committed rows. Exactly one process may own a data directory.
 *
 * - 'socket' (Linux): listen on an abstract unix socket named after the directory's real path.
 *   bind() is atomic, and the kernel frees the name when the process ends, however it ends, so
 *   there is never a stale lock to judge. (Abstract names are per network namespace: processes
 *   in separate containers sharing one volume do not see each other's lock.)
 * - 'file' (elsewhere): a pid file that appears atomically with its content (written aside, then
 *   hard-linked into place, which fails if the name exists). A file whose process is gone is
 *   removed only under a second exclusive file and only if it still names that process, so two
 *   processes taking over the same stale lock cannot both succeed.
 *
 * Both write the owner's pid to `laurel.lock`; with 'socket' it only names the owner in the
 * refusal message.
 */
export type LockMethod = 'socket' | 'file';

export const defaultLockMethod: LockMethod = process.platform === 'linux' ? 'socket' : 'file';

/** Takes the data directory or throws the refusal; resolves to the release function. */
export async function lockDataDir(dir: string, method = defaultLockMethod): Promise<() => void> {
  return method === 'socket' ? holdSocket(dir) : holdFile(dir);
}

const lockFile = (dir: string) => join(dir, 'laurel.lock');

function inUse(dir: string, pid: number | null | undefined): Error {
  const who = pid && pid !== process.pid && isAlive(pid) ? `process ${pid}` : 'another process';
  return new Error(
    `The embedded database in ${dir} is in use by ${who}. Stop it, or set DATABASE_URL to share a PostgreSQL server between processes.`,
  );
}

async function holdSocket(dir: string): Promise<() => void> {
  const digest = createHash('sha256').update(realpathSync(dir)).digest('hex');
  const server = createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // exclusive: a cluster worker binds the name itself instead of sharing its primary's.
      server.listen({ path: `\0laurel-data-dir-${digest}`, exclusive: true }, resolve);
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw inUse(dir, readPid(lockFile(dir)));
    throw e;
  }
  server.unref(); // the lock must not keep the process alive
  const file = lockFile(dir);
  writeFileSync(file, String(process.pid));
  return () => {
    // The pid file goes first, so it never names a process that no longer holds the lock.
    removeIfMine(file);
    server.close();
  };
}

function holdFile(dir: string): () => void {
  const file = lockFile(dir);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createWithPid(file)) return () => removeIfMine(file);
    const holder = readPid(file);
    if (holder === null) continue; // removed meanwhile: try again
    if (holder && isAlive(holder)) throw inUse(dir, holder);
    if (!removeStale(file, holder)) throw inUse(dir, undefined);
  }
  throw inUse(dir, readPid(file));
}

/** Creates `file` holding this pid, atomically with its content; false when it exists. */
function createWithPid(file: string): boolean {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, String(process.pid));
  try {
    linkSync(aside, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(aside);
  }
}

/**
 * Removes a lock whose process is gone, under `<file>.takeover` so only one process at a time
 * decides, and only if the lock still names the process found dead. False when another process
 * is taking over at this moment.
 */
function removeStale(file: string, deadHolder: number | undefined): boolean {
  const guard = `${file}.takeover`;
  if (!createWithPid(guard)) return false;
  try {
    if (readPid(file) === deadHolder) unlinkSync(file);
    return true;
  } finally {
    unlinkSync(guard);
  }
}

/** The pid in a lock file; undefined when the file holds none, null when there is no file. */
function readPid(file: string): number | undefined | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function removeIfMine(file: string) {
  try {
    if (readPid(file) === process.pid) unlinkSync(file);
  } catch {}
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
