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
