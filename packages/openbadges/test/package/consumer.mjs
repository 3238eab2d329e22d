// A third party's program: plain Node, no TypeScript loader. Builds, signs, bakes and verifies a
// credential through the published entry points, and prints what it found as JSON.
import { fileURLToPath } from 'node:url';
import { bakeImage, unbakeImage } from '@laurel/openbadges/bake';
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
} from '@laurel/openbadges/proof';
import { verify } from '@laurel/openbadges/verify';
import * as everything from '@laurel/openbadges';

const { publicKey, secretKey } = generateEd25519KeyPair();
const did = didKeyFromPublicKey(publicKey);
const credential = buildOpenBadgeCredential({
  issuer: { id: did, name: 'Example Society' },
  validFrom: '2025-01-01T00:00:00Z',
  subject: { email: { address: 'ada@example.org' } },
  achievement: {
    id: 'https://society.example/achievements/teamwork',
    name: 'Teamwork',
    description: 'Works well in a team.',
    criteria: { narrative: 'Completed three team projects.' },
  },
});
const signed = await signDataIntegrity(credential, {
  secretKey,
  verificationMethod: didKeyVerificationMethod(did),
});
const offline = async (url) => {
  throw new Error(`no network in this test: ${url}`);
};
const report = await verify(signed, { fetch: offline, recipient: { email: 'Ada@Example.org' } });
const tampered = await verify({ ...signed, name: 'Something else' }, { fetch: offline });
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>';
const baked = bakeImage(new TextEncoder().encode(svg), { kind: 'ob3-json', text: JSON.stringify(signed) });
const fromImage = await verify(baked, { fetch: offline });
console.log(
  JSON.stringify({
    resolved: fileURLToPath(import.meta.resolve('@laurel/openbadges')),
    verdict: report.verdict,
    recipient: report.recipient?.matched,
    tampered: tampered.verdict,
    unbaked: unbakeImage(baked).text === JSON.stringify(signed),
    fromImage: fromImage.verdict,
    sameVerify: everything.verify === verify,
  }),
);
