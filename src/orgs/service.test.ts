import { publicKeyFromSecret, publicKeyToMultibase, resolveDidWeb } from '@laurel/openbadges/proof';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { didDocument, getSigningKey, listKeys, rotateKey } from './keys.ts';
import { addMember, changeRole, listMembers, moveMemberships, removeMember } from './members.ts';
import { issuerDid, issuerProfile } from './presenters.ts';
import { createOrg, getOrgById, getOrgBySlug, listOrgsForUser, updateOrg } from './service.ts';
import { makeOrg, makeTestUser } from './testing.ts';

const config = testConfig({ baseUrl: 'http://localhost:3000' });

describe('issuer identity', () => {
  it('encodes the port in the did:web and builds the Profile', () => {
    expect(issuerDid(config, 'acme')).toBe('did:web:localhost%3A3000:orgs:acme');
    expect(issuerDid(testConfig({ baseUrl: 'https://badges.example.org' }), 'acme')).toBe(
      'did:web:badges.example.org:orgs:acme',
    );
  });
});

describe.each(DIALECTS)('organizations on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('creates an org with its owner and an encrypted active key', async () => {
    const owner = await makeTestUser(t.db);
    const org = await createOrg(
      t.db,
      config,
      {
        slug: 'acme-society',
        name: 'ACME Society',
        website: 'https://acme.test',
        contactEmail: ' Info@ACME.test ',
      },
      owner.id,
    );
    expect(org).toMatchObject({
      slug: 'acme-society',
      contactEmail: 'info@acme.test',
      reminderDays: [7, 30],
    });
    expect(await getOrgBySlug(t.db, 'acme-society')).toEqual(org);
    expect(await getOrgById(t.db, org.id)).toEqual(org);
    expect(await getOrgById(t.db, 'not-a-uuid')).toBeNull();
    expect(await listOrgsForUser(t.db, owner.id)).toEqual([{ org, role: 'owner' }]);

    const key = await getSigningKey(t.db, config, org.id);
    expect(key.issuerId).toBe('did:web:localhost%3A3000:orgs:acme-society');
    expect(key.verificationMethod).toBe(`${key.issuerId}#${publicKeyToMultibase(key.publicKey)}`);
    expect(Buffer.from(publicKeyFromSecret(key.secretKey)).equals(Buffer.from(key.publicKey))).toBe(true);
    const stored = await t.db
      .selectFrom('orgKeys')
      .select('secretSealed')
      .where('orgId', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(stored.secretSealed).includes(Buffer.from(key.secretKey))).toBe(false);
    // A different server secret cannot open it.
    await expect(getSigningKey(t.db, testConfig({ secret: Buffer.alloc(32, 9) }), org.id)).rejects.toThrow(
      /decrypted/,
    );

    expect(issuerProfile(config, org)).toEqual({
      id: key.issuerId,
      type: ['Profile'],
      name: 'ACME Society',
      url: 'http://localhost:3000/orgs/acme-society',
      email: 'info@acme.test',
    });
  });

  it('refuses bad, reserved and taken slugs and bad fields, with field errors', async () => {
    await makeOrg(t.db, { slug: 'taken-slug' });
    await expect(createOrg(t.db, config, { slug: 'taken-slug', name: 'X' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(createOrg(t.db, config, { slug: 'admin', name: 'X' })).rejects.toMatchObject({
      code: 'INVALID',
      fields: [{ field: 'slug' }],
    });
    await expect(
      createOrg(t.db, config, {
        slug: '-bad',
        name: '',
        website: 'javascript:alert(1)',
        contactEmail: 'nope',
        linkedinOrgId: 'abc',
      }),
    ).rejects.toMatchObject({
      fields: [
        { field: 'slug' },
        { field: 'name' },
        { field: 'website' },
        { field: 'contactEmail' },
        { field: 'linkedinOrgId' },
      ],
    });
  });

  it('updates settings', async () => {
    const org = await makeOrg(t.db);
    const updated = await updateOrg(t.db, org.id, {
      name: 'Renamed',
      linkedinOrgId: '12345',
      reminderDays: [3, 14],
    });
    expect(updated).toMatchObject({ name: 'Renamed', linkedinOrgId: '12345', reminderDays: [3, 14] });
  });

  it('rotates keys: the new one signs, every key stays in did.json, which resolves', async () => {
    const org = await makeOrg(t.db);
    const first = await getSigningKey(t.db, config, org.id);
    await rotateKey(t.db, config, org.id);
    const second = await getSigningKey(t.db, config, org.id);
    expect(second.verificationMethod).not.toBe(first.verificationMethod);
    const keys = await listKeys(t.db, config, org);
    expect(keys.map((k) => k.status).sort()).toEqual(['active', 'retired']);
    const doc = await didDocument(t.db, config, org);
    expect(doc.assertionMethod).toEqual(
      expect.arrayContaining([first.verificationMethod, second.verificationMethod]),
    );
    const resolved = await resolveDidWeb(first.issuerId, async (url) => {
      expect(url).toBe(`http://localhost:3000/orgs/${org.slug}/did.json`);
      return doc;
    });
    expect(resolved.id).toBe(first.issuerId);
  });

  it('keeps at least one owner', async () => {
    const owner = await makeTestUser(t.db);
    const other = await makeTestUser(t.db, 'Other');
    const org = await makeOrg(t.db, { ownerUserId: owner.id });
    await expect(changeRole(t.db, org.id, owner.id, 'admin')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(removeMember(t.db, org.id, owner.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await addMember(t.db, org.id, other.id, 'owner');
    await changeRole(t.db, org.id, owner.id, 'viewer');
    const members = await listMembers(t.db, org.id);
    expect(members.map((m) => [m.name, m.role]).sort()).toEqual([
      ['Other', 'owner'],
      ['Test User', 'viewer'],
    ]);
    await removeMember(t.db, org.id, owner.id);
    expect((await listMembers(t.db, org.id)).length).toBe(1);
  });

  it('moves memberships on account merge, keeping the higher role', async () => {
    const from = await makeTestUser(t.db, 'From');
    const to = await makeTestUser(t.db, 'To');
    const a = await makeOrg(t.db, { ownerUserId: from.id });
    const b = await makeOrg(t.db);
    await addMember(t.db, b.id, from.id, 'viewer');
    await addMember(t.db, b.id, to.id, 'admin');
    await t.db.transaction().execute((trx) => moveMemberships(trx, from.id, to.id));
    const roles = (await listOrgsForUser(t.db, to.id)).map((m) => [m.org.id, m.role]);
    expect(roles).toEqual(
      expect.arrayContaining([
        [a.id, 'owner'],
        [b.id, 'admin'],
      ]),
    );
    expect(await listOrgsForUser(t.db, from.id)).toEqual([]);
  });
});
