// Every feature of the platform, registered in this order, each in its own scope.
// One line per feature.
import { apiDocsFeature } from '../api-docs/index.ts';
import { apiKeysFeature } from '../apikeys/index.ts';
import { issuingFeature } from '../issuing/index.ts';
import { orgsFeature } from '../orgs/index.ts';
import { templatesFeature } from '../templates/index.ts';
import { verificationFeature } from '../verification/index.ts';
import type { Feature } from './context.ts';

export const features: Feature[] = [
  orgsFeature,
  templatesFeature,
  issuingFeature,
  apiKeysFeature,
  apiDocsFeature,
  verificationFeature,
];
