import { expect } from 'vitest';
import { type ErrorCode, OpenBadgesError } from '../../src/errors.ts';

export function expectCode(fn: () => unknown, code: ErrorCode): OpenBadgesError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(OpenBadgesError);
  expect((thrown as OpenBadgesError).code).toBe(code);
  return thrown as OpenBadgesError;
}

/** The code of the OpenBadgesError `p` rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OpenBadgesError);
    return (e as OpenBadgesError).code;
  }
  throw new Error('expected a rejection');
}
