import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { useTestApp } from '../http/testing.ts';
import { expectValidCredential } from './test-support.ts';
import { issueTestAward } from './testing.ts';

const jwtPayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('the credential of an issued award', () => {
  const t = useTestApp('pglite');
  const config = testConfig();

  it('lists each context once, the two OB 3.0 requires first, and still verifies everywhere', async () => {
    const { award } = await issueTestAward(t.ctx);
    const expected = [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    ];
    expect(JSON.parse(award.credentialJson)['@context']).toEqual(expected);
    expect(jwtPayload(award.credentialJwt)['@context']).toEqual(expected);
    await expectValidCredential(t.app, config.baseUrl, award);
  });
});
