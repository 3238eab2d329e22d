// The request log's cost per request: one entry, no logger object of its own unless something
// else is logged for it, and no write system call of its own.
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions } from 'pino';
import type { LogSink } from './log-format.ts';
import { REQUEST_DONE } from './log-format.ts';

const TOKEN_PATHS =
  /^(\/(?:reset|verify-email|login\/link|account\/merge|claim|invitations|reviewers))\/[^/?#]+/;
// Secrets that travel in a query: the CSRF token, an invitation to apply, a claim code.
const TOKEN_PARAMS = /([?&](?:_csrf|invitation|code)=)[^&#]*/g;

/** `/reset/<token>?next=…` → `/reset/:token?next=…`; a CSRF token in the query → `_csrf=:token` */
export function redactTokens(url: string): string {
  return url.replace(TOKEN_PATHS, '$1/:token').replace(TOKEN_PARAMS, '$1:token');
}

/**
 * A request's logger, made by Fastify for every request: pino's child logger (the request id
 * bound to every entry) is made the first time the request logs something of its own, and the
 * entry that ends every request is written through the server's logger with the same id, the
 * same line a child would write. Most requests log nothing else, and a child per request costs
 * about as much as the rest of a trivial route's logging.
 */
export class RequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  /** pino's child logger of the request, made now if it was not yet. */
  logger(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings);
    return this.#child;
  }
  get level(): string {
    return (this.#child ?? this.parent).level;
  }
  set level(level: string) {
    this.logger().level = level;
  }
  /** Logs `entry` with the request's bindings, making no child logger when there is none yet. */
  entry(level: 'info' | 'error', entry: object, msg: string): void {
    if (this.#child) this.#child[level](entry, msg);
    else this.parent[level]({ ...this.bindings, ...entry }, msg);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }
  silent(): void {}
  declare info: FastifyBaseLogger['info'];
  declare error: FastifyBaseLogger['error'];
  declare warn: FastifyBaseLogger['warn'];
  declare debug: FastifyBaseLogger['debug'];
  declare fatal: FastifyBaseLogger['fatal'];
  declare trace: FastifyBaseLogger['trace'];
}

// Each level goes to the child logger, made on first use.
for (const level of ['info', 'error', 'warn', 'debug', 'fatal', 'trace'] as const) {
  RequestLogger.prototype[level] = function (this: RequestLogger, ...args: unknown[]) {
    const logger = this.logger();
    (logger[level] as (...a: unknown[]) => void).apply(logger, args);
  };
}

/** Fastify's childLoggerFactory: a RequestLogger, or pino's child where a route sets its own level or serializers. */
export function requestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return options.level || options.serializers
    ? logger.child(bindings, options)
    : new RequestLogger(logger, bindings);
}

/**
 * One entry per request, at its end (formatLogEntry prints it as one line in a terminal): pino's
 * default pair, "incoming request" then "request completed", doubles the cost of logging a
 * request that costs little else, and the end says everything the start did.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const entry = {
      request: {
        method: request.method,
        url: redactTokens(request.url),
        statusCode: reply.statusCode,
        ms: reply.elapsedTime,
        remoteAddress: request.ip,
      },
    };
    const log = reply.log;
    if (log instanceof RequestLogger) {
      if (error) log.entry('error', { ...entry, err: error }, REQUEST_DONE);
      else log.entry('info', entry, REQUEST_DONE);
    } else if (error) log.error({ ...entry, err: error }, REQUEST_DONE);
    else log.info(entry, REQUEST_DONE);
  }
}

/*
 * Pipes keep a write of up to PIPE_BUF bytes (4096 on Linux) in one piece, so several server
 * processes sharing one log pipe never interleave parts of lines: each write is whole lines,
 * at most that long unless one line alone is longer.
 */
const PIPE_BUF = 4096;

/**
 * Lines gathered during one turn of the event loop and written together at its end, in one
 * system call (a write per request costs a trivial route more than all its other logging). When
 * idle, a line is out within the turn that logged it; under load, one write carries a dozen
 * requests. Whatever is pending is written when the process exits, by process.exit or an
 * uncaught exception, so a crash keeps its last lines.
 */
export class TurnBatchedLog implements LogSink {
  private pending = '';
  private bytes = 0;
  private scheduled = false;

  constructor(private readonly out: (text: string) => void) {
    process.on('exit', this.flush);
  }

  write(line: string): void {
    const size = Buffer.byteLength(line);
    if (this.bytes + size > PIPE_BUF) this.flush();
    this.pending += line;
    this.bytes += size;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is pending now. */
  readonly flush = (): void => {
    this.scheduled = false;
    if (!this.bytes) return;
    const text = this.pending;
    this.pending = '';
    this.bytes = 0;
    this.out(text);
  };
}

let stdoutSink: TurnBatchedLog | undefined;

/**
 * Standard output when it is not a terminal (the JSON log, redirected to a file or a pipe), one
 * per process. Each batch goes through pino's synchronous destination, which finishes partial
 * writes and waits out a full pipe (EAGAIN) instead of losing lines.
 */
export function stdoutLog(): LogSink {
  if (!stdoutSink) {
    const fd1 = pino.destination({ dest: 1, sync: true });
    stdoutSink = new TurnBatchedLog((text) => fd1.write(text));
  }
  return stdoutSink;
}
