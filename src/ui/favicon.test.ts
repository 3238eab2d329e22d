/** Every page names its icon, and browsers that ask /favicon.ico anyway get it (no 404 in the embed's console). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../accounts/testing.ts';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import type { AppContext } from '../http/context.ts';
import { buildServer } from '../http/server.ts';
import { makeWalletBadge } from '../wallet/testing.ts';

describe('favicon', () => {
  const t = useTestDatabase('pglite');
  let app: FastifyInstance;
  let ctx: AppContext;

  beforeAll(async () => {
    ctx = { db: t.db, config: testConfig() };
    app = await buildServer(ctx);
  });
  afterAll(() => app.close());

  it('serves /favicon.ico and links the icon from the layout and the embeddable card', async () => {
    const icon = await app.inject({ url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.body).toMatch(/^<svg/);
    const link = '<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"';
    expect((await app.inject({ url: '/' })).body).toContain(link);
    const { award } = await makeWalletBadge(ctx, await makeUser(t.db), { visibility: 'public' });
    const embed = await app.inject({ url: `/c/${award.id}/embed` });
    expect(embed.statusCode).toBe(200);
    expect(embed.body).toContain(link);
  });
});
