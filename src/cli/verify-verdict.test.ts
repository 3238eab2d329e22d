import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliVerdict, renderReport, verifyCommand } from './verify.ts';
import { verify } from '@laurel/openbadges/verify';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'laurel-verdict-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runJson(file: string): Promise<{ code: number; report: any }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await verifyCommand.run(['--json', file]);
    return { code, report: JSON.parse(chunks.join('')) };
  } finally {
    spy.mockRestore();
  }
}

describe('laurel verify: the verdict of input that is not a badge', () => {
  it('is unreadable, not invalid, in --json and in text (exit code 2)', async () => {
    const file = join(dir, 'photo.bin');
    await writeFile(file, Buffer.from([0, 159, 146, 150, 1, 2, 3]));
    const { code, report } = await runJson(file);
    expect(code).toBe(2);
    expect(report.verdict).toBe('unreadable');
    expect(report.steps[0]).toMatchObject({ id: 'format', result: 'fail', code: 'INPUT_UNRECOGNIZED' });
    const text = await verify('just some words');
    expect(cliVerdict(text)).toBe('unreadable');
    expect(renderReport(text)).toMatch(/^UNREADABLE: /);
  });

  it('keeps invalid for a badge that was read and failed a check', async () => {
    const file = join(dir, 'cred.json');
    await writeFile(
      file,
      JSON.stringify({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
      }),
    );
    const { code, report } = await runJson(file);
    expect(code).toBe(1);
    expect(report.verdict).toBe('invalid');
  });
});
