import { describe, expect, it } from 'vitest';
import { createUser } from '../accounts/service.ts';
import { openPglite } from '../db/index.ts';
import { listOrgsForUser } from '../orgs/service.ts';
import { loadConfig } from '../config.ts';
import { getOrgBySlug } from '../orgs/service.ts';
import { issuerDid } from '../orgs/presenters.ts';
import { runApiKeyCommand } from './apikey.ts';
import { runOrgCommand } from './org.ts';
import { runLaurel, tempDir } from './testing.ts';

describe('laurel org create', () => {
  const dir = tempDir('laurel-org-cli-');
  const env = { DATA_DIR: dir, PUBLIC_URL: 'https://badges.example.org', LAUREL_SECRET: 'ab'.repeat(32) };

  const run = async (args: string[], runEnv: Record<string, string> = env, command = runOrgCommand) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await command(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, runEnv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('refuses while the server holds the embedded database, saying how to go on', async () => {
    const server = await openPglite(dir);
    try {
      for (const [command, args] of [
        [runOrgCommand, ['create', '--slug', 'while-running', '--name', 'Busy']],
        [runApiKeyCommand, ['create', '--org', 'while-running']],
      ] as const) {
        const r = await run([...args], env, command);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(
          /^laurel (org|apikey) create cannot run while .+ holds the embedded database in /,
        );
        expect(r.err).toContain('npm start');
        expect(r.err).toContain('Stop the server');
        expect(r.err).toContain('DATABASE_URL=postgres://');
      }
    } finally {
      await server.close();
    }
    expect((await run(['create', '--slug', 'while-running', '--name', 'Free'])).code).toBe(0);
  });

  it('warns when PUBLIC_URL is unset; the identifier follows PUBLIC_URL once it is set', async () => {
    const { PUBLIC_URL: _, ...local } = env;
    const r = await run(['create', '--slug', 'no-public-url', '--name', 'Local'], local);
    expect(r.code).toBe(0);
    expect(r.out).toContain('did: did:web:localhost%3A3000:orgs:no-public-url');
    expect(r.err).toMatch(/^Warning: PUBLIC_URL is not set/);
    expect(r.err).toContain('set PUBLIC_URL');
    expect((await run(['create', '--slug', 'with-public-url', '--name', 'Set'])).err).toBe('');
    const handle = await openPglite(dir);
    try {
      const org = await getOrgBySlug(handle.db, 'no-public-url');
      expect(issuerDid(loadConfig(env), org!.slug)).toBe('did:web:badges.example.org:orgs:no-public-url');
    } finally {
      await handle.close();
    }
  });

  it('creates an org and prints its did and URL; refuses bad input with a reason', async () => {
    const ok = await run(['create', '--slug', 'cli-society', '--name', 'CLI Society']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('did: did:web:badges.example.org:orgs:cli-society');
    expect(ok.out).toContain('url: https://badges.example.org/orgs/cli-society');
    const taken = await run(['create', '--slug', 'cli-society', '--name', 'Again']);
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('already used');
    expect((await run(['create', '--name', 'No slug'])).code).toBe(2);
    expect((await run(['create', '--slug', 'x', '--bogus'])).code).toBe(2);
  });

  it('makes the account with --owner-email the owner', async () => {
    const handle = await openPglite(dir);
    const user = await createUser(handle.db, {
      name: 'Cli Owner',
      email: 'Owner@Example.org',
      emailVerified: true,
    });
    await handle.close();
    expect(
      (await run(['create', '--slug', 'owned', '--name', 'Owned', '--owner-email', 'nobody@example.org']))
        .code,
    ).toBe(1);
    const ok = await run([
      'create',
      '--slug',
      'owned',
      '--name',
      'Owned',
      '--owner-email',
      'owner@example.org',
    ]);
    expect(ok.code).toBe(0);
    const again = await openPglite(dir);
    try {
      expect((await listOrgsForUser(again.db, user.id)).map((m) => [m.org.slug, m.role])).toEqual([
        ['owned', 'owner'],
      ]);
    } finally {
      await again.close();
    }
  });

  it('runs through the laurel binary', async () => {
    const { stdout } = await runLaurel(['org', 'create', '--slug', 'from-bin', '--name', 'From Bin'], {
      env: { ...process.env, ...env },
    });
    expect(stdout).toContain('did: did:web:badges.example.org:orgs:from-bin');
  });
});
