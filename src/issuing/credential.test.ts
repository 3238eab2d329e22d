import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import type { AppContext } from '../http/context.ts';
import { buildServer } from '../http/server.ts';
import { checkAwardCredential } from './test-support.ts';
import { issueTestAward } from './testing.ts';
import { createAppContext } from '../features.ts';

const jwtPayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('the credential of an issued award', () => {
  const t = useTestDatabase('pglite');
  const config = testConfig();
  let ctx: AppContext;
  let app: FastifyInstance;
  beforeAll(async () => {
    ctx = createAppContext(t.db, config);
    app = await buildServer(ctx);
  });
  afterAll(() => app?.close());

  it('lists each context once, the two OB 3.0 requires first, and still verifies everywhere', async () => {
    const { award } = await issueTestAward(ctx);
    const expected = [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    ];
    expect(JSON.parse(award.credentialJson)['@context']).toEqual(expected);
    expect(jwtPayload(award.credentialJwt)['@context']).toEqual(expected);
    const checks = await checkAwardCredential(app, config.baseUrl, award.credentialJson, award.credentialJwt);
    expect(checks).toEqual({ library: true, jwt: true, digitalBazaar: true, schemaErrors: [] });
  });
});
