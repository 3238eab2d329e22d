// What leaves the templates feature: the public documents of a template (OB 3.0 Achievement,
// OB 2.0 BadgeClass), the API's shape of a template, and the editor's view of one.
import { OB3_CONTEXT, VC_V2_CONTEXT } from '@laurel/openbadges/contexts';
import type { Config } from '../config.ts';
import type { Org } from '../orgs/service.ts';
import { issuerProfile, orgUrl } from '../orgs/presenters.ts';
import { type Design, parseDesign } from './designer.ts';
import { ALIGNMENT_KEYS } from './policy.ts';
import type { Template } from './service.ts';

export const templateUrl = (config: Config, org: Pick<Org, 'slug'>, t: Pick<Template, 'id'>) =>
  `${orgUrl(config, org.slug)}/badges/${t.id}`;

const criteriaOf = (template: Template) => {
  const criteria: Record<string, string> = { narrative: template.criteriaNarrative };
  if (template.criteriaUrl) criteria.id = template.criteriaUrl;
  return criteria;
};

/** The OB3 Achievement of a template (OB 3.0 §B.1.1), with the issuer Profile as creator. */
export function achievementFor(config: Config, org: Org, template: Template): Record<string, unknown> {
  const url = templateUrl(config, org, template);
  const achievement: Record<string, unknown> = {
    id: url,
    type: ['Achievement'],
    name: template.name,
    description: template.description,
    criteria: criteriaOf(template),
    image: { id: `${url}/image.png`, type: 'Image', caption: template.name },
    achievementType: template.achievementType,
    creator: issuerProfile(config, org),
  };
  if (template.tags.length) achievement.tag = template.tags;
  if (template.alignments.length) {
    achievement.alignment = template.alignments.map((a) => ({ type: ['Alignment'], ...a }));
  }
  if (template.creditsAvailable !== null) achievement.creditsAvailable = template.creditsAvailable;
  return achievement;
}

/** The Achievement as a JSON-LD document of its own (the public page's linked data). */
export const achievementDocument = (config: Config, org: Org, template: Template) => ({
  '@context': [VC_V2_CONTEXT, OB3_CONTEXT],
  ...achievementFor(config, org, template),
});

/** The OB2 BadgeClass (served at …/badgeclass.json). */
export function badgeClassFor(config: Config, org: Org, template: Template): Record<string, unknown> {
  const url = templateUrl(config, org, template);
  const badge: Record<string, unknown> = {
    '@context': 'https://w3id.org/openbadges/v2',
    id: `${url}/badgeclass.json`,
    type: 'BadgeClass',
    name: template.name,
    description: template.description,
    image: `${url}/image.png`,
    criteria: criteriaOf(template),
    issuer: `${orgUrl(config, org.slug)}/issuer.json`,
    tags: template.tags,
  };
  if (template.alignments.length) badge.alignment = template.alignments;
  return badge;
}

/** A template as the JSON API answers it (schema: TemplateSchema in routes.ts). */
export function presentTemplate(config: Config, org: Pick<Org, 'slug'>, t: Template) {
  const url = templateUrl(config, org, t);
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    criteriaNarrative: t.criteriaNarrative,
    criteriaUrl: t.criteriaUrl,
    tags: t.tags,
    alignments: t.alignments,
    achievementType: t.achievementType,
    creditsAvailable: t.creditsAvailable,
    level: t.level,
    expiry: {
      kind: t.expiry.kind,
      ...(t.expiry.date ? { date: t.expiry.date.toISOString() } : {}),
      ...(t.expiry.months ? { months: t.expiry.months } : {}),
    },
    status: t.status,
    achievementId: url,
    imageUrl: `${url}/image.png`,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** What the editor form shows: every value as the string the user typed. */
export type TemplateFormValues = Record<string, string>;

/** The designer's fields of the editor form, as the form names them. */
export function designValues(d: Design): TemplateFormValues {
  return {
    shape: d.shape,
    primary: d.primary,
    secondary: d.secondary,
    designTitle: d.title,
    subtitle: d.subtitle,
    icon: d.icon,
  };
}

/** The editor form filled in with a saved template. */
export function valuesFromTemplate(t: Template): TemplateFormValues {
  const v: TemplateFormValues = {
    name: t.name,
    description: t.description,
    criteriaNarrative: t.criteriaNarrative,
    criteriaUrl: t.criteriaUrl ?? '',
    tags: t.tags.join(', '),
    achievementType: t.achievementType,
    creditsAvailable: t.creditsAvailable === null ? '' : String(t.creditsAvailable),
    level: t.level ?? '',
    expiryKind: t.expiry.kind,
    expiryDate: t.expiry.date ? t.expiry.date.toISOString().slice(0, 10) : '',
    expiryMonths: t.expiry.months ? String(t.expiry.months) : '',
    imageSource: 'keep',
    ...designValues(t.design ?? parseDesign({}, t.name)),
  };
  t.alignments.forEach((a, i) => {
    for (const k of ALIGNMENT_KEYS) v[`alignments.${i}.${k}`] = a[k] ?? '';
  });
  return v;
}
