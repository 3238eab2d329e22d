import { describe, expect, it } from 'vitest';
import { LaurelError } from '../errors.ts';
import { Runtime, slot } from './runtime.ts';

describe('the per-context runtime', () => {
  it('makes each slot once, on first use, and only for its own runtime', () => {
    let made = 0;
    const counter = slot('test.counter', () => ({ n: ++made }));
    const a = new Runtime();
    const b = new Runtime();
    expect(a.peek(counter)).toBeUndefined();
    expect(a.get(counter)).toBe(a.get(counter));
    expect(b.get(counter)).not.toBe(a.get(counter));
    expect(made).toBe(2);
  });

  it('closes what it made, newest first, and answers 503 for anything asked after', async () => {
    const closed: string[] = [];
    const first = slot(
      'test.first',
      () => 'first',
      (v) => void closed.push(v),
    );
    const second = slot(
      'test.second',
      () => 'second',
      (v) => void closed.push(v),
    );
    const never = slot(
      'test.never',
      () => 'never',
      (v) => void closed.push(v),
    );
    const rt = new Runtime();
    rt.get(first);
    rt.get(second);
    await rt.close();
    expect(closed).toEqual(['second', 'first']);
    const late = (() => {
      try {
        rt.get(never);
      } catch (e) {
        return e;
      }
    })();
    expect(late).toBeInstanceOf(LaurelError);
    expect((late as LaurelError).code).toBe('UNAVAILABLE');
  });
});
