export * from './build.ts';
export * from './identity.ts';
export type * from './types.ts';
export { ACHIEVEMENT_TYPES } from './types.ts';
export * from './validate.ts';
