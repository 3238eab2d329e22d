#!/usr/bin/env node
// Builds the platform into dist/ (what `npm start` runs): tsc emits the sources as JavaScript,
// then this copies what is read at run time and adapts what tsc leaves as it was.
//   node scripts/build.mjs              always build
//   node scripts/build.mjs --if-stale   only when dist/ is missing or older than a source
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { DIST_DIR, DIST_ENTRY, distIsCurrent, newestUnder, ROOT_DIR, STAMP } from '../bin/compiled.mjs';

const at = (...p) => join(ROOT_DIR, ...p);
const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

/** TypeScript is a development dependency: without it Laurel runs from its sources (tsx). */
function findTsc() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** The format library's own build (its `prepare`), redone only when its sources are newer. */
function buildLibrary() {
  const lib = at('packages/openbadges');
  if (newestUnder(join(lib, 'src')) <= newestUnder(join(lib, 'dist', 'index.js'))) return;
  execFileSync('npm', ['run', 'build', '--workspace', 'packages/openbadges'], {
    stdio: 'inherit',
    cwd: ROOT_DIR,
  });
}

/**
 * The JSX runtime package exports TypeScript only. Its compiled copy goes to
 * dist/node_modules/@laurel/jsx, which Node finds before the workspace link for any module in dist/.
 */
function placeJsxRuntime(out) {
  const target = join(out, 'node_modules', '@laurel', 'jsx');
  mkdirSync(dirname(target), { recursive: true });
  renameSync(join(out, 'packages', 'jsx', 'src'), target);
  rmSync(join(out, 'packages'), { recursive: true });
  const pkg = JSON.parse(readFileSync(at('packages/jsx/package.json'), 'utf8'));
  const exports = Object.fromEntries(
    Object.entries(pkg.exports).map(([k, v]) => [k, v.replace(/^\.\/src\//, './').replace(/\.ts$/, '.js')]),
  );
  writeFileSync(
    join(target, 'package.json'),
    `${JSON.stringify({ name: pkg.name, type: 'module', exports }, null, 2)}\n`,
  );
}

// A `new URL('./x.ts', import.meta.url)` names a module to start (a child process, a worker):
// compiled, that module is x.js. tsc rewrites import specifiers only.
const TS_URL = /(new URL\(\s*)(['"`])(\.{1,2}\/[^'"`]+)\.tsx?\2/g;
// An .mjs file under src/ is a loader shim for a worker: it registers tsx, then imports its
// TypeScript sibling. Compiled, only the import of the sibling's JavaScript remains.
const SHIM_TARGET = /await import\((['"])(\.\/[^'"]+)\.ts\1\)/;

/** Copies what the sources read at run time (SQL, assets, any non-TypeScript file) and adapts URLs and shims. */
function completeSources(dist) {
  for (const file of filesUnder(at('src'))) {
    const rel = relative(ROOT_DIR, file);
    const out = join(dist, rel);
    if (/\.tsx?$/.test(file) || rel.split('/').includes('fixtures')) continue;
    mkdirSync(dirname(out), { recursive: true });
    if (file.endsWith('.mjs')) {
      const target = readFileSync(file, 'utf8').match(SHIM_TARGET)?.[2];
      if (!target) throw new Error(`${rel}: expected a loader shim ending in await import('./x.ts')`);
      writeFileSync(
        out,
        `// Compiled from ${rel}: the worker needs no loader.\nawait import('${target}.js');\n`,
      );
    } else cpSync(file, out);
  }
  for (const file of filesUnder(join(dist, 'src'))) {
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(TS_URL, '$1$2$3.js$2');
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

function build() {
  const tsc = findTsc();
  if (!tsc) {
    console.warn('laurel build: TypeScript is not installed; Laurel will run from its sources.');
    return;
  }
  buildLibrary();
  // Built beside dist/ and moved into place at the end, so a process starting meanwhile, or a
  // second build, never sees half a build.
  const out = mkdtempSync(join(ROOT_DIR, '.dist-'));
  try {
    const inOut = (path) => join(out, relative(DIST_DIR, path));
    writeFileSync(inOut(STAMP), `${new Date().toISOString()}\n`);
    execFileSync(process.execPath, [tsc, '-p', at('tsconfig.build.json'), '--outDir', out], {
      stdio: 'inherit',
      cwd: ROOT_DIR,
    });
    placeJsxRuntime(out);
    completeSources(out);
    mkdirSync(dirname(inOut(DIST_ENTRY)), { recursive: true });
    writeFileSync(
      inOut(DIST_ENTRY),
      "// The compiled `laurel` command (scripts/build.mjs).\nimport { main } from '../src/cli.js';\n\nprocess.exitCode = await main(process.argv.slice(2));\n",
    );
    rmSync(DIST_DIR, { recursive: true, force: true });
    renameSync(out, DIST_DIR);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (!(process.argv.includes('--if-stale') && distIsCurrent())) {
  const started = Date.now();
  build();
  console.log(`laurel build: dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
