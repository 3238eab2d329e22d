import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOpenBadgesError } from '../../src/errors.ts';
import { decodeBitstring } from '../../src/status/bitstring.ts';
import { checkBitstringStatus } from '../../src/status/bitstring-credential.ts';
import { check1EdTechRevocation, checkOb2RevocationList } from '../../src/status/revocation-list.ts';

async function returnsOrTypedError(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!isOpenBadgesError(e)) throw e;
  }
}

const URL = 'https://issuer.example/status/1';

describe('status inputs from strangers', () => {
  it('decodeBitstring: any string returns bytes or a typed error', async () => {
    const gzipLike = fc
      .uint8Array({ maxLength: 200 })
      .map((b) => `uH4sI${Buffer.from(b).toString('base64url')}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), gzipLike), async (s) =>
        returnsOrTypedError(() => decodeBitstring(s)),
      ),
      { numRuns: 200 },
    );
  });

  it('checkBitstringStatus: arbitrary entries and list documents only ever fail with typed errors', async () => {
    const strange = fc.anything({
      withBigInt: true,
      withNullPrototype: true,
      withMap: true,
      withBoxedValues: true,
    });
    const entry = fc.oneof(
      strange,
      fc.record({
        type: fc.constantFrom('BitstringStatusListEntry', 'StatusList2021Entry', 'X'),
        statusPurpose: fc.constantFrom('revocation', 'suspension', 'message'),
        statusListIndex: fc.oneof(fc.nat().map(String), fc.string(), fc.integer()),
        statusListCredential: fc.constantFrom(URL, 'nope'),
      }),
    );
    const doc = fc.oneof(
      strange,
      fc.record({
        type: fc.constant(['VerifiableCredential', 'BitstringStatusListCredential']),
        credentialSubject: fc.record({
          type: fc.constant('BitstringStatusList'),
          statusPurpose: fc.constantFrom('revocation', 'suspension'),
          encodedList: fc.oneof(
            fc.string(),
            fc.constant('uH4sIAAAAAAAA_-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA'),
          ),
        }),
        validFrom: fc.oneof(fc.string(), fc.constant('2020-01-01T00:00:00Z')),
      }),
    );
    await fc.assert(
      fc.asyncProperty(entry, doc, async (e, d) => {
        await returnsOrTypedError(() => checkBitstringStatus(e, { fetchJson: async () => d }));
        await returnsOrTypedError(() => check1EdTechRevocation(e, 'urn:x', { fetchJson: async () => d }));
        await returnsOrTypedError(() => checkOb2RevocationList(d, { id: 'urn:x' }));
      }),
      { numRuns: 200 },
    );
    expect(true).toBe(true);
  });
});
