// Whether dist/ holds a build of the current sources. Shared by bin/laurel.js (run the build
// when it is current) and scripts/build.mjs (build when it is not).
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
export const ROOT_DIR = fileURLToPath(ROOT);
export const DIST_DIR = fileURLToPath(new URL('dist/', ROOT));
/** The compiled `laurel` command: what bin/laurel.js runs, and what the supervisor forks. */
export const DIST_ENTRY = fileURLToPath(new URL('dist/bin/laurel.js', ROOT));
/** Written when a build starts, so a source saved during the build makes dist stale again. */
export const STAMP = fileURLToPath(new URL('dist/.built', ROOT));

/** What the build reads: a change to any of these makes dist stale. */
export const SOURCES = [
  'src',
  'packages/jsx/src',
  'packages/openbadges/src',
  'tsconfig.json',
  'tsconfig.build.json',
].map((p) => fileURLToPath(new URL(p, ROOT)));

const mtimeOf = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/** The latest modification time under `path` (a file or a directory tree), 0 when missing. */
export function newestUnder(path) {
  const self = statSync(path, { throwIfNoEntry: false });
  if (!self?.isDirectory()) return self?.mtimeMs ?? 0;
  let newest = self.mtimeMs;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true }))
    newest = Math.max(newest, mtimeOf(`${entry.parentPath}/${entry.name}`));
  return newest;
}

/** True when dist/ was built after the last change to any source. */
export function distIsCurrent() {
  const built = mtimeOf(STAMP);
  return built > 0 && mtimeOf(DIST_ENTRY) > 0 && SOURCES.every((p) => newestUnder(p) <= built);
}
