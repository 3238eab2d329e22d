// What the server benchmarks share: the configuration of a benchmarked server and the public
// badge they load.
import type { Config } from '../src/config.ts';
import type { AppContext } from '../src/http/context.ts';

export const BENCH_SECRET = '11'.repeat(32);

/** A server's configuration as `laurel serve` reads it, on `port` with its data in `dir`. */
export async function benchConfig(
  port: number,
  dir: string,
  env: Record<string, string> = {},
): Promise<Config> {
  const { loadConfig } = await import('../src/config.ts');
  return loadConfig({
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LAUREL_WORKER: 'off',
    LAUREL_SECRET: BENCH_SECRET,
    ...env,
  });
}

/** A badge issued, accepted by a new earner and made public; returns the award's id. */
export async function publicBadge(ctx: AppContext): Promise<string> {
  const { makeUser } = await import('../src/accounts/testing.ts');
  const { issueTestAward } = await import('../src/issuing/testing.ts');
  const { acceptClaim } = await import('../src/claims/service.ts');
  const { setVisibility } = await import('../src/wallet/service.ts');
  const user = await makeUser(ctx.db);
  const { claimToken, award } = await issueTestAward(ctx, { recipientEmail: user.email });
  const item = await acceptClaim(ctx, claimToken, user.id);
  await setVisibility(ctx.db, user.id, item.id, 'public');
  return award.id;
}

/** Server time of one page as a signed-in browser asks for it. */
export interface Latency {
  p50: number;
  p99: number;
  n: number;
  bytes: number;
}

/**
 * Requests `url` one after another with `cookie` (after five warm-up requests) for 3 s, at least
 * 40 and at most 400 times, and reports its latency percentiles; any answer but 200 stops the run.
 */
export async function measurePage(url: string, cookie: string): Promise<Latency> {
  const get = async () => {
    const res = await fetch(url, {
      headers: { cookie, accept: 'text/html' },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return body.byteLength;
  };
  let bytes = 0;
  for (let i = 0; i < 5; i++) bytes = await get();
  const times: number[] = [];
  const end = performance.now() + 3_000;
  while (times.length < 40 || (times.length < 400 && performance.now() < end)) {
    const start = performance.now();
    await get();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
  return { p50: pct(50), p99: pct(99), n: times.length, bytes };
}

/** The address reached by following the link whose text is `label` (a keyset page link) `times` times. */
export async function followLink(url: string, cookie: string, label: string, times: number): Promise<string> {
  let at = url;
  const link = new RegExp(`<a href="([^"]*)">${label}`);
  for (let i = 0; i < times; i++) {
    const html = await (await fetch(at, { headers: { cookie, accept: 'text/html' } })).text();
    const href = link.exec(html)?.[1];
    if (!href) throw new Error(`no "${label}" link on ${at}`);
    at = new URL(href.replaceAll('&amp;', '&'), url).href;
  }
  return at;
}
