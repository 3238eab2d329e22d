import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The real bin the tests run, as a user would. */
export const LAUREL_BIN = fileURLToPath(new URL('../../bin/laurel.js', import.meta.url));

export type LaurelRun = { code: number; stdout: string; stderr: string };

/** Runs the real bin (in `cwd`, with `env`); `stdin` is piped to it. */
export function runLaurel(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {},
): Promise<LaurelRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [LAUREL_BIN, ...args],
      { env: opts.env, cwd: opts.cwd, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin?.end(opts.stdin ?? '');
  });
}

/** A temporary folder (a DATA_DIR) for the enclosing describe block, removed after it. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
