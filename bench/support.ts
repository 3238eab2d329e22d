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
