// Worker threads start without the parent's TypeScript loader (tsx under `npm start`, Vite
// under vitest) and without its module hooks: add the format library's source condition and
// register tsx here, then load the worker itself.
import { register as registerHook } from 'node:module';
import { register } from 'tsx/esm/api';

registerHook('../../bin/source-condition.mjs', import.meta.url);
register();
await import('./sign-worker.ts');
