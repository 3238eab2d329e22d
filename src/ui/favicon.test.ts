/** Every page names its icon, and browsers that ask /favicon.ico anyway get it (no 404 in the embed's console). */
import { describe, expect, it } from 'vitest';
import { makeUser } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeWalletBadge } from '../wallet/testing.ts';

describe('favicon', () => {
  const t = useTestApp('pglite');

  it('serves /favicon.ico and links the icon from the layout and the embeddable card', async () => {
    const icon = await t.app.inject({ url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.body).toMatch(/^<svg/);
    const link = '<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"';
    expect((await t.app.inject({ url: '/' })).body).toContain(link);
    const { award } = await makeWalletBadge(t.ctx, await makeUser(t.db), { visibility: 'public' });
    const embed = await t.app.inject({ url: `/c/${award.id}/embed` });
    expect(embed.statusCode).toBe(200);
    expect(embed.body).toContain(link);
  });
});
