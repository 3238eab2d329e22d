import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { LaurelError } from '../errors.ts';
import { useTestApp } from '../http/testing.ts';
import { type ApplicationAction, TRANSITIONS, mayTake } from './policy.ts';
import type { ApplicationState } from './tables.ts';
import { makeApplication } from './testing.ts';
import { lockApplication, moveTo } from './transitions.ts';

const STATES: ApplicationState[] = ['draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn'];
const ACTIONS = Object.keys(TRANSITIONS) as ApplicationAction[];
const LEGAL: Record<string, ApplicationState> = {
  'draft submit': 'submitted',
  'returned submit': 'submitted',
  'draft withdraw': 'withdrawn',
  'submitted withdraw': 'withdrawn',
  'returned withdraw': 'withdrawn',
  'submitted approve': 'approved',
  'submitted return': 'returned',
  'submitted reject': 'rejected',
};

describe.each(DIALECTS)('application transitions on %s', (dialect) => {
  const t = useTestApp(dialect);

  it.each(STATES.flatMap((from) => ACTIONS.map((action) => [from, action] as const)))(
    'from %s, %s',
    async (from, action) => {
      const { application } = await makeApplication(t.ctx, { state: from });
      const actor = {
        id: null,
        role: TRANSITIONS[action].by === 'applicant' ? 'applicant' : 'reviewer',
      } as const;
      const attempt = t.db.transaction().execute(async (trx) => {
        const row = await lockApplication(trx, application.id);
        return moveTo(trx, row, action, actor, 'why');
      });
      const expected = LEGAL[`${from} ${action}`];
      const events = () =>
        t.db
          .selectFrom('applicationEvents')
          .selectAll()
          .where('applicationId', '=', application.id)
          .execute();
      if (!expected) {
        const error = await attempt.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LaurelError);
        expect(error).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'state', message: from }] });
        const stored = await t.db
          .selectFrom('applications')
          .select('state')
          .where('id', '=', application.id)
          .executeTakeFirstOrThrow();
        expect(stored.state).toBe(from);
        expect(await events()).toEqual([]);
        return;
      }
      const moved = await attempt;
      expect(moved.state).toBe(expected);
      if (action === 'submit') expect(moved.submission).toBe(application.submission + 1);
      if (['approved', 'rejected', 'withdrawn'].includes(expected))
        expect(moved.decidedAt).toBeInstanceOf(Date);
      expect(await events()).toMatchObject([
        { kind: 'transition', fromState: from, toState: expected, message: 'why', actorRole: actor.role },
      ]);
    },
  );

  it('lets applicants apply and reviewers review, never the other way round', () => {
    expect(mayTake('submit', 'applicant')).toBe(true);
    expect(mayTake('submit', 'reviewer')).toBe(false);
    expect(mayTake('approve', 'external')).toBe(true);
    expect(mayTake('approve', 'applicant')).toBe(false);
    expect(mayTake('withdraw', 'reviewer')).toBe(false);
  });
});
