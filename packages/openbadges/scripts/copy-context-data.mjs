// The context documents no npm package carries are read at run time beside the module that
// loads them (src/contexts/data), so the build copies them to the same place under dist.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/contexts/data', import.meta.url), new URL('../dist/contexts/data', import.meta.url), {
  recursive: true,
});
