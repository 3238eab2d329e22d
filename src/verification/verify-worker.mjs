// Worker threads start without the parent's TypeScript loader (tsx under `npm start`, Vite
// under vitest): register tsx here, then load the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
