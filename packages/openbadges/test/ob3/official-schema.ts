import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';

// The official 1EdTech schema lives beside the repository (../shared/spec), read by tests only.
export const specDir = new URL('../../../../../shared/spec/', import.meta.url);
export const readSpec = (path: string): any => JSON.parse(readFileSync(new URL(path, specDir), 'utf8'));

const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2019) => void;
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
const schema = readSpec('ob3/ob_v3p0_achievementcredential_schema.json');
export const ajvAchievementCredential: ValidateFunction = ajv.compile(schema);
export const ajvEndorsementCredential: ValidateFunction = ajv.compile({
  ...schema,
  $id: 'urn:laurel:test:endorsement',
  $ref: '#/$defs/EndorsementCredential',
  properties: undefined,
  required: undefined,
  type: undefined,
});
