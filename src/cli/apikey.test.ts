import { describe, expect, it } from 'vitest';
import { verifyApiKey } from '../apikeys/service.ts';
import { openPglite } from '../db/index.ts';
import { runLaurel, tempDir } from './testing.ts';

describe('laurel apikey create', () => {
  const dir = tempDir('laurel-apikey-cli-');
  const env = {
    ...process.env,
    DATA_DIR: dir,
    PUBLIC_URL: 'https://badges.example.org',
    LAUREL_SECRET: 'cd'.repeat(32),
  };
  const laurel = (args: string[]) => runLaurel(args, { env });

  it('prints a working key once, with the asked scopes; refuses bad input', async () => {
    expect((await laurel(['org', 'create', '--slug', 'cli-keys', '--name', 'Keys Org'])).code).toBe(0);
    const made = await laurel([
      'apikey',
      'create',
      '--org',
      'cli-keys',
      '--name',
      'LMS',
      '--scopes',
      'awards:read,awards:revoke',
    ]);
    expect(made.code).toBe(0);
    const key = made.stdout.trim();
    expect(key).toMatch(/^lrl_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('shown only this once');
    expect((await laurel(['apikey', 'create', '--org', 'nope-org'])).code).toBe(1);
    const badScope = await laurel(['apikey', 'create', '--org', 'cli-keys', '--scopes', 'everything']);
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('Unknown scope');
    expect((await laurel(['apikey', 'create'])).code).toBe(2);

    const handle = await openPglite(dir);
    try {
      expect(await verifyApiKey(handle.db, key)).toMatchObject({ scopes: ['awards:read', 'awards:revoke'] });
    } finally {
      await handle.close();
    }
  }, 120_000);
});
