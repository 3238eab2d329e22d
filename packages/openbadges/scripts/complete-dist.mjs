// Runs after tsc: what the compiler leaves out of dist/.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

// The context documents no npm package carries are read at run time beside the module that loads
// them (src/contexts/data), so they go to the same place under dist.
cpSync(new URL('../src/contexts/data', import.meta.url), new URL('contexts/data', dist), { recursive: true });

// tsc rewrites `./x.ts` imports to `./x.js` in the JavaScript it emits but not in the .d.ts files;
// written as `.js` they resolve for every TypeScript version that reads package exports.
const relativeTs = /(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g;
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const url = new URL(file, dist);
  const text = readFileSync(url, 'utf8');
  const rewritten = text.replace(relativeTs, '$1$2$3.js$2');
  if (rewritten !== text) writeFileSync(url, rewritten);
}
