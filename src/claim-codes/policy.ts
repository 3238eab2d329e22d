// Rules about claim codes: what a set's window and limit make of it at a moment, and which
// input makes a valid set. No SQL here.
import type { FieldError } from '../errors.ts';
import { MAX_BATCH } from './codes.ts';

/** Where a set stands for someone redeeming now. */
export type SetState = 'open' | 'scheduled' | 'closed' | 'used up' | 'disabled';

export interface SetFacts {
  disabledAt: Date | null;
  opensAt: Date | null;
  closesAt: Date | null;
}

/** The state of a set (and of one of its codes, when given) at `now`. */
export function stateAt(
  set: SetFacts,
  now: Date,
  code?: { uses: number; maxUses: number | null; disabledAt: Date | null },
): SetState {
  if (set.disabledAt || code?.disabledAt) return 'disabled';
  if (set.opensAt && now < set.opensAt) return 'scheduled';
  if (set.closesAt && now >= set.closesAt) return 'closed';
  if (code && code.maxUses !== null && code.uses >= code.maxUses) return 'used up';
  return 'open';
}

/** The most uses a shared code can be given (more is "no limit"). */
export const MAX_USES = 1_000_000;

export interface WindowInput {
  opensAt?: Date | null;
  closesAt?: Date | null;
}

/** What is wrong with a window, a limit or a batch size, per field. */
export function setInputErrors(
  input: WindowInput & { maxUses?: number | null; count?: number },
  now = new Date(),
): FieldError[] {
  const errors: FieldError[] = [];
  const { opensAt, closesAt } = input;
  if (opensAt && Number.isNaN(opensAt.getTime()))
    errors.push({ field: 'opensAt', message: 'This is not a date and time.' });
  if (closesAt && Number.isNaN(closesAt.getTime()))
    errors.push({ field: 'closesAt', message: 'This is not a date and time.' });
  else if (closesAt && closesAt <= now)
    errors.push({ field: 'closesAt', message: 'The closing time has already passed.' });
  else if (opensAt && closesAt && closesAt <= opensAt)
    errors.push({ field: 'closesAt', message: 'The code must close after it opens.' });
  const { maxUses, count } = input;
  if (
    maxUses !== undefined &&
    maxUses !== null &&
    !(Number.isInteger(maxUses) && maxUses >= 1 && maxUses <= MAX_USES)
  )
    errors.push({
      field: 'maxUses',
      message: `Give a whole number from 1 to ${MAX_USES.toLocaleString('en')}, or leave it empty for no limit.`,
    });
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= MAX_BATCH))
    errors.push({
      field: 'count',
      message: `Give a whole number from 1 to ${MAX_BATCH.toLocaleString('en')}.`,
    });
  return errors;
}
