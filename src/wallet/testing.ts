// Factory for tests of any feature that needs a badge in someone's wallet.
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
} from '@laurel/openbadges/proof';
import { acceptClaim } from '../claims/service.ts';
import type { AppContext } from '../http/context.ts';
import { type TestAward, issueTestAward } from '../issuing/testing.ts';
import type { IssueAwardInput } from '../issuing/issue.ts';
import { type WalletItem, setVisibility } from './service.ts';
import type { Visibility } from './tables.ts';

/**
 * Issues a real award to `user.email`, accepts it with its claim link as `user`, and sets the
 * wallet item's visibility (private unless asked).
 */
export async function makeWalletBadge(
  ctx: AppContext,
  user: { id: string; email: string },
  opts: Partial<IssueAwardInput> & { visibility?: Visibility } & Partial<
      Pick<TestAward, 'org' | 'template'>
    > = {},
): Promise<TestAward & { item: WalletItem }> {
  const { visibility = 'private', ...issue } = opts;
  const issued = await issueTestAward(ctx, { ...issue, recipientEmail: user.email });
  let item = await acceptClaim(ctx, issued.claimToken, user.id);
  if (visibility !== 'private') item = await setVisibility(ctx.db, user.id, item.id, visibility);
  return { ...issued, item };
}

/** An OB 3.0 credential signed by a fresh did:key issuer elsewhere, importable by `email`'s owner. */
export async function signedCredential(email: string, name = 'Imported Skill') {
  const keys = generateEd25519KeyPair();
  const did = didKeyFromPublicKey(keys.publicKey);
  const unsigned = buildOpenBadgeCredential({
    issuer: { id: did, name: 'Elsewhere Institute' },
    validFrom: '2024-01-01T00:00:00Z',
    subject: { email: { address: email, salt: 'pepper' } },
    achievement: { id: 'https://example.org/badges/1', name, description: 'Did it.', criteria: 'Do it.' },
  });
  return signDataIntegrity(unsigned, {
    secretKey: keys.secretKey,
    verificationMethod: didKeyVerificationMethod(did),
  });
}
