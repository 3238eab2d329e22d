// The public verifier's rate limit counts cost, not requests: a token bucket per client address
// where each verification spends units for being a request, for its bytes and for the time it
// computed. Many small checks pass; a few big or slow ones use the budget up.
import type { Executor } from '../db/index.ts';
import { balance, spend } from '../limits/cost-budget.ts';
import { limitKey } from '../limits/keys.ts';

export interface CostBudget {
  /** Units a client can spend at once. */
  capacity: number;
  /** Units given back per second. */
  refillPerSecond: number;
  /** What every verification costs; a client needs this much left to start one. */
  perRequest: number;
  /** Input bytes per unit, counted in whole units (a small input costs no more than its request). */
  bytesPerUnit: number;
  /** Milliseconds of verification (in the worker) per unit. */
  computeMsPerUnit: number;
}

/*
 * 30 small verifications a minute, as before; a 1 MB credential costs as much as 8 of them before
 * any computation, a 5 MB image 40, and every 25 ms of computation one more.
 */
export const DEFAULT_COST_BUDGET: Readonly<CostBudget> = Object.freeze({
  capacity: 60,
  refillPerSecond: 1,
  perRequest: 2,
  bytesPerUnit: 64 * 1024,
  computeMsPerUnit: 25,
});

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface CostLimiter {
  /** Whether the client may start a verification now, and when not, in how many seconds. */
  admit(client: string): Promise<Admission>;
  /** Spends units for a request, its bytes and its computation; the balance may go below zero. */
  charge(client: string, cost: { requests?: number; bytes?: number; computeMs?: number }): Promise<void>;
}

/**
 * The budgets live in the database (src/limits/cost-budget.ts), so an address that spent its
 * budget through one app process has spent it in all of them.
 */
export function createCostLimiter(
  db: Executor,
  budget: CostBudget = DEFAULT_COST_BUDGET,
  now: () => number = Date.now,
): CostLimiter {
  const key = (client: string) => limitKey('verify', client);
  return {
    async admit(client) {
      const tokens = await balance(db, key(client), budget, now());
      if (tokens >= budget.perRequest) return { ok: true };
      const seconds = (budget.perRequest - tokens) / budget.refillPerSecond;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)) };
    },
    async charge(client, cost) {
      const units =
        (cost.requests ?? 0) * budget.perRequest +
        Math.floor((cost.bytes ?? 0) / budget.bytesPerUnit) +
        (cost.computeMs ?? 0) / budget.computeMsPerUnit;
      await spend(db, key(client), budget, units, now());
    },
  };
}

/** The address a budget belongs to: an IPv4 address, or the /64 of an IPv6 one (one host's usual share). */
export function clientKey(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
