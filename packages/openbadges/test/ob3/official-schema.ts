import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { specJson } from '../proof/spec-files.ts';

// The official 1EdTech files are vendored verbatim in test/vectors and read by tests only.
export { specJson as readSpec };

const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2019) => void;
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
const schema = specJson('ob3/ob_v3p0_achievementcredential_schema.json');
export const ajvAchievementCredential: ValidateFunction = ajv.compile(schema);
export const ajvEndorsementCredential: ValidateFunction = ajv.compile({
  ...schema,
  $id: 'urn:laurel:test:endorsement',
  $ref: '#/$defs/EndorsementCredential',
  properties: undefined,
  required: undefined,
  type: undefined,
});
