import { describe, expect, it } from 'vitest';
import { clientKey, createCostLimiter, DEFAULT_COST_BUDGET } from './cost-limit.ts';

describe('the cost-based limiter', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (seconds: number) => (t += seconds * 1000) };
  };

  it('charges requests, whole units of bytes and computation, and says when to come back', () => {
    const c = clock();
    const limiter = createCostLimiter(DEFAULT_COST_BUDGET, c.now);
    // A megabyte is 16 units and 250 ms of computation 10: with the request, 28 of the 60.
    limiter.charge('a', { requests: 1, bytes: 1024 * 1024, computeMs: 250 });
    limiter.charge('a', { requests: 1, bytes: 1024 * 1024, computeMs: 250 });
    expect(limiter.admit('a')).toEqual({ ok: true });
    limiter.charge('a', { requests: 1, bytes: 1024 * 1024, computeMs: 250 });
    // 60 - 84 = -24: 26 seconds until a request's 2 units are back.
    expect(limiter.admit('a')).toEqual({ ok: false, retryAfterSeconds: 26 });
    c.advance(25);
    expect(limiter.admit('a').ok).toBe(false);
    c.advance(1);
    expect(limiter.admit('a')).toEqual({ ok: true });

    // Small requests: 2 units each (a few bytes are free) and a little computation: 29 in a burst.
    let small = 0;
    while (limiter.admit('b').ok) {
      limiter.charge('b', { requests: 1, bytes: 300, computeMs: 1 });
      small++;
    }
    expect(small).toBe(29);
  });

  it('forgets clients with a full budget first when it holds too many', () => {
    const c = clock();
    const limiter = createCostLimiter({ ...DEFAULT_COST_BUDGET, maxClients: 3 }, c.now);
    limiter.charge('spender', { requests: 30 });
    for (const idle of ['x', 'y', 'z', 'w']) limiter.admit(idle);
    expect(limiter.admit('spender').ok).toBe(false);
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
