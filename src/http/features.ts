// Every feature of the platform, registered in this order, each in its own scope.
// One line per feature.
import { accountsFeature } from '../accounts/index.ts';
import { adminFeature } from '../admin/index.ts';
import { apiDocsFeature } from '../api-docs/index.ts';
import { apiKeysFeature } from '../apikeys/index.ts';
import { homeFeature } from '../home/index.ts';
import { issuingFeature } from '../issuing/index.ts';
import { orgsFeature } from '../orgs/index.ts';
import { templatesFeature } from '../templates/index.ts';
import { verificationFeature } from '../verification/index.ts';
import { claimsFeature } from '../claims/index.ts';
import { publicFeature } from '../public/index.ts';
import { sharingFeature } from '../sharing/index.ts';
import { walletFeature } from '../wallet/index.ts';
import type { Feature } from './context.ts';

export const features: Feature[] = [
  homeFeature,
  accountsFeature,
  adminFeature,
  orgsFeature,
  templatesFeature,
  issuingFeature,
  apiKeysFeature,
  apiDocsFeature,
  verificationFeature,
  claimsFeature,
  walletFeature,
  publicFeature,
  sharingFeature,
];
