#!/usr/bin/env node
// Start-up time and idle memory of `laurel serve`: the time from spawning `node bin/laurel.js serve`
// to the first 200 from /healthz, and the resident memory of the supervisor and the server once
// idle. Each figure is the median of --runs runs (default 3), with a fresh data directory each
// and with a warm one (already created and migrated). Usage:
//   node scripts/measure-start.mjs [--runs 3] [--root DIR] [--idle-ms 3000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    root: { type: 'string', default: new URL('..', import.meta.url).pathname },
    'idle-ms': { type: 'string', default: '3000' },
  },
});
const RUNS = Number(values.runs);
const ROOT = resolve(values.root);
const IDLE_MS = Number(values['idle-ms']);

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** Resident set size of a process in MB (Linux /proc), 0 when gone. */
function rssMb(pid) {
  try {
    const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** One start: ms to the first answered /healthz, then RSS of the supervisor and the server at idle. */
async function startOnce(dataDir) {
  const port = await freePort();
  const started = performance.now();
  const proc = spawn(process.execPath, ['bin/laurel.js', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      SMTP_URL: '',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`laurel serve exited with ${proc.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const [server] = childrenOf(proc.pid);
    return { readyMs, supervisorMb: rssMb(proc.pid), serverMb: server ? rssMb(server) : 0 };
  } finally {
    proc.kill('SIGTERM');
    if (proc.exitCode === null) await once(proc, 'exit');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, dataDirFor) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = dataDirFor();
    runs.push(await startOnce(dir.path));
    dir.done();
  }
  const row = {
    label,
    readyMs: Math.round(median(runs.map((r) => r.readyMs))),
    supervisorMb: Math.round(median(runs.map((r) => r.supervisorMb))),
    serverMb: Math.round(median(runs.map((r) => r.serverMb))),
  };
  console.log(
    `${label.padEnd(10)} first answer ${String(row.readyMs).padStart(6)} ms   RSS at idle: server ${row.serverMb} MB, supervisor ${row.supervisorMb} MB`,
  );
  return row;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'laurel-start-'));
const warm = tempDir();
await startOnce(warm); // creates and migrates the database that the warm runs reuse
console.log(`laurel serve in ${ROOT}, median of ${RUNS} runs`);
await measure('fresh', () => {
  const path = tempDir();
  return { path, done: () => rmSync(path, { recursive: true, force: true }) };
});
await measure('warm', () => ({ path: warm, done: () => {} }));
rmSync(warm, { recursive: true, force: true });
