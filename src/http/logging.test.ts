/**
 * The request log: in a terminal one readable line per request, elsewhere JSON; either way the
 * single-use tokens in emailed links and the secrets in headers never reach it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { formatLogEntry } from './log-format.ts';
import { buildServer } from './server.ts';
import { createAppContext } from '../features.ts';

describe('request log', () => {
  const t = useTestDatabase('pglite');
  const lines: Record<'readable' | 'json', string[]> = { readable: [], json: [] };
  const apps: Awaited<ReturnType<typeof buildServer>>[] = [];

  beforeAll(async () => {
    for (const mode of ['readable', 'json'] as const) {
      const app = await buildServer(createAppContext(t.db, testConfig()), {
        logger: true,
        log: { readable: mode === 'readable', to: { write: (s: string) => lines[mode].push(s) } },
      });
      await app.inject({
        url: '/reset/s3cret-token-value?next=/x',
        headers: { authorization: 'Bearer lrl_secret', cookie: 'laurel_session=abc' },
      });
      apps.push(app);
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('prints one readable line per request in a terminal: time, method, path without tokens, status, ms', () => {
    const requests = lines.readable.filter((l) => l.includes('/reset/'));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^\d\d:\d\d:\d\d GET \/reset\/:token\?next=\/x \d{3} \d+ ms\n$/);
    expect(lines.readable.join('')).not.toMatch(/s3cret|lrl_secret|laurel_session=abc|^\{/m);
  });

  it('writes one JSON entry per request when not a terminal, with the same redaction', () => {
    const entries = lines.json.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = entries.filter((e) => JSON.stringify(e).includes('/reset/'));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ request: { method: 'GET', statusCode: expect.any(Number) } });
    expect(JSON.stringify(entries)).toContain('/reset/:token?next=/x');
    expect(lines.json.join('')).not.toMatch(/s3cret|lrl_secret|laurel_session=abc/);
  });

  it('formats other entries as time, level and message, with an error stack under them', () => {
    const line = formatLogEntry(
      JSON.stringify({
        level: 50,
        time: Date.UTC(2026, 0, 1, 9, 5, 7),
        msg: 'boom',
        err: { stack: 'Error: boom\n    at x' },
      }),
    );
    expect(line).toBe('09:05:07 ERROR boom\nError: boom\n    at x');
    expect(formatLogEntry('not json\n')).toBe('not json');
  });
});
