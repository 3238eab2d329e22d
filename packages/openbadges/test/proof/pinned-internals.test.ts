import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The fast JSON-LD → RDF path (src/proof/fast-rdf.ts, canonize.ts) reaches into jsonld.js and
// rdf-canonize internals (jsonld/lib/context.js, ContextResolver, _canonizeSync), which no semver
// range protects: an upgrade must be a deliberate change, made after re-checking those internals.
const PINNED = ['jsonld', 'rdf-canonize'] as const;

const readJson = (url: URL | string) => JSON.parse(readFileSync(url, 'utf8'));
const library = readJson(new URL('../../package.json', import.meta.url));
const root = readJson(new URL('../../../../package.json', import.meta.url));
// Resolved from where the library's sources resolve them, so this is the copy they load.
const requireFromSource = createRequire(new URL('../../src/proof/canonize.ts', import.meta.url));

describe('dependencies whose internals the library uses', () => {
  for (const name of PINNED) {
    it(`${name} is pinned to one exact version and that version is installed`, () => {
      const pinned: string = library.dependencies[name];
      expect(pinned, `@laurel/openbadges must pin ${name} to an exact version, not a range`).toMatch(
        /^\d+\.\d+\.\d+$/,
      );
      expect(
        root.dependencies[name],
        `the root package.json must pin ${name} to ${pinned} too, as @laurel/openbadges does`,
      ).toBe(pinned);
      const installed: string = readJson(requireFromSource.resolve(`${name}/package.json`)).version;
      expect(
        installed,
        `${name} ${installed} is installed, but @laurel/openbadges is tested against ${name} ${pinned} ` +
          '(src/proof/fast-rdf.ts and canonize.ts use its internals): check them against the new ' +
          'version, run the proof tests, then change the pin in both package.json files.',
      ).toBe(pinned);
    });
  }
});
