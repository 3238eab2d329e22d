import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPng } from '../../test/images.ts';
import { type LaurelRun, runLaurel } from './testing.ts';

let dir: string;

/** Runs the real bin in the test folder; a last argument `{ stdin }` is piped to it. */
function laurel(...args: (string | { stdin: string })[]): Promise<LaurelRun> {
  const last = args.at(-1);
  const stdin = typeof last === 'object' ? last.stdin : undefined;
  const argv = args.filter((a): a is string => typeof a === 'string');
  return runLaurel(argv, { cwd: dir, ...(stdin === undefined ? {} : { stdin }) });
}

const unsigned = {
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  ],
  id: 'urn:uuid:0b4c4e4e-1111-4222-8333-944455556666',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { type: ['Profile'], name: 'Command Line Society' },
  validFrom: '2025-01-01T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [
      {
        type: 'IdentityObject',
        identityType: 'emailAddress',
        hashed: true,
        salt: 'cli',
        identityHash: `sha256$${createHash('sha256')
          .update('earner@example.org' + 'cli')
          .digest('hex')}`,
      },
    ],
    achievement: {
      id: 'https://cli.example/achievements/1',
      type: ['Achievement'],
      name: 'Shell Wizard',
      description: 'Uses the command line well.',
      criteria: { narrative: 'Pass the test.' },
    },
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'laurel-cli-'));
  await writeFile(join(dir, 'cred.json'), JSON.stringify(unsigned));
  await writeFile(join(dir, 'badge.png'), tinyPng());
  await writeFile(
    join(dir, 'badge.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="teal"/></svg>',
  );
  await writeFile(join(dir, 'garbage.bin'), 'this is not a badge at all');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `laurel sign --format jwt`, from and to files in the test directory. */
const signJwt = (key: string, credential: string, out: string) =>
  laurel('sign', '--key', key, '--credential', credential, '--format', 'jwt', '-o', out);

// Each run starts a Node process with the TypeScript loader; on a busy machine that takes seconds.
describe('laurel CLI', { timeout: 300_000 }, () => {
  it('lists commands', async () => {
    const r = await laurel('help');
    expect(r.code).toBe(0);
    for (const name of ['verify', 'keygen', 'sign', 'bake', 'unbake'])
      expect(r.stdout).toContain(`  ${name}`);
    expect((await laurel('--help')).stdout).toBe(r.stdout);
  });

  it('keygen → sign (di, jwt) → verify, and catches tampering', async () => {
    const kg = await laurel('keygen', '-o', 'key.json');
    expect(kg.code).toBe(0);
    expect((await stat(join(dir, 'key.json'))).mode & 0o777).toBe(0o600);
    const key = JSON.parse(await readFile(join(dir, 'key.json'), 'utf8'));
    expect(key).toMatchObject({ type: 'Multikey', controller: expect.stringMatching(/^did:key:z6Mk/) });
    expect(key.id).toBe(`${key.controller}#${key.publicKeyMultibase}`);
    expect((await laurel('keygen', '-o', 'key.json')).code).toBe(2);

    expect(
      (await laurel('sign', '--key', 'key.json', '--credential', 'cred.json', '-o', 'signed.json')).code,
    ).toBe(0);
    const signed = JSON.parse(await readFile(join(dir, 'signed.json'), 'utf8'));
    expect(signed.issuer).toEqual({ type: ['Profile'], name: 'Command Line Society', id: key.controller });
    expect(signed.proof.cryptosuite).toBe('eddsa-rdfc-2022');
    expect((await signJwt('key.json', 'cred.json', 'signed.jwt')).code).toBe(0);

    const ok = await laurel('verify', 'signed.json');
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toMatch(/^VALID: /);
    expect(ok.stdout).toContain('✓ Signature');
    expect(ok.stdout).toContain('– Recipient');
    expect((await laurel('verify', 'signed.jwt')).code).toBe(0);
    expect((await laurel('verify', 'signed.json', '--email', 'Earner@Example.org')).code).toBe(0);
    const wrong = await laurel('verify', 'signed.json', '--email', 'someone@example.org');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('✗ Recipient');

    await writeFile(join(dir, 'tampered.json'), JSON.stringify({ ...signed, name: 'Forged' }));
    const bad = await laurel('verify', 'tampered.json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('INVALID: The badge was changed after it was issued');

    const asJson = await laurel('verify', '--json', 'tampered.json');
    const report = JSON.parse(asJson.stdout);
    expect(report.verdict).toBe('invalid');
    expect(report.steps.find((s: { id: string }) => s.id === 'proof').code).toBe('PROOF_INVALID');
  });

  it('verifies from stdin and from a URL (private addresses only when allowed)', async () => {
    await laurel('keygen', '-o', 'key-stdin.json');
    expect((await signJwt('key-stdin.json', 'cred.json', 'stdin.jwt')).code).toBe(0);
    const jwt = await readFile(join(dir, 'stdin.jwt'), 'utf8');
    const piped = await laurel('verify', '-', { stdin: jwt });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/^VALID: /);

    const fresh = new Map<string, string>();
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/jwt');
      res.end(req.url === '/fresh' ? fresh.get('jwt') : jwt);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = `${base}/badge`;
    try {
      const allowed = await laurel('verify', url, '--allow-private-network');
      expect(allowed.code, allowed.stdout).toBe(0);
      expect(allowed.stdout).toContain('format ob3-jwt in url');
      const refused = await laurel('verify', '--json', url);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout).steps[0].code).toBe('FETCH_BLOCKED');
      expect(refused.stderr).toContain('run again with --allow-private-network');
      // The text report ends with the flag that would let the fetch through.
      const hinted = await laurel('verify', url);
      expect(hinted.code).toBe(1);
      expect(hinted.stdout).toContain('[FETCH_BLOCKED]');
      expect(hinted.stdout.trim().split('\n').at(-1)).toMatch(/run again with --allow-private-network\.$/);
      expect(allowed.stdout).not.toContain('Hint:');

      // --follow-refresh checks the copy the issuer's refresh service returns.
      await laurel('keygen', '-o', 'key-refresh.json');
      const refreshService = { id: `${base}/fresh`, type: '1EdTechCredentialRefresh' };
      await writeFile(join(dir, 'refreshable.json'), JSON.stringify({ ...unsigned, refreshService }));
      await signJwt('key-refresh.json', 'refreshable.json', 'old.jwt');
      await signJwt('key-refresh.json', 'refreshable.json', 'fresh.jwt');
      fresh.set('jwt', (await readFile(join(dir, 'fresh.jwt'), 'utf8')).trim());
      const refreshed = await laurel('verify', 'old.jwt', '--follow-refresh', '--allow-private-network');
      expect(refreshed.code, refreshed.stdout).toBe(0);
      expect(refreshed.stdout).toContain(
        '✓ Refreshed copy: The issuer’s refresh service returned a newer copy',
      );
      expect((await laurel('verify', 'old.jwt', '--allow-private-network')).stdout).not.toContain(
        'Refreshed',
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('bakes, unbakes and verifies PNG and SVG badges', async () => {
    if (!(await stat(join(dir, 'signed.json')).catch(() => null))) {
      await laurel('keygen', '-o', 'key2.json');
      await laurel('sign', '--key', 'key2.json', '--credential', 'cred.json', '-o', 'signed.json');
      await signJwt('key2.json', 'cred.json', 'signed.jwt');
    }
    for (const [image, credential] of [
      ['badge.png', 'signed.json'],
      ['badge.svg', 'signed.jwt'],
      ['badge.svg', 'signed.json'],
      ['badge.png', 'signed.jwt'],
    ] as const) {
      const out = `baked-${credential}-${image}`;
      const b = await laurel('bake', '--credential', credential, '--image', image, '-o', out);
      expect(b.code, b.stderr).toBe(0);
      const u = await laurel('unbake', out);
      expect(u.code).toBe(0);
      const original = (await readFile(join(dir, credential), 'utf8')).trim();
      if (credential.endsWith('.jwt')) expect(u.stdout.trim()).toBe(original);
      else expect(JSON.parse(u.stdout)).toEqual(JSON.parse(original));
      const v = await laurel('verify', out);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toContain(`in ${image.split('.')[1]}`);
    }
  });

  it('exits 2 on unreadable input and bad usage, with one sentence and no stack trace', async () => {
    const results = new Map<string, LaurelRun>();
    for (const args of [
      ['verify', 'garbage.bin'],
      ['verify', 'missing.json'],
      ['verify'],
      ['verify', '--frobnicate', 'x'],
      ['sign', '--key', 'missing.json', '--credential', 'cred.json'],
      ['sign'],
      ['unbake', 'badge.png'],
      ['bake', '--credential', 'cred.json', '--image', 'garbage.bin', '-o', 'out.png'],
      ['nonsense'],
    ]) {
      const r = await laurel(...args);
      results.set(args.join(' '), r);
      expect(r.code, args.join(' ')).toBeGreaterThan(0);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
      if (r.stderr) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(results.get('verify garbage.bin')?.code).toBe(2);
    expect(results.get('verify missing.json')?.stderr).toBe(
      'laurel verify: The badge file missing.json does not exist.\n',
    );
    expect(results.get('unbake badge.png')?.stderr).toMatch(/^laurel unbake: .+\.\n$/);
    expect(results.get('unbake badge.png')?.code).toBe(2);
    expect(results.get('bake --credential cred.json --image garbage.bin -o out.png')?.code).toBe(2);
    expect(results.get('bake --credential cred.json --image garbage.bin -o out.png')?.stderr).toMatch(
      /^laurel bake: .+\.\n$/,
    );
    expect(results.get('nonsense')?.code).toBe(2);
  });
});
