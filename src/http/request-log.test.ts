/**
 * The request log's cheap path: no child logger for a request that logs nothing of its own, and
 * lines gathered per turn of the event loop, written whole and never lost when the process exits.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { OneLinePerRequest, RequestLogger, TurnBatchedLog, requestLogger } from './request-log.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('request logger', () => {
  async function app(lines: string[]) {
    let made = 0;
    const server = Fastify({
      logController: new OneLinePerRequest(),
      childLoggerFactory: (logger, bindings, options) => {
        const child = requestLogger(logger, bindings, options);
        if (!(child instanceof RequestLogger)) made++;
        return child;
      },
      logger: { level: 'info', stream: { write: (s: string) => lines.push(s) } },
    });
    server.get('/quiet', async () => 'ok');
    server.get('/chatty', async (request) => {
      request.log.warn({ detail: 1 }, 'something of its own');
      return 'ok';
    });
    server.get('/own-level', { logLevel: 'warn' }, async () => 'ok');
    await server.ready();
    return { server, made: () => made };
  }

  it('writes the one entry of a quiet request with its id, as a child logger would', async () => {
    const lines: string[] = [];
    const { server } = await app(lines);
    const spy = { calls: 0 };
    const logger = RequestLogger.prototype.logger;
    RequestLogger.prototype.logger = function () {
      spy.calls++;
      return logger.call(this);
    };
    try {
      await server.inject('/quiet');
    } finally {
      RequestLogger.prototype.logger = logger;
    }
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = entries.filter((e) => e.msg === 'request done');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      level: 30,
      reqId: 'req-1',
      request: { method: 'GET', url: '/quiet', statusCode: 200 },
    });
    // pino's order: level, time, pid, hostname, the bindings, then the entry and the message.
    expect(Object.keys(done[0]!)).toEqual(['level', 'time', 'pid', 'hostname', 'reqId', 'request', 'msg']);
    expect(spy.calls).toBe(0);
    await server.close();
  });

  it('binds the request id to what a handler logs, and to its closing entry', async () => {
    const lines: string[] = [];
    const { server } = await app(lines);
    await server.inject('/chatty');
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const own = entries.find((e) => e.msg === 'something of its own');
    const done = entries.find((e) => e.msg === 'request done');
    expect(own).toMatchObject({ level: 40, reqId: 'req-1', detail: 1 });
    expect(done).toMatchObject({ reqId: 'req-1', request: { url: '/chatty' } });
    await server.close();
  });

  it("keeps pino's child for a route with its own log level", async () => {
    const lines: string[] = [];
    const { server, made } = await app(lines);
    await server.inject('/own-level');
    expect(made()).toBe(1);
    // The route logs at warn and above: its info entry is not written.
    expect(lines.filter((l) => l.includes('/own-level'))).toHaveLength(0);
    await server.close();
  });
});

describe('TurnBatchedLog', () => {
  it('writes the lines of one turn together, at its end', async () => {
    const writes: string[] = [];
    const log = new TurnBatchedLog((text) => writes.push(text));
    log.write('a\n');
    log.write('b\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    log.write('c\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes whole lines, no more than 4096 bytes at once unless a line alone is longer', async () => {
    const writes: string[] = [];
    const log = new TurnBatchedLog((text) => writes.push(text));
    const line = `${'é'.repeat(150)}\n`; // 301 bytes
    for (let i = 0; i < 40; i++) log.write(line);
    const long = `${'x'.repeat(5000)}\n`;
    log.write(long);
    await nextTurn();
    expect(writes.join('')).toBe(line.repeat(40) + long);
    for (const w of writes) {
      expect(w.endsWith('\n')).toBe(true);
      if (w !== long) expect(Buffer.byteLength(w)).toBeLessThanOrEqual(4096);
    }
  });

  it.each([
    ['an uncaught exception', "throw new Error('boom')", 1],
    ['process.exit', 'process.exit(3)', 3],
  ])('keeps the last lines when the process ends by %s', (_how, end, code) => {
    const module = fileURLToPath(new URL('./request-log.ts', import.meta.url));
    const script = `
      const { stdoutLog } = await import(${JSON.stringify(module)});
      const log = stdoutLog();
      for (let i = 0; i < 500; i++) log.write(JSON.stringify({ i }) + '\\n');
      ${end};
    `;
    const run = spawnSync(
      process.execPath,
      ['--conditions=laurel-source', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(code);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ i: 499 });
  });
});
