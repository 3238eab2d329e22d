// The signed BitstringStatusListCredential (W3C Bitstring Status List v1.0 §2.2): the library
// builds and encodes it (gzip + base64url multibase), the org's active key signs it.
import { signDataIntegrity } from '@laurel/openbadges/proof';
import { buildStatusListCredential, encodeBitstring } from '@laurel/openbadges/status';
import { isoSeconds } from '../util/dates.ts';

export async function signStatusListCredential(input: {
  id: string;
  issuer: string;
  purpose: 'revocation' | 'suspension';
  bits: Uint8Array;
  key: { verificationMethod: string; secretKey: Uint8Array };
  validFrom: Date;
}): Promise<string> {
  const credential = buildStatusListCredential({
    id: input.id,
    issuer: input.issuer,
    statusPurpose: input.purpose,
    encodedList: encodeBitstring(input.bits),
    validFrom: isoSeconds(input.validFrom),
  });
  const signed = await signDataIntegrity(credential, {
    secretKey: input.key.secretKey,
    verificationMethod: input.key.verificationMethod,
  });
  return JSON.stringify(signed);
}
