import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../accounts/service.ts';
import { openPglite } from '../db/index.ts';
import { listOrgsForUser } from '../orgs/service.ts';
import { runOrgCommand } from './org.ts';

describe('laurel org create', () => {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-org-cli-'));
  const env = { DATA_DIR: dir, PUBLIC_URL: 'https://badges.example.org', LAUREL_SECRET: 'ab'.repeat(32) };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runOrgCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

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
    const bin = fileURLToPath(new URL('../../bin/laurel.js', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'org', 'create', '--slug', 'from-bin', '--name', 'From Bin'],
      { env: { ...process.env, ...env } },
    );
    expect(stdout).toContain('did: did:web:badges.example.org:orgs:from-bin');
  });
});
