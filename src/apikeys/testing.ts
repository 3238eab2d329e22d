/** Factory for tests of any feature: an API key of an org. */
import type { Db } from '../db/index.ts';
import type { Org } from '../orgs/service.ts';
import { type ApiScope, createApiKey } from './service.ts';

/** An API key of `org` holding `scopes`: the secret to send, and the key's row as listed. */
export function makeApiKey(db: Db, org: Pick<Org, 'id'>, scopes: ApiScope[], name = 'LMS') {
  return createApiKey(db, { orgId: org.id, name, scopes });
}
