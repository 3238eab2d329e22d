// An organization's Ed25519 signing keys: one active, the retired ones kept so that what they
// signed still verifies; secrets sealed at rest (key-vault.ts).
import { buildDidWebDocument, generateEd25519KeyPair, publicKeyToMultibase } from '@laurel/openbadges/proof';
import type { Config } from '../config.ts';
import type { Db, Executor } from '../db/index.ts';
import { LaurelError } from '../errors.ts';
import { openSecret, sealSecret } from './key-vault.ts';
import { issuerDid } from './presenters.ts';
import type { Org } from './service.ts';

export interface OrgKey {
  id: string;
  keyId: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

export async function insertKey(trx: Executor, config: Config, orgId: string): Promise<void> {
  const pair = generateEd25519KeyPair();
  await trx
    .insertInto('orgKeys')
    .values({
      orgId: orgId,
      keyId: publicKeyToMultibase(pair.publicKey),
      publicKey: Buffer.from(pair.publicKey),
      secretSealed: sealSecret(config.secret, orgId, pair.secretKey),
      status: 'active',
    })
    .execute();
}

export async function listKeys(db: Executor, config: Config, org: Org): Promise<OrgKey[]> {
  const did = issuerDid(config, org.slug);
  const rows = await db
    .selectFrom('orgKeys')
    .select(['id', 'keyId', 'status', 'createdAt', 'retiredAt'])
    .where('orgId', '=', org.id)
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, verificationMethod: `${did}#${r.keyId}`, publicKeyMultibase: r.keyId }));
}

/** The active key becomes retired (kept in did.json for verification) and a new one becomes active. */
export async function rotateKey(db: Db, config: Config, orgId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Lock the org row so that two rotations at once cannot leave two active keys.
    await trx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    await trx
      .updateTable('orgKeys')
      .set({ status: 'retired', retiredAt: new Date() })
      .where('orgId', '=', orgId)
      .where('status', '=', 'active')
      .execute();
    await insertKey(trx, config, orgId);
  });
}

export interface SigningKey {
  verificationMethod: string;
  issuerId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** The active key of the organization, decrypted. */
export async function getSigningKey(db: Executor, config: Config, orgId: string): Promise<SigningKey> {
  const row = await db
    .selectFrom('orgKeys')
    .innerJoin('orgs', 'orgs.id', 'orgKeys.orgId')
    .select(['orgs.slug', 'orgKeys.keyId', 'orgKeys.publicKey', 'orgKeys.secretSealed'])
    .where('orgKeys.orgId', '=', orgId)
    .where('orgKeys.status', '=', 'active')
    .executeTakeFirst();
  if (!row) throw new LaurelError('UNAVAILABLE', 'This organization has no active signing key.');
  const issuerId = issuerDid(config, row.slug);
  return {
    verificationMethod: `${issuerId}#${row.keyId}`,
    issuerId,
    secretKey: openSecret(config.secret, orgId, row.secretSealed),
    publicKey: new Uint8Array(row.publicKey),
  };
}

/** The did:web document: every key, active and retired, as a Multikey assertion method. */
export async function didDocument(db: Executor, config: Config, org: Org) {
  const did = issuerDid(config, org.slug);
  const rows = await db
    .selectFrom('orgKeys')
    .select(['keyId', 'publicKey'])
    .where('orgId', '=', org.id)
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .execute();
  return buildDidWebDocument({
    did,
    keys: rows.map((r) => ({ id: `#${r.keyId}`, publicKey: new Uint8Array(r.publicKey) })),
  });
}
