/*
 * A PostgreSQL server that restarts, fails over or is unreachable must cost requests a 503 and
 * jobs a retry, never the process. Errors that say "the database is not there right now" are
 * told apart from errors in a query, so the edge can answer "try again shortly".
 */

/** The database cannot be reached at the moment; the cause is the driver's error. */
export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable';
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(cause?: unknown) {
    super('The database cannot be reached at the moment. Please try again in a few seconds.', { cause });
  }
}

// Socket-level failures from Node while connecting or talking to the server.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs: 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up,
// shutting down, in recovery), 53300 too many connections; class 08 is connection exceptions.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

// Errors node-postgres raises with no code: the socket closed under a query, a client the pool
// knows is broken, or no connection within connectionTimeoutMillis.
const DRIVER_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|is not queryable|timeout exceeded when trying to connect/i;

function isConnectionLevel(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08/.test(code)))
    return true;
  return DRIVER_MESSAGES.test(error.message);
}

/** Whether an error (or one of its causes) means the database is away rather than the query wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailable || isConnectionLevel(e)) return true;
  }
  return false;
}

/** Rethrows a connection-level error as DatabaseUnavailable and any other error as it is. */
export function rethrowClassified(error: unknown): never {
  if (isDatabaseUnavailable(error) && !(error instanceof DatabaseUnavailable))
    throw new DatabaseUnavailable(error);
  throw error;
}
