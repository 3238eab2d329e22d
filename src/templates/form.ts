import type { FastifyRequest } from 'fastify';
import { field } from '../orgs/forms.ts';
import { type Design, parseDesign } from './designer.ts';
import {
  type Alignment,
  MAX_ALIGNMENTS,
  type TemplateInput,
  type Template,
  normalizeTags,
} from './service.ts';
import type { ExpiryKind, TemplateStatus } from './tables.ts';

export const ALIGNMENT_KEYS = [
  'targetName',
  'targetUrl',
  'targetFramework',
  'targetCode',
  'targetDescription',
] as const;
/** The empty alignment block the editor always offers below the filled ones. */
export const EMPTY_ALIGNMENT_ROWS = 1;
/** The editor's "add another alignment" submit: re-render with one more block, save nothing. */
export const ADD_ALIGNMENT = 'add-alignment';

/** What the editor form shows: every value as the string the user typed. */
export type TemplateFormValues = Record<string, string>;

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

export function readTemplateForm(request: FastifyRequest): {
  values: TemplateFormValues;
  input: TemplateInput;
  /** The "add another alignment" submit: show the form again, one block longer, save nothing. */
  addingAlignment: boolean;
} {
  const names = [
    'name',
    'description',
    'criteriaNarrative',
    'criteriaUrl',
    'tags',
    'achievementType',
    'creditsAvailable',
    'level',
    'expiryKind',
    'expiryDate',
    'expiryMonths',
    'imageSource',
    'shape',
    'primary',
    'secondary',
    'designTitle',
    'subtitle',
    'icon',
  ];
  const values: TemplateFormValues = {};
  for (const n of names) values[n] = field(request, n);
  // Without JavaScript, "add another" posts the form: the page comes back one block longer.
  const addingAlignment = field(request, 'intent') === ADD_ALIGNMENT;
  if (addingAlignment) values.alignmentRows = String((Number(field(request, 'alignmentRows')) || 0) + 1);
  const alignments: Alignment[] = [];
  for (let i = 0; i < MAX_ALIGNMENTS; i++) {
    const row: Record<string, string> = {};
    for (const k of ALIGNMENT_KEYS) row[k] = field(request, `alignments.${i}.${k}`);
    if (ALIGNMENT_KEYS.some((k) => row[k])) {
      const index = alignments.length;
      for (const k of ALIGNMENT_KEYS) values[`alignments.${index}.${k}`] = row[k]!;
      alignments.push(row as unknown as Alignment);
    }
  }
  const kind = (
    ['none', 'date', 'months'].includes(values.expiryKind!) ? values.expiryKind : 'none'
  ) as ExpiryKind;
  const input: TemplateInput = {
    name: values.name!,
    description: values.description!,
    criteriaNarrative: values.criteriaNarrative!,
    criteriaUrl: values.criteriaUrl || null,
    tags: normalizeTags(values.tags!),
    alignments,
    achievementType: values.achievementType || 'Badge',
    creditsAvailable: values.creditsAvailable === '' ? null : Number(values.creditsAvailable),
    level: values.level || null,
    expiry: {
      kind,
      date:
        kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(values.expiryDate!)
          ? new Date(`${values.expiryDate}T00:00:00Z`)
          : null,
      months: kind === 'months' ? Number(values.expiryMonths) || 0 : null,
    },
  };
  return { values, input, addingAlignment };
}

export function designFromValues(values: Record<string, unknown>): Design {
  const title =
    typeof values.designTitle === 'string' && values.designTitle ? values.designTitle : values.name;
  return parseDesign({ ...values, title }, typeof values.name === 'string' ? values.name : undefined);
}

export const STATUS_ACTIONS: Record<
  TemplateStatus,
  { to: TemplateStatus; label: string; confirm: string }[]
> = {
  draft: [
    {
      to: 'active',
      label: 'Publish',
      confirm: 'Publish this template? It becomes public and can issue badges.',
    },
  ],
  active: [
    {
      to: 'archived',
      label: 'Archive',
      confirm: 'Archive this template? It can no longer issue badges; this cannot be undone.',
    },
  ],
  archived: [],
};
