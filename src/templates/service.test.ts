import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { specJson } from '../../packages/openbadges/test/proof/spec-files.ts';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { Runtime } from '../http/runtime.ts';
import { makeOrg } from '../orgs/testing.ts';
import { parseDesign, renderDesignSvg } from './designer.ts';
import { renderPng } from './render.ts';
import { countTemplates, getTemplate, listTemplates, templateImage, updateTemplate } from './service.ts';
import { achievementFor, badgeClassFor } from './presenters.ts';
import { validUntilFor } from './policy.ts';
import { makeTemplate } from './testing.ts';

const config = testConfig();
// The raster pool that draws these tests' images, ended with the file.
const runtime = new Runtime();
afterAll(() => runtime.close());
const schema = specJson('ob3/ob_v3p0_achievementcredential_schema.json');

function validator() {
  // The CJS default export is seen differently by tsc and by Node.
  type Validate = ((data: unknown) => boolean) & { errors?: unknown };
  const Ajv = ((Ajv2019 as unknown as { default?: unknown }).default ?? Ajv2019) as unknown as new (
    opts: object,
  ) => { compile(schema: unknown): Validate };
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  return ajv.compile(schema);
}

describe('expiry policy', () => {
  it('adds calendar months, clamping to the end of a shorter month', () => {
    const at = new Date('2026-01-31T10:00:00Z');
    expect(validUntilFor({ expiry: { kind: 'none' } }, at)).toBeNull();
    expect(validUntilFor({ expiry: { kind: 'months', months: 1 } }, at)?.toISOString()).toBe(
      '2026-02-28T10:00:00.000Z',
    );
    expect(validUntilFor({ expiry: { kind: 'months', months: 12 } }, at)?.toISOString()).toBe(
      '2027-01-31T10:00:00.000Z',
    );
    const fixed = new Date('2030-06-01T00:00:00Z');
    expect(validUntilFor({ expiry: { kind: 'date', date: fixed } }, at)).toEqual(fixed);
  });
});

describe('designer', () => {
  it('renders the same PNG bytes for the same input, and escapes text', async () => {
    const design = parseDesign({
      shape: 'shield',
      icon: 'trophy',
      title: 'Data <Science> & Co',
      subtitle: 'Level 2',
      primary: '#112233',
      secondary: '#ffeeaa',
    });
    const svg = renderDesignSvg(design);
    expect(svg).toContain('Data &lt;Science&gt; &amp; Co');
    expect(svg).not.toContain('<Science>');
    const a = await renderPng(runtime, svg);
    const b = await renderPng(runtime, renderDesignSvg(parseDesign({ ...design })));
    expect(a.equals(b)).toBe(true);
    expect(a.readUInt32BE(16)).toBe(600);
    expect(a.readUInt32BE(20)).toBe(600);
  });

  it('ignores hostile or unknown parameters', () => {
    const d = parseDesign({ shape: 'x"/><script>', primary: 'red;}', icon: 'evil', title: 'A'.repeat(500) });
    expect(d.shape).toBe('circle');
    expect(d.primary).toBe('#1f5c4a');
    expect(d.icon).toBe('star');
    expect(d.title.length).toBeLessThanOrEqual(48);
  });

  it('draws text with the shipped font (text changes the pixels)', async () => {
    const base = { shape: 'square', icon: 'none' };
    const a = await renderPng(runtime, renderDesignSvg(parseDesign({ ...base, title: 'Alpha' })));
    const b = await renderPng(runtime, renderDesignSvg(parseDesign({ ...base, title: 'Omega' })));
    expect(a.equals(b)).toBe(false);
  });
});

describe.each(DIALECTS)('badge templates on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const writer = () => ({ db: t.db, runtime });

  it('stores a template and gives an Achievement valid against the OB 3.0 schema', async () => {
    const org = await makeOrg(t.db, { contactEmail: 'office@example.org' });
    const tpl = await makeTemplate(writer(), org, {
      name: 'Python Basics',
      tags: ['python', ' programming ', 'python'],
      criteriaUrl: 'https://example.org/criteria',
      alignments: [
        {
          targetName: 'ESCO programming',
          targetUrl: 'https://esco.example/skill/1',
          targetCode: 'S1',
          targetFramework: 'ESCO',
        },
      ],
      achievementType: 'Certificate',
      creditsAvailable: 2.5,
      expiry: { kind: 'months', months: 24 },
    });
    const got = await getTemplate(t.db, tpl.id);
    expect(got).toMatchObject({
      name: 'Python Basics',
      tags: ['python', 'programming'],
      creditsAvailable: 2.5,
      expiry: { kind: 'months', months: 24 },
      status: 'active',
      hasSvg: true,
    });
    const achievement = achievementFor(config, org, got!);
    expect(achievement).toMatchObject({
      id: `http://localhost:3000/orgs/${org.slug}/badges/${tpl.id}`,
      type: ['Achievement'],
      image: { id: `http://localhost:3000/orgs/${org.slug}/badges/${tpl.id}/image.png`, type: 'Image' },
      criteria: {
        id: 'https://example.org/criteria',
        narrative: 'Attend the full course and pass the final quiz.',
      },
      alignment: [{ type: ['Alignment'], targetName: 'ESCO programming' }],
      creator: { id: `did:web:localhost%3A3000:orgs:${org.slug}`, type: ['Profile'] },
    });
    const credential = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:2f1e2a4c-1111-4a4a-8b8b-000000000001',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: achievement.creator,
      validFrom: '2026-01-01T00:00:00Z',
      name: 'Python Basics',
      credentialSubject: {
        type: ['AchievementSubject'],
        identifier: [
          { type: 'IdentityObject', identityHash: 'sha256$00', identityType: 'emailAddress', hashed: true },
        ],
        achievement,
      },
    };
    const validate = validator();
    expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);

    expect(badgeClassFor(config, org, got!)).toMatchObject({
      id: `http://localhost:3000/orgs/${org.slug}/badges/${tpl.id}/badgeclass.json`,
      type: 'BadgeClass',
      issuer: `http://localhost:3000/orgs/${org.slug}/issuer.json`,
      criteria: { id: 'https://example.org/criteria' },
      tags: ['python', 'programming'],
    });
    const png = await templateImage(t.db, tpl.id, 'png');
    expect(png?.subarray(1, 4).toString()).toBe('PNG');
    expect((await templateImage(t.db, tpl.id, 'svg'))?.toString()).toContain('<svg');
  });

  it('enforces draft → active → archived and validates fields', async () => {
    const org = await makeOrg(t.db);
    const tpl = await makeTemplate(writer(), org, { status: 'draft' });
    await expect(updateTemplate(writer(), tpl.id, { status: 'archived' })).rejects.toMatchObject({
      code: 'INVALID',
      fields: [{ field: 'status' }],
    });
    await updateTemplate(writer(), tpl.id, { status: 'active' });
    await updateTemplate(writer(), tpl.id, { status: 'archived' });
    await expect(updateTemplate(writer(), tpl.id, { status: 'active' })).rejects.toMatchObject({
      code: 'INVALID',
    });
    await expect(
      makeTemplate(writer(), org, {
        description: '',
        criteriaUrl: 'ftp://x',
        alignments: [{ targetName: '', targetUrl: 'nope' }],
        expiry: { kind: 'months', months: 0 },
        achievementType: 'Bogus',
      }),
    ).rejects.toMatchObject({
      fields: [
        { field: 'description' },
        { field: 'criteriaUrl' },
        { field: 'alignments.0.targetName' },
        { field: 'alignments.0.targetUrl' },
        { field: 'achievementType' },
        { field: 'expiryMonths' },
      ],
    });
    expect(await countTemplates(t.db, org.id)).toEqual({ draft: 0, active: 0, archived: 1 });
    expect((await listTemplates(t.db, org.id, { status: 'active' })).length).toBe(0);
    expect(await getTemplate(t.db, 'nope')).toBeNull();
  });
});
