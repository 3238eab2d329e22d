import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getBit,
  MIN_BITSTRING_LENGTH,
  setBit,
} from '../../src/status/bitstring.ts';
import { expectCode } from '../bake/expect-code.ts';

describe('bitstring', () => {
  it('starts empty with at least 131 072 entries (16 KB)', () => {
    const list = createBitstring();
    expect(list.length).toBe(16 * 1024);
    expect(list.every((b) => b === 0)).toBe(true);
    expect(createBitstring(MIN_BITSTRING_LENGTH * 2).length).toBe(32 * 1024);
    expectCode(() => createBitstring(1024), 'STATUS_INVALID');
    expectCode(() => createBitstring(MIN_BITSTRING_LENGTH + 3), 'STATUS_INVALID');
  });

  it('numbers bits most significant first: index 0 is the left-most bit of byte 0', () => {
    const list = createBitstring();
    setBit(list, 0, true);
    expect(list[0]).toBe(0b1000_0000);
    setBit(list, 7, true);
    expect(list[0]).toBe(0b1000_0001);
    setBit(list, 9, true);
    expect(list[1]).toBe(0b0100_0000);
    setBit(list, MIN_BITSTRING_LENGTH - 1, true);
    expect(list[list.length - 1]).toBe(0b0000_0001);
    setBit(list, 0, false);
    expect(list[0]).toBe(0b0000_0001);
    expect(getBit(list, 7)).toBe(true);
    expect(getBit(list, 8)).toBe(false);
    expectCode(() => getBit(list, MIN_BITSTRING_LENGTH), 'STATUS_INVALID');
    expectCode(() => setBit(list, -1, true), 'STATUS_INVALID');
    expectCode(() => getBit(list, 1.5), 'STATUS_INVALID');
  });

  it('encodes as multibase base64url of gzip, without padding', () => {
    const list = createBitstring();
    setBit(list, 3, true);
    const encoded = encodeBitstring(list);
    expect(encoded).toMatch(/^uH4sI[A-Za-z0-9_-]+$/);
    const raw = Buffer.from(encoded.slice(1), 'base64url');
    expect(raw[0]).toBe(0x1f);
    expect(raw[1]).toBe(0x8b);
    expect(decodeBitstring(encoded)[0]).toBe(0b0001_0000);
  });

  it('decodes published example lists', () => {
    // An all-zero 16 KB list as it appears in status list examples.
    const bits = decodeBitstring('uH4sIAAAAAAAA_-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA');
    expect(bits.length).toBe(16 * 1024);
    expect(bits.every((b) => b === 0)).toBe(true);
    // A 1EdTech example list with one bit set: byte 2 is 0x01, so MSB-first reading gives index 23.
    const one = decodeBitstring('uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA');
    expect(one[2]).toBe(0x01);
    expect([...Array(200).keys()].filter((i) => getBit(one, i))).toEqual([23]);
  });

  it('reads the unprefixed base64url of StatusList2021', () => {
    const list = createBitstring();
    setBit(list, 42, true);
    const legacy = gzipSync(list).toString('base64url');
    expect(getBit(decodeBitstring(legacy), 42)).toBe(true);
  });

  it('round-trips any set of indexes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: MIN_BITSTRING_LENGTH - 1 }), { maxLength: 200 }),
        (idx) => {
          const list = createBitstring();
          for (const i of idx) setBit(list, i, true);
          const back = decodeBitstring(encodeBitstring(list));
          expect(Buffer.compare(back, list)).toBe(0);
          for (const i of idx) expect(getBit(back, i)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses a decompression bomb and malformed input', () => {
    const bomb = `u${gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url')}`;
    expect(bomb.length).toBeLessThan(100_000);
    expectCode(() => decodeBitstring(bomb), 'INPUT_TOO_LARGE');
    expectCode(
      () => decodeBitstring(encodeBitstring(createBitstring()), { maxBytes: 1000 }),
      'INPUT_TOO_LARGE',
    );
    expectCode(() => decodeBitstring('u!!!'), 'STATUS_INVALID');
    expectCode(() => decodeBitstring('zabc'), 'STATUS_INVALID');
    expectCode(() => decodeBitstring(`u${Buffer.from('not gzip').toString('base64url')}`), 'STATUS_INVALID');
    expectCode(() => decodeBitstring(42 as unknown as string), 'STATUS_INVALID');
  });
});
