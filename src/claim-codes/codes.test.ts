import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  CHOSEN_CODE,
  GENERATED_LENGTH,
  codeHasher,
  formatCode,
  generateCodes,
  normalizeCode,
} from './codes.ts';
import { codesCsv, csvFilename } from './presenters.ts';
import { codeVault } from './vault.ts';

describe('claim codes', () => {
  it('generates distinct codes of 12 symbols from an alphabet without 0, O, 1 or I', () => {
    expect(ALPHABET).toHaveLength(32);
    for (const c of '01OI') expect(ALPHABET).not.toContain(c);
    const codes = generateCodes(10_000);
    expect(new Set(codes).size).toBe(10_000);
    for (const code of codes) {
      expect(code).toHaveLength(GENERATED_LENGTH);
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]+$/);
      expect(CHOSEN_CODE.test(code)).toBe(true);
    }
    // Every symbol turns up about equally often (no modulo bias): 120,000 draws, 3,750 expected each.
    const counts = new Map<string, number>();
    for (const code of codes) for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - 3750)).toBeLessThan(400);
  });

  it('shows codes in groups of four and reads them back however they are typed', () => {
    expect(formatCode('K7QF93XMR2TW')).toBe('K7QF-93XM-R2TW');
    expect(formatCode('SPRING2027')).toBe('SPRI-NG20-27');
    for (const typed of [
      'k7qf-93xm-r2tw',
      ' K7QF 93XM R2TW ',
      'k7qf—93xm_r2tw',
      'Ｋ７ＱＦ９３ＸＭＲ２ＴＷ',
      'K7QF\u201193XM\u2212R2TW',
    ])
      expect(normalizeCode(typed), typed).toBe('K7QF93XMR2TW');
    expect(normalizeCode('Spring-2027')).toBe('SPRING2027');
  });

  it('stores a keyed hash: the same code hashes alike under one secret and differently under another', () => {
    const secret = randomBytes(32);
    const hash = codeHasher(secret);
    expect(hash('SPRING2027')).toBe(hash(normalizeCode('spring-2027')));
    expect(hash('SPRING2027')).toMatch(/^[0-9a-f]{64}$/);
    expect(codeHasher(randomBytes(32))('SPRING2027')).not.toBe(hash('SPRING2027'));
  });

  it('seals codes so that only their own set opens them', () => {
    const secret = randomBytes(32);
    const setId = randomUUID();
    const sealed = codeVault(secret, setId).seal('K7QF93XMR2TW');
    expect(sealed.toString('latin1')).not.toContain('K7QF');
    expect(codeVault(secret, setId).open(sealed)).toBe('K7QF93XMR2TW');
    expect(() => codeVault(secret, randomUUID()).open(sealed)).toThrow(/could not be decrypted/);
    expect(() => codeVault(randomBytes(32), setId).open(sealed)).toThrow(/LAUREL_SECRET/);
  });

  it('exports CSV with a header and one line per code, and a file name without hostile characters', () => {
    const csv = codesCsv([
      { code: 'K7QF-93XM-R2TW', uses: 0, maxUses: 1, disabled: false },
      { code: 'ABCD-EFGH-JKLM', uses: 1, maxUses: 1, disabled: false },
      { code: 'NPQR-STUV-WXYZ', uses: 0, maxUses: 1, disabled: true },
      { code: 'SPRI-NG20-27', uses: 4, maxUses: null, disabled: false },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'code,status,uses,max_uses',
      'K7QF-93XM-R2TW,available,0,1',
      'ABCD-EFGH-JKLM,used,1,1',
      'NPQR-STUV-WXYZ,disabled,0,1',
      'SPRI-NG20-27,available,4,',
      '',
    ]);
    expect(csvFilename({ id: randomUUID(), label: 'Cohort "12"; <b>\r\nx' })).toBe(
      'claim-codes-cohort-12-b-x.csv',
    );
  });
});
