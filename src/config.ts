import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** The public origin, e.g. https://badges.example.org — every URL in a credential starts with it. */
  baseUrl: string;
  dataDir: string;
  /** Set: a PostgreSQL server. Unset: PGlite in `${dataDir}/pglite`. */
  databaseUrl?: string;
  /** Set: mail goes out over SMTP. Unset: the development mailbox at /admin/mail. */
  smtpUrl?: string;
  mailFrom: string;
  /** 32 bytes; encrypts issuer keys at rest and signs CSRF tokens. */
  secret: Buffer;
  /** Behind https (or told so): cookies get `Secure`. */
  secureCookies: boolean;
  /** Run the job worker in this process (default yes). */
  worker: boolean;
  /**
   * Server processes `laurel serve` runs on this machine, sharing the port (WEB_CONCURRENCY):
   * by default one per core on PostgreSQL, and always one on PGlite, which one process owns.
   */
  webConcurrency: number;
  /**
   * How many of those processes also run the job worker (WORKER_PROCESSES, default 1): the
   * others only answer requests. LAUREL_WORKER=off makes it none.
   */
  workerProcesses: number;
  /**
   * Tests only: every JSON response is checked against the schema its route declares for its
   * status (a field missing, mistyped or left undeclared fails the request with a 500).
   */
  checkResponses?: boolean;
  /**
   * Whom to believe about the client address in X-Forwarded-For (Fastify's trustProxy): off
   * by default, since a trusted header lets any client pick the address the rate limits count.
   */
  trustProxy: boolean | string;
  /**
   * Seconds an SMTP server gets to accept a connection, greet, and answer each command
   * (SMTP_TIMEOUT): a server that hangs costs one attempt, not nodemailer's ten minutes.
   */
  smtpTimeoutSeconds: number;
  /**
   * Worker slots per process for sending mail (MAIL_CONCURRENCY) and for every other job
   * (JOB_CONCURRENCY): slow mail never holds the slots that issuing and bulk work need.
   */
  mailConcurrency: number;
  jobConcurrency: number;
}

/**
 * Reads the environment once, at the edge. The secret comes from LAUREL_SECRET, or is
 * generated into the data directory on first start so a fresh `npm start` needs nothing.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '0.0.0.0';
  const baseUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  const webConcurrency = readWebConcurrency(env.WEB_CONCURRENCY, databaseUrl);
  const workerProcesses = readPositive(env.WORKER_PROCESSES, 1, 'WORKER_PROCESSES');
  if (workerProcesses > webConcurrency)
    throw new Error(
      `WORKER_PROCESSES (${workerProcesses}) cannot be more than the ${webConcurrency} server process(es) of WEB_CONCURRENCY.`,
    );
  return {
    port,
    host,
    baseUrl,
    dataDir,
    databaseUrl,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? `Laurel <no-reply@${new URL(baseUrl).hostname}>`,
    secret: loadSecret(env.LAUREL_SECRET, dataDir),
    secureCookies: baseUrl.startsWith('https://'),
    worker: env.LAUREL_WORKER !== 'off',
    webConcurrency,
    workerProcesses,
    trustProxy: readTrustProxy(env.TRUST_PROXY),
    smtpTimeoutSeconds: readPositive(env.SMTP_TIMEOUT, 30, 'SMTP_TIMEOUT'),
    mailConcurrency: readPositive(env.MAIL_CONCURRENCY, 2, 'MAIL_CONCURRENCY'),
    jobConcurrency: readPositive(env.JOB_CONCURRENCY, 2, 'JOB_CONCURRENCY'),
  };
}

function readPositive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1.`);
  return n;
}

/**
 * WEB_CONCURRENCY: unset, one process per core on PostgreSQL and one on PGlite. More than one on
 * PGlite is refused: a second process on the embedded database would lose committed rows.
 */
function readWebConcurrency(value: string | undefined, databaseUrl: string | undefined): number {
  const n = readPositive(value, databaseUrl ? availableParallelism() : 1, 'WEB_CONCURRENCY');
  if (n > 1 && !databaseUrl)
    throw new Error(
      `WEB_CONCURRENCY=${n} needs PostgreSQL: the embedded database (PGlite) belongs to one process. Set DATABASE_URL=postgres://… or leave WEB_CONCURRENCY unset.`,
    );
  return n;
}

/** `true`/`1`: every hop is trusted; an address list (`127.0.0.1,10.0.0.0/8`): those proxies only. */
function readTrustProxy(value: string | undefined): boolean | string {
  const v = value?.trim() ?? '';
  if (v === '' || /^(0|false|no|off)$/i.test(v)) return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  return v;
}

function loadSecret(fromEnv: string | undefined, dataDir: string): Buffer {
  if (fromEnv) {
    const decoded = /^[0-9a-f]{64}$/i.test(fromEnv)
      ? Buffer.from(fromEnv, 'hex')
      : Buffer.from(fromEnv, 'base64');
    if (decoded.length < 32) throw new Error('LAUREL_SECRET must be 32 bytes (64 hex characters or base64).');
    return decoded.subarray(0, 32);
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

/** A config for tests: in-memory choices, a fixed secret, no worker unless asked. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    baseUrl: 'http://localhost:3000',
    dataDir: '/nonexistent',
    mailFrom: 'Laurel <no-reply@localhost>',
    secret: Buffer.alloc(32, 7),
    secureCookies: false,
    worker: false,
    webConcurrency: 1,
    workerProcesses: 1,
    checkResponses: true,
    trustProxy: false,
    smtpTimeoutSeconds: 5,
    mailConcurrency: 2,
    jobConcurrency: 2,
    ...overrides,
  };
}
