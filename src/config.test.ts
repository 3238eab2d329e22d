import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('server processes and workers', () => {
  const base = { LAUREL_SECRET: 'ab'.repeat(32), DATA_DIR: '/nonexistent' };
  const pg = { ...base, DATABASE_URL: 'postgres://db.example/laurel' };

  it('runs one process per core on PostgreSQL and one on PGlite, the worker in one of them', () => {
    expect(loadConfig(pg)).toMatchObject({ webConcurrency: availableParallelism(), workerProcesses: 1 });
    expect(loadConfig(base)).toMatchObject({ webConcurrency: 1, workerProcesses: 1 });
    expect(loadConfig({ ...pg, WEB_CONCURRENCY: '3', WORKER_PROCESSES: '3' })).toMatchObject({
      webConcurrency: 3,
      workerProcesses: 3,
    });
  });

  it('refuses several processes on PGlite, and more workers than processes, with a sentence', () => {
    expect(() => loadConfig({ ...base, WEB_CONCURRENCY: '2' })).toThrow(
      'WEB_CONCURRENCY=2 needs PostgreSQL: the embedded database (PGlite) belongs to one process. Set DATABASE_URL=postgres://… or leave WEB_CONCURRENCY unset.',
    );
    expect(() => loadConfig({ ...pg, WEB_CONCURRENCY: '2', WORKER_PROCESSES: '3' })).toThrow(
      'WORKER_PROCESSES (3) cannot be more than the 2 server process(es) of WEB_CONCURRENCY.',
    );
    expect(() => loadConfig({ ...pg, WEB_CONCURRENCY: '0' })).toThrow(
      'WEB_CONCURRENCY must be a whole number',
    );
  });
});
