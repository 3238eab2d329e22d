// The template editor's form: its fields (schema), and what it typed turned into a template's
// input. The schema only bounds the fields; the rules, with their messages, are the policy's,
// so the editor and the API answer a bad template the same way.
import { Type } from 'typebox';
import type { FormValues } from '../http/forms.ts';
import { FormBody, FormText } from '../http/schemas.ts';
import { type Design, parseDesign } from './designer.ts';
import {
  ALIGNMENT_KEYS,
  MAX_ALIGNMENTS,
  TEMPLATE_STATUSES,
  type TemplateInput,
  normalizeTags,
} from './policy.ts';
import type { TemplateFormValues } from './presenters.ts';
import type { AlignmentRow, ExpiryKind, TemplateStatus } from './tables.ts';

/** The empty alignment block the editor always offers below the filled ones. */
export const EMPTY_ALIGNMENT_ROWS = 1;
/** The editor's "add another alignment" submit: re-render with one more block, save nothing. */
export const ADD_ALIGNMENT = 'add-alignment';

const TEXT_FIELDS = [
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
  'intent',
  'alignmentRows',
] as const;

const alignmentField = (i: number, key: (typeof ALIGNMENT_KEYS)[number]) => `alignments.${i}.${key}`;

/** The editor's fields; the image file comes beside them (fileField). */
export const TemplateForm = FormBody({
  ...Object.fromEntries(TEXT_FIELDS.map((name) => [name, FormText()])),
  ...Object.fromEntries(
    Array.from({ length: MAX_ALIGNMENTS }, (_, i) =>
      ALIGNMENT_KEYS.map((key) => [alignmentField(i, key), FormText()]),
    ).flat(),
  ),
});

/** A status button's form. */
export const StatusForm = FormBody({
  status: Type.Union(
    TEMPLATE_STATUSES.map((s) => Type.Literal(s)),
    { 'x-message': 'Choose one of the options.' },
  ),
});

/** The designer's query (preview.svg) and fields: parseDesign keeps only what it knows. */
export const DesignQuery = Type.Object({
  ...Object.fromEntries(
    ['name', 'shape', 'icon', 'primary', 'secondary', 'designTitle', 'subtitle'].map((n) => [n, FormText()]),
  ),
});

export function designFromValues(values: Record<string, unknown>): Design {
  const title =
    typeof values.designTitle === 'string' && values.designTitle ? values.designTitle : values.name;
  return parseDesign({ ...values, title }, typeof values.name === 'string' ? values.name : undefined);
}

/**
 * What the editor posted: the values to show again (alignments numbered without the empty
 * blocks), the template input to save, and whether it was only "add another alignment".
 */
export function readTemplateForm(form: FormValues<typeof TemplateForm>): {
  values: TemplateFormValues;
  input: TemplateInput;
  addingAlignment: boolean;
} {
  // The fields are built from lists, so their type is the loose one; every value is text.
  const posted = form as Record<string, string>;
  const values: TemplateFormValues = {};
  for (const n of TEXT_FIELDS) if (n !== 'intent' && n !== 'alignmentRows') values[n] = posted[n] ?? '';
  // Without JavaScript, "add another" posts the form: the page comes back one block longer.
  const addingAlignment = posted.intent === ADD_ALIGNMENT;
  if (addingAlignment) values.alignmentRows = String((Number(posted.alignmentRows) || 0) + 1);
  const alignments: AlignmentRow[] = [];
  for (let i = 0; i < MAX_ALIGNMENTS; i++) {
    const row = Object.fromEntries(ALIGNMENT_KEYS.map((k) => [k, posted[alignmentField(i, k)] ?? '']));
    if (!ALIGNMENT_KEYS.some((k) => row[k])) continue;
    for (const k of ALIGNMENT_KEYS) values[alignmentField(alignments.length, k)] = row[k]!;
    alignments.push({ ...row, targetName: row.targetName!, targetUrl: row.targetUrl! });
  }
  const kind: ExpiryKind =
    values.expiryKind === 'date' || values.expiryKind === 'months' ? values.expiryKind : 'none';
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

/** The status buttons the editor offers from each status. */
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
