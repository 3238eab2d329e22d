import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a third party gets from `npm install @laurel/openbadges`: the packed tarball (whose
// `prepare` script builds dist/), installed into a directory outside the repository, loaded by
// plain Node with no TypeScript loader and no `laurel-source` condition. Its dependencies are
// linked from the workspace's node_modules (the test runs offline), and only those the library
// declares, so an import it forgot to declare fails here.
const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REPO_NODE_MODULES = join(PACKAGE_DIR, '..', '..', 'node_modules');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  exports: Record<string, Record<string, string>>;
  dependencies: Record<string, string>;
};
// Whatever the test runner sets, a third party's Node knows nothing of the workspace.
const { NODE_OPTIONS: _, ...plainEnv } = process.env;

let home: string;
let installed: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'laurel-openbadges-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', home], {
    cwd: PACKAGE_DIR,
    env: plainEnv,
  });
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
  installed = join(home, 'node_modules', '@laurel', 'openbadges');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(home, filename), '-C', installed, '--strip-components=1']);
  // @types/node only for the type check below: a consumer's own development dependency.
  for (const dependency of [...Object.keys(manifest.dependencies), '@types/node']) {
    const link = join(home, 'node_modules', dependency);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(REPO_NODE_MODULES, dependency), link, 'dir');
  }
}, 90_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('@laurel/openbadges from plain Node', () => {
  it('ships JavaScript and a .d.ts for every entry point, and the bundled context data', () => {
    for (const [entry, conditions] of Object.entries(manifest.exports)) {
      expect(existsSync(join(installed, conditions.default!)), `${entry} → ${conditions.default}`).toBe(true);
      expect(existsSync(join(installed, conditions.types!)), `${entry} → ${conditions.types}`).toBe(true);
    }
    expect(existsSync(join(installed, 'dist/contexts/data/openbadges-v2.json'))).toBe(true);
  });

  it('types a consumer from the .d.ts files alone', async () => {
    copyFileSync(fileURLToPath(new URL('consumer-types.ts', import.meta.url)), join(home, 'consumer.ts'));
    writeFileSync(join(home, 'package.json'), '{ "type": "module" }');
    const tsc = join(REPO_NODE_MODULES, 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node'];
    // No src/ beside dist/: the types must not lean on the sources the tarball also carries.
    rmSync(join(installed, 'src'), { recursive: true });
    await expect(
      run(process.execPath, [tsc, ...flags, 'consumer.ts'], { cwd: home, env: plainEnv }),
    ).resolves.toBeDefined();
  });

  it('builds, signs, bakes and verifies a credential without a TypeScript loader', async () => {
    // Copied beside the install: Node resolves a bare import from the importing file's folder.
    const consumer = join(home, 'consumer.mjs');
    copyFileSync(fileURLToPath(new URL('consumer.mjs', import.meta.url)), consumer);
    const { stdout } = await run(process.execPath, [consumer], { cwd: home, env: plainEnv });
    expect(JSON.parse(stdout)).toEqual({
      resolved: join(installed, 'dist', 'index.js'),
      verdict: 'valid',
      recipient: true,
      tampered: 'invalid',
      unbaked: true,
      fromImage: 'valid',
      sameVerify: true,
    });
  });
});
