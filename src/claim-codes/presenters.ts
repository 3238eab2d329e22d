// What leaves the claim-codes feature: the API shape of a set, the CSV of its codes, and the
// words the pages use for a set's state.
import { type Static, Type } from 'typebox';
import { Uuid } from '../http/schemas.ts';
import { isoSeconds } from '../util/dates.ts';
import { type SetState, stateAt } from './policy.ts';
import type { CodeLine, CodeSet, Redemption } from './service.ts';

const DateTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const CodeSetSchema = Type.Object({
  id: Uuid,
  templateId: Uuid,
  templateName: Type.String(),
  kind: Type.Union([Type.Literal('shared'), Type.Literal('batch')]),
  label: Type.String(),
  state: Type.Union(
    [
      Type.Literal('open'),
      Type.Literal('scheduled'),
      Type.Literal('closed'),
      Type.Literal('used up'),
      Type.Literal('disabled'),
    ],
    { description: 'Where the set stands now (a batch is "used up" only code by code: see its CSV).' },
  ),
  opensAt: DateTime,
  closesAt: DateTime,
  codeCount: Type.Integer(),
  maxUses: Type.Union([Type.Integer(), Type.Null()], {
    description: 'A shared code’s limit of uses (null: no limit); batch codes are single-use.',
  }),
  redeemed: Type.Integer({ description: 'People who redeemed a code of the set.' }),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  exportUrl: Type.String({ description: 'The codes as CSV (API key with codes:manage).' }),
});

export const CreatedSetSchema = Type.Object({
  ...CodeSetSchema.properties,
  codes: Type.Array(Type.String(), { description: 'The codes as people type them (K7QF-93XM-R2TW).' }),
});

export const RedemptionSchema = Type.Object({
  redeemedAt: Type.String({ format: 'date-time' }),
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  awardId: Type.Union([Uuid, Type.Null()]),
});

/** A batch "used up" is a per-code fact; for the set, only the shared code's uses count. */
export function setState(set: CodeSet, now = new Date()): SetState {
  const uses =
    set.kind === 'shared' ? { uses: set.redeemed, maxUses: set.maxUses, disabledAt: null } : undefined;
  return stateAt(set, now, uses);
}

export const STATE_LABEL: Record<SetState, string> = {
  open: 'Open',
  scheduled: 'Not open yet',
  closed: 'Closed',
  'used up': 'Used up',
  disabled: 'Disabled',
};

export function presentSet(baseUrl: string, orgSlug: string, set: CodeSet): Static<typeof CodeSetSchema> {
  return {
    id: set.id,
    templateId: set.templateId,
    templateName: set.templateName,
    kind: set.kind,
    label: set.label,
    state: setState(set),
    opensAt: set.opensAt ? isoSeconds(set.opensAt) : null,
    closesAt: set.closesAt ? isoSeconds(set.closesAt) : null,
    codeCount: set.codeCount,
    maxUses: set.maxUses,
    redeemed: set.redeemed,
    disabled: set.disabledAt !== null,
    createdAt: isoSeconds(set.createdAt),
    exportUrl: `${baseUrl}/api/v1/orgs/${orgSlug}/claim-codes/${set.id}/codes.csv`,
  };
}

export const presentRedemption = (r: Redemption): Static<typeof RedemptionSchema> => ({
  redeemedAt: isoSeconds(r.redeemedAt),
  name: r.userName,
  email: r.recipientEmail,
  awardId: r.awardId,
});

const codeStatus = (c: CodeLine) =>
  c.disabled ? 'disabled' : c.maxUses !== null && c.uses >= c.maxUses ? 'used' : 'available';

/**
 * The codes of a set as CSV (RFC 4180, CRLF), in the order generated: code, status, uses and
 * limit. Codes hold only A–Z, 0–9 and dashes, so no cell needs quoting or can read as a formula.
 */
export function codesCsv(lines: CodeLine[]): string {
  const rows = ['code,status,uses,max_uses'];
  for (const c of lines) rows.push(`${c.code},${codeStatus(c)},${c.uses},${c.maxUses ?? ''}`);
  return `${rows.join('\r\n')}\r\n`;
}

/** A file name for a set's CSV: its label in safe characters. */
export function csvFilename(set: Pick<CodeSet, 'label' | 'id'>): string {
  const stem = set.label
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60);
  return `claim-codes-${stem || set.id.slice(0, 8)}.csv`;
}
