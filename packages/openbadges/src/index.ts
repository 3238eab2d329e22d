/**
 * @laurel/openbadges: build, sign, bake, check the status of and verify Open Badges 2.0 and 3.0
 * credentials. No database, no server, no process.env: every input and all I/O (fetch, clock,
 * JSON-LD loader) comes from the caller. Sub-paths (`@laurel/openbadges/ob3`, `/proof`, …) export
 * each module on its own.
 */
export * from './errors.ts';
export * from './ob3/index.ts';
export * from './ob2/index.ts';
export * from './proof/index.ts';
export * from './bake/index.ts';
export * from './status/index.ts';
export * from './contexts/index.ts';
export * from './verify/index.ts';
// Both ob3 (the credential's entry) and status (the list side) name this type; they agree.
export type { BitstringStatusListEntry } from './ob3/index.ts';
