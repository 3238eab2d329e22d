// Moving an application between states, always inside a transaction that holds its row lock:
// two reviewers deciding at the same moment, or an applicant withdrawing while a reviewer
// approves, are serialized by `lockApplication`, and the second sees the first's outcome.
import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { type ApplicationAction, FINAL_STATES, nextState } from './policy.ts';
import type { ActorRole, ApplicationTables, EventKind } from './tables.ts';

export type ApplicationRow = Selectable<ApplicationTables['applications']>;

export interface Actor {
  /** Null for the platform itself (an instant renewal, a closing job). */
  id: string | null;
  role: ActorRole;
}

/** Reads the application and locks its row until the transaction ends. */
export async function lockApplication(trx: Transaction<Database>, id: string): Promise<ApplicationRow> {
  const row = await trx
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('That application');
  return row;
}

export async function recordEvent(
  trx: Transaction<Database>,
  event: {
    applicationId: string;
    kind: EventKind;
    actor: Actor;
    fromState?: string | null;
    toState?: string | null;
    message?: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('applicationEvents')
    .values({
      applicationId: event.applicationId,
      kind: event.kind,
      actorId: event.actor.id,
      actorRole: event.actor.role,
      fromState: event.fromState ?? null,
      toState: event.toState ?? null,
      message: event.message?.trim() || null,
    })
    .execute();
}

/**
 * Takes `action` on a locked application (from lockApplication in the same transaction): checks
 * it is legal from the current state (CONFLICT otherwise), updates the row and records the
 * transition on the timeline. A submission starts a new round of approvals.
 */
export async function moveTo(
  trx: Transaction<Database>,
  row: ApplicationRow,
  action: ApplicationAction,
  actor: Actor,
  message?: string | null,
  extra: { awardId?: string } = {},
): Promise<ApplicationRow> {
  const to = nextState(action, row.state);
  const now = new Date();
  const updated = await trx
    .updateTable('applications')
    .set({
      state: to,
      updatedAt: now,
      ...(action === 'submit' ? { submittedAt: now, submission: row.submission + 1 } : {}),
      ...(FINAL_STATES.includes(to) ? { decidedAt: now } : {}),
      ...(extra.awardId ? { awardId: extra.awardId } : {}),
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(trx, {
    applicationId: row.id,
    kind: 'transition',
    actor,
    fromState: row.state,
    toState: to,
    message: message ?? null,
  });
  return updated;
}
