// Claim code sets for an organization's issuers: a shared event code or a generated batch of
// single-use codes per badge template; listing, export, uses, disabling and deleting. The
// redemption itself is in redeem.ts.
import type { Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Db, Executor } from '../db/index.ts';
import { LaurelError, invalid, notFound } from '../errors.ts';
import { getTemplate } from '../templates/service.ts';
import { isUuid } from '../util/checks.ts';
import { CHOSEN_CODE, codeHasher, formatCode, generateCodes, normalizeCode } from './codes.ts';
import { type WindowInput, setInputErrors } from './policy.ts';
import type { CodeSetKind } from './tables.ts';
import { codeVault } from './vault.ts';
import { type Bucket, REDEEM_LIMITS, admit, charge } from './redeem.ts';
import { balance } from '../limits/cost-budget.ts';
import { limitKey } from '../limits/keys.ts';

export interface CodeSet {
  id: string;
  orgId: string;
  templateId: string;
  templateName: string;
  kind: CodeSetKind;
  label: string;
  opensAt: Date | null;
  closesAt: Date | null;
  codeCount: number;
  /** A shared code's limit of uses (null: none); a batch's codes are single-use. */
  maxUses: number | null;
  /** People who redeemed a code of the set. */
  redeemed: number;
  disabledAt: Date | null;
  createdAt: Date;
}

/** Who creates a set: a member (session) or an API key. */
export interface Creator {
  userId?: string | null;
  apiKeyId?: string | null;
}

interface SetInput extends WindowInput {
  orgId: string;
  templateId: string;
  label?: string;
}

export interface SharedInput extends SetInput {
  /** As typed; empty or absent: one is generated. */
  code?: string;
  maxUses?: number | null;
}

export interface BatchInput extends SetInput {
  count: number;
}

/** A new set with its codes in clear, as people read them (the only list of them outside the vault). */
export interface CreatedSet {
  set: CodeSet;
  codes: string[];
}

const MAX_LABEL = 200;
// Rows per INSERT: 5 parameters each, far below PostgreSQL's 65,535 per statement.
const CHUNK = 1_000;

async function activeTemplate(db: Executor, orgId: string, templateId: string) {
  const template = isUuid(templateId) ? await getTemplate(db, templateId) : null;
  if (!template || template.orgId !== orgId)
    throw invalid('Choose a badge template of this organization.', [
      { field: 'templateId', message: 'There is no such badge template in this organization.' },
    ]);
  if (template.status !== 'active')
    throw invalid('Claim codes are for active badge templates.', [
      {
        field: 'templateId',
        message: `“${template.name}” is ${template.status}; publish it before making claim codes for it.`,
      },
    ]);
  return template;
}

function checkInput(input: SetInput & { maxUses?: number | null; count?: number }) {
  const errors = setInputErrors(input);
  if ((input.label ?? '').trim().length > MAX_LABEL)
    errors.push({ field: 'label', message: `Use at most ${MAX_LABEL} characters.` });
  return errors;
}

async function insertSet(
  trx: Transaction<Database>,
  input: SetInput,
  kind: CodeSetKind,
  label: string,
  codeCount: number,
  by: Creator,
) {
  return trx
    .insertInto('claimCodeSets')
    .values({
      orgId: input.orgId,
      templateId: input.templateId,
      kind,
      label,
      opensAt: input.opensAt ?? null,
      closesAt: input.closesAt ?? null,
      codeCount,
      createdBy: by.userId ?? null,
      apiKeyId: by.apiKeyId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/**
 * One shared code for an event: typed by the issuer (6 to 32 letters and digits; dashes and
 * spaces do not count) or generated. Codes are unique across the server, since /redeem takes
 * a code alone: a taken one is refused with "choose another".
 */
export async function createSharedCode(
  db: Db,
  config: Config,
  input: SharedInput,
  by: Creator = {},
): Promise<CreatedSet> {
  const typed = normalizeCode(input.code ?? '');
  const errors = checkInput(input);
  if (typed && !CHOSEN_CODE.test(typed))
    errors.push({
      field: 'code',
      message: 'Use 6 to 32 letters (A–Z) and digits; dashes and spaces are ignored.',
    });
  if (errors.length) throw invalid('The claim code could not be created.', errors);
  // A chosen code refused as taken tells its chooser that it exists somewhere on the server, so
  // each such refusal costs a try from the same bucket as a wrong code at /redeem: choosing codes
  // is no faster a way to find one than guessing.
  const now = Date.now();
  const chooser = by.userId ?? (by.apiKeyId ? `api-key:${by.apiKeyId}` : null);
  const guard: Bucket[] =
    typed && chooser
      ? [
          {
            key: limitKey('redeem-account', chooser),
            rule: REDEEM_LIMITS.account,
          },
        ]
      : [];
  if (guard.length) admit(guard, await Promise.all(guard.map((b) => balance(db, b.key, b.rule, now))));
  const template = await activeTemplate(db, input.orgId, input.templateId);
  const code = typed || generateCodes(1)[0]!;
  const hash = codeHasher(config.secret);
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const set = await insertSet(trx, input, 'shared', input.label?.trim() || template.name, 1, by);
      const inserted = await trx
        .insertInto('claimCodes')
        .values({
          setId: set.id,
          position: 0,
          codeHash: hash(code),
          sealed: codeVault(config.secret, set.id).seal(code),
          maxUses: input.maxUses ?? null,
        })
        .onConflict((oc) => oc.column('codeHash').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted)
        throw new LaurelError('CONFLICT', 'That code is already in use.', [
          { field: 'code', message: 'This code is already in use; choose another one.' },
        ]);
      return set.id;
    })
    .catch(async (e: unknown) => {
      if (guard.length && e instanceof LaurelError && e.code === 'CONFLICT') await charge(db, guard, now);
      throw e;
    });
  return { set: await getCodeSet(db, input.orgId, id), codes: [formatCode(code)] };
}

/**
 * A batch of `count` single-use codes. A generated code that happens to equal one already on
 * the server (60 random bits make it rare, never impossible) is replaced by a new one.
 */
export async function generateBatch(
  db: Db,
  config: Config,
  input: BatchInput,
  by: Creator = {},
  generate: (count: number) => string[] = generateCodes,
): Promise<CreatedSet> {
  const errors = checkInput(input);
  if (errors.length) throw invalid('The claim codes could not be generated.', errors);
  await activeTemplate(db, input.orgId, input.templateId);
  const hash = codeHasher(config.secret);
  const label = input.label?.trim() || `Batch of ${input.count.toLocaleString('en')}`;
  const { id, codes } = await db.transaction().execute(async (trx) => {
    const set = await insertSet(trx, input, 'batch', label, input.count, by);
    const vault = codeVault(config.secret, set.id);
    const codes = generate(input.count);
    for (let from = 0; from < codes.length; from += CHUNK) {
      let positions = codes.slice(from, from + CHUNK).map((_, i) => from + i);
      while (positions.length) {
        const rows = positions.map((position) => ({
          setId: set.id,
          position,
          codeHash: hash(codes[position]!),
          sealed: vault.seal(codes[position]!),
          maxUses: 1,
        }));
        const stored = await trx
          .insertInto('claimCodes')
          .values(rows)
          .onConflict((oc) => oc.column('codeHash').doNothing())
          .returning('position')
          .execute();
        const done = new Set(stored.map((r) => r.position));
        positions = positions.filter((p) => !done.has(p));
        if (!positions.length) break;
        const fresh = generate(positions.length);
        positions.forEach((p, i) => {
          codes[p] = fresh[i]!;
        });
      }
    }
    return { id: set.id, codes };
  });
  return { set: await getCodeSet(db, input.orgId, id), codes: codes.map(formatCode) };
}

function setsQuery(db: Executor) {
  return db
    .selectFrom('claimCodeSets as s')
    .innerJoin('badgeTemplates as t', 't.id', 's.templateId')
    .select((eb) => [
      's.id',
      's.orgId',
      's.templateId',
      't.name as templateName',
      's.kind',
      's.label',
      's.opensAt',
      's.closesAt',
      's.codeCount',
      's.disabledAt',
      's.createdAt',
      eb
        .selectFrom('claimCodes as c')
        .select('c.maxUses')
        .whereRef('c.setId', '=', 's.id')
        .where('c.position', '=', 0)
        .where('s.kind', '=', 'shared')
        .as('maxUses'),
      eb
        .selectFrom('claimCodeRedemptions as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.setId', '=', 's.id')
        .as('redeemed'),
    ]);
}

type SetRow = Awaited<ReturnType<ReturnType<typeof setsQuery>['executeTakeFirstOrThrow']>>;

const toCodeSet = (r: SetRow): CodeSet => ({
  ...r,
  maxUses: r.maxUses ?? null,
  redeemed: Number(r.redeemed ?? 0),
});

/** The organization's sets, newest first; of one template when given. */
export async function listCodeSets(db: Executor, orgId: string, templateId?: string): Promise<CodeSet[]> {
  let q = setsQuery(db).where('s.orgId', '=', orgId);
  if (templateId) q = q.where('s.templateId', '=', templateId);
  const rows = await q.orderBy('s.createdAt', 'desc').orderBy('s.id').limit(500).execute();
  return rows.map(toCodeSet);
}

/** A set of this organization; NOT_FOUND for another organization's (it does not exist for them). */
export async function getCodeSet(db: Executor, orgId: string, id: string): Promise<CodeSet> {
  const row = isUuid(id)
    ? await setsQuery(db).where('s.id', '=', id).where('s.orgId', '=', orgId).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('That claim code set');
  return toCodeSet(row);
}

export interface CodeLine {
  code: string;
  uses: number;
  maxUses: number | null;
  disabled: boolean;
}

/** Every code of a set in clear, in the order it was generated (for the CSV and the shared code's page). */
export async function setCodes(db: Executor, config: Config, set: Pick<CodeSet, 'id'>): Promise<CodeLine[]> {
  const vault = codeVault(config.secret, set.id);
  const rows = await db
    .selectFrom('claimCodes')
    .select(['sealed', 'uses', 'maxUses', 'disabledAt'])
    .where('setId', '=', set.id)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    code: formatCode(vault.open(r.sealed)),
    uses: r.uses,
    maxUses: r.maxUses,
    disabled: r.disabledAt !== null,
  }));
}

export interface Redemption {
  redeemedAt: Date;
  userName: string;
  recipientEmail: string | null;
  awardId: string | null;
}

/** Who redeemed a code of the set and when, newest first (at most `limit`). */
export async function listRedemptions(db: Executor, setId: string, limit = 200): Promise<Redemption[]> {
  return db
    .selectFrom('claimCodeRedemptions as r')
    .innerJoin('users as u', 'u.id', 'r.userId')
    .leftJoin('awards as a', 'a.id', 'r.awardId')
    .select(['r.redeemedAt', 'u.name as userName', 'a.recipientEmail', 'r.awardId'])
    .where('r.setId', '=', setId)
    .orderBy('r.redeemedAt', 'desc')
    .limit(limit)
    .execute();
}

/** Disables (or enables again) every code of a set: a disabled code is as good as unknown. */
export async function setDisabled(db: Executor, orgId: string, id: string, disabled: boolean) {
  await getCodeSet(db, orgId, id);
  await db
    .updateTable('claimCodeSets')
    .set({ disabledAt: disabled ? new Date() : null })
    .where('id', '=', id)
    .where('orgId', '=', orgId)
    .where('disabledAt', disabled ? 'is' : 'is not', null)
    .execute();
}

/**
 * Disables one code of a set, as the issuer types it (a code that leaked). False when the set
 * has no such code.
 */
export async function disableCode(
  db: Executor,
  config: Config,
  set: Pick<CodeSet, 'id'>,
  typed: string,
): Promise<boolean> {
  const code = normalizeCode(typed);
  if (!CHOSEN_CODE.test(code)) return false;
  const row = await db
    .updateTable('claimCodes')
    .set({ disabledAt: new Date() })
    .where('setId', '=', set.id)
    .where('codeHash', '=', codeHasher(config.secret)(code))
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/** Deletes a set nobody has redeemed; one with redemptions keeps its record and can be disabled. */
export async function deleteCodeSet(db: Db, orgId: string, id: string): Promise<void> {
  const set = await getCodeSet(db, orgId, id);
  if (set.redeemed > 0)
    throw new LaurelError(
      'CONFLICT',
      'Codes of this set have been redeemed, so it keeps its record of who redeemed them: disable it instead.',
    );
  await db
    .deleteFrom('claimCodeSets')
    .where('id', '=', id)
    .where('orgId', '=', orgId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('claimCodeRedemptions').select('id').where('setId', '=', id))),
    )
    .execute();
}
