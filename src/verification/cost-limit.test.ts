import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { forgetSpentLimits } from '../limits/cleanup.ts';
import { clientKey, createCostLimiter, DEFAULT_COST_BUDGET } from './cost-limit.ts';

describe.each(DIALECTS)('the cost-based limiter on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const clock = () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
  };

  it('charges requests, whole units of bytes and computation, and says when to come back', async () => {
    const c = clock();
    const limiter = createCostLimiter(t.db, DEFAULT_COST_BUDGET, c.now);
    // A megabyte is 16 units and 250 ms of computation 10: with the request, 28 of the 60.
    await limiter.charge('a', { requests: 1, bytes: 1024 * 1024, computeMs: 250 });
    await limiter.charge('a', { requests: 1, bytes: 1024 * 1024, computeMs: 250 });
    expect(await limiter.admit('a')).toEqual({ ok: true });
    await limiter.charge('a', { requests: 1, bytes: 1024 * 1024, computeMs: 250 });
    // 60 - 84 = -24: 26 seconds until a request's 2 units are back.
    expect(await limiter.admit('a')).toEqual({ ok: false, retryAfterSeconds: 26 });
    c.advance(25);
    expect((await limiter.admit('a')).ok).toBe(false);
    c.advance(1);
    expect(await limiter.admit('a')).toEqual({ ok: true });

    // Small requests: 2 units each (a few bytes are free) and a little computation: 29 in a burst.
    let small = 0;
    while ((await limiter.admit('b')).ok) {
      await limiter.charge('b', { requests: 1, bytes: 300, computeMs: 1 });
      small++;
    }
    expect(small).toBe(29);
  });

  it('is one budget for every limiter on the database (one per app process), stored without the address', async () => {
    const c = clock();
    const [one, two] = [
      createCostLimiter(t.db, DEFAULT_COST_BUDGET, c.now),
      createCostLimiter(t.db, DEFAULT_COST_BUDGET, c.now),
    ];
    await Promise.all(Array.from({ length: 15 }, () => one.charge('192.0.2.7', { requests: 1 })));
    await Promise.all(Array.from({ length: 15 }, () => two.charge('192.0.2.7', { requests: 1 })));
    expect((await one.admit('192.0.2.7')).ok).toBe(false);
    expect((await two.admit('192.0.2.7')).ok).toBe(false);
    const { rows } = await sql<{ key: string }>`SELECT key FROM cost_budgets`.execute(t.db);
    expect(rows.some((r) => r.key.includes('192.0.2.7'))).toBe(false);
  });

  it('forgets a budget once it has filled up again', async () => {
    await sql`DELETE FROM cost_budgets`.execute(t.db);
    const limiter = createCostLimiter(t.db);
    // Two units: full again two seconds later.
    await limiter.charge('198.51.100.1', { requests: 1 });
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM cost_budgets`.execute(t.db)).rows[0]!.n;
    await forgetSpentLimits(t.db);
    expect(await count()).toBe(1);
    await sql`UPDATE cost_budgets SET full_at = full_at - interval '3 seconds', at = at - interval '3 seconds'`.execute(
      t.db,
    );
    await forgetSpentLimits(t.db);
    expect(await count()).toBe(0);
  });

  it('gives an IPv4 address its own budget and an IPv6 host its /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::7')).toBe(clientKey('2001:0db8:0001:0002:ffff::1'));
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});
