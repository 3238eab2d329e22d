// The rules of an application's life: which action leads from which state to which, and who may
// take it. Every change of state goes through `nextState`, so the service, the pages and the API
// refuse the same illegal transitions with the same answer (409 with the current state).
import { LaurelError } from '../errors.ts';
import type { ActorRole, ApplicationState } from './tables.ts';

export type ApplicationAction = 'submit' | 'withdraw' | 'approve' | 'return' | 'reject';

interface Rule {
  from: readonly ApplicationState[];
  to: ApplicationState;
  by: 'applicant' | 'reviewer';
}

export const TRANSITIONS: Record<ApplicationAction, Rule> = {
  // A draft is submitted; a returned application is submitted again with its changes.
  submit: { from: ['draft', 'returned'], to: 'submitted', by: 'applicant' },
  withdraw: { from: ['draft', 'submitted', 'returned'], to: 'withdrawn', by: 'applicant' },
  // With several approvals required, each approval before the last keeps the state `submitted`.
  approve: { from: ['submitted'], to: 'approved', by: 'reviewer' },
  return: { from: ['submitted'], to: 'returned', by: 'reviewer' },
  reject: { from: ['submitted'], to: 'rejected', by: 'reviewer' },
};

export const FINAL_STATES: readonly ApplicationState[] = ['approved', 'rejected', 'withdrawn'];

/** What each state is called on pages and in emails. */
export const STATE_LABELS: Record<ApplicationState, string> = {
  draft: 'Draft',
  submitted: 'Submitted, waiting for review',
  returned: 'Returned for revision',
  approved: 'Approved',
  rejected: 'Not approved',
  withdrawn: 'Withdrawn',
};

const VERB: Record<ApplicationAction, string> = {
  submit: 'submitted',
  withdraw: 'withdrawn',
  approve: 'approved',
  return: 'returned for revision',
  reject: 'rejected',
};

/** The state `action` leads to from `current`, or CONFLICT naming the current state. */
export function nextState(action: ApplicationAction, current: ApplicationState): ApplicationState {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current))
    throw new LaurelError(
      'CONFLICT',
      `This application is ${STATE_LABELS[current].toLowerCase()}; it cannot be ${VERB[action]} now.`,
      [{ field: 'state', message: current }],
    );
  return rule.to;
}

/** Whether `role` may take `action` at all (reviewers and external reviewers review; applicants apply). */
export function mayTake(action: ApplicationAction, role: ActorRole): boolean {
  const by = TRANSITIONS[action].by;
  return by === 'applicant' ? role === 'applicant' : role === 'reviewer' || role === 'external';
}

/** Whether `now` is inside a window with optional ends. */
export function isOpenAt(window: { opensAt: Date | null; closesAt: Date | null }, now = new Date()): boolean {
  return (!window.opensAt || window.opensAt <= now) && (!window.closesAt || now < window.closesAt);
}
