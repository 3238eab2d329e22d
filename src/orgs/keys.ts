// An organization's Ed25519 signing keys: one active, the retired ones kept so that what they
// signed still verifies; secrets sealed at rest (key-vault.ts).
import { buildDidWebDocument, generateEd25519KeyPair, publicKeyToMultibase } from '@laurel/openbadges/proof';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { LaurelError } from '../errors.ts';
import { openSecret, sealSecret } from './key-vault.ts';
import { issuerDid } from './presenters.ts';
import type { Handle, Org } from './service.ts';

export interface OrgKey {
  id: string;
  keyId: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

export async function insertKey(trx: Handle, config: Config, orgId: string): Promise<void> {
  const pair = generateEd25519KeyPair();
  await trx
    .insertInto('org_keys')
    .values({
      org_id: orgId,
      key_id: publicKeyToMultibase(pair.publicKey),
      public_key: Buffer.from(pair.publicKey),
      secret_sealed: sealSecret(config.secret, orgId, pair.secretKey),
      status: 'active',
    })
    .execute();
}

export async function listKeys(db: Handle, config: Config, org: Org): Promise<OrgKey[]> {
  const did = issuerDid(config, org.slug);
  const rows = await db
    .selectFrom('org_keys')
    .select(['id', 'key_id', 'status', 'created_at', 'retired_at'])
    .where('org_id', '=', org.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    keyId: r.key_id,
    verificationMethod: `${did}#${r.key_id}`,
    publicKeyMultibase: r.key_id,
    status: r.status,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  }));
}

/** The active key becomes retired (kept in did.json for verification) and a new one becomes active. */
export async function rotateKey(db: Db, config: Config, orgId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Lock the org row so that two rotations at once cannot leave two active keys.
    await trx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    await trx
      .updateTable('org_keys')
      .set({ status: 'retired', retired_at: new Date() })
      .where('org_id', '=', orgId)
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
export async function getSigningKey(db: Handle, config: Config, orgId: string): Promise<SigningKey> {
  const row = await db
    .selectFrom('org_keys')
    .innerJoin('orgs', 'orgs.id', 'org_keys.org_id')
    .select(['orgs.slug', 'org_keys.key_id', 'org_keys.public_key', 'org_keys.secret_sealed'])
    .where('org_keys.org_id', '=', orgId)
    .where('org_keys.status', '=', 'active')
    .executeTakeFirst();
  if (!row) throw new LaurelError('UNAVAILABLE', 'This organization has no active signing key.');
  const issuerId = issuerDid(config, row.slug);
  return {
    verificationMethod: `${issuerId}#${row.key_id}`,
    issuerId,
    secretKey: openSecret(config.secret, orgId, row.secret_sealed),
    publicKey: new Uint8Array(row.public_key),
  };
}

/** The did:web document: every key, active and retired, as a Multikey assertion method. */
export async function didDocument(db: Handle, config: Config, org: Org) {
  const did = issuerDid(config, org.slug);
  const rows = await db
    .selectFrom('org_keys')
    .select(['key_id', 'public_key'])
    .where('org_id', '=', org.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return buildDidWebDocument({
    did,
    keys: rows.map((r) => ({ id: `#${r.key_id}`, publicKey: new Uint8Array(r.public_key) })),
  });
}
