// How the server's log reads in a terminal: one short line per request (time, method, path,
// status, milliseconds) and one per other entry, instead of pino's JSON. Anything not attached
// to a terminal (a file, journald, a log shipper) keeps the JSON.

/** What pino needs of a destination: it writes one JSON entry per call. */
export interface LogSink {
  write(line: string): unknown;
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** The message logged once per finished request (see buildServer's onResponse hook). */
export const REQUEST_DONE = 'request done';

/** One pino JSON entry as a readable line; a line that is not JSON passes through. */
export function formatLogEntry(json: string): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof e.time === 'number' ? new Date(e.time).toISOString().slice(11, 19) : '';
  const request = e.request as
    | { method?: string; url?: string; statusCode?: number; ms?: number }
    | undefined;
  if (e.msg === REQUEST_DONE && request)
    return `${time} ${request.method} ${request.url} ${request.statusCode} ${Math.round(request.ms ?? 0)} ms`;
  const err = e.err as { stack?: string; message?: string } | undefined;
  const detail = err ? `\n${err.stack ?? err.message ?? ''}` : '';
  return `${time} ${LEVELS[e.level as number] ?? e.level} ${String(e.msg ?? '')}${detail}`;
}

/** A pino destination that writes readable lines to `out`. */
export function readableLog(out: { write(s: string): unknown }): LogSink {
  return { write: (line: string) => out.write(`${formatLogEntry(line)}\n`) };
}
