// A worker process for the crash test: opens the given PostgreSQL database and runs the job
// worker until it is killed. Short lease, so jobs it held come back soon after a SIGKILL.
import { testConfig } from '../../config.ts';
import { openPostgres } from '../../db/index.ts';
import { startWorker } from '../../jobs/worker.ts';
import { createAppContext } from '../../features.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: bulk-worker.ts <postgres-url>');
const handle = await openPostgres(url, 4);
startWorker(createAppContext(handle.db, testConfig()), {
  leaseMs: 2_000,
  pollMs: 50,
  periodic: false,
  concurrency: 2,
});
process.stdout.write('ready\n');
