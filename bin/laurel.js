#!/usr/bin/env node
// The `laurel` command. The sources are TypeScript run through tsx's loader, so a
// fresh clone works after `npm install` with no build step.
import { register as registerHook } from 'node:module';
import { register } from 'tsx/esm/api';

// The format library runs from its sources too: this process gets the `laurel-source` condition
// from a hook, the processes it starts from NODE_OPTIONS.
const SOURCE_CONDITION = '--conditions=laurel-source';
if (!process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION))
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(' ');
registerHook('./source-condition.mjs', import.meta.url);
register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
