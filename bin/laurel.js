#!/usr/bin/env node
// The `laurel` command. It runs the build in dist/ (scripts/build.mjs, run by `npm install` and
// `npm start`) when that build is of the current sources; otherwise, and whenever the format
// library's source condition is asked for (tests, development), it runs the TypeScript sources
// through tsx's loader, so a fresh clone works with no build step.
import { register as registerHook } from 'node:module';
import { pathToFileURL } from 'node:url';
import { DIST_ENTRY, distIsCurrent } from './compiled.mjs';

const SOURCE_CONDITION = '--conditions=laurel-source';
const sourceAsked =
  process.env.LAUREL_FROM_SOURCE === '1' ||
  process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION) ||
  process.execArgv.includes(SOURCE_CONDITION);

if (!sourceAsked && distIsCurrent()) {
  await import(pathToFileURL(DIST_ENTRY).href);
} else {
  // The format library runs from its sources too: this process gets the `laurel-source` condition
  // from a hook, the processes it starts from NODE_OPTIONS.
  if (!process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION))
    process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(' ');
  registerHook('./source-condition.mjs', import.meta.url);
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli.ts');
  process.exitCode = await main(process.argv.slice(2));
}
