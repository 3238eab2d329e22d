import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands, main } from '../cli.ts';

// The dispatcher's handling of a failure no command foresaw: one line, a stack only with --debug.
describe('laurel main()', () => {
  afterEach(() => {
    delete commands.boom;
    vi.restoreAllMocks();
  });

  async function runBoom(...flags: string[]): Promise<{ code: number; stderr: string }> {
    commands.boom = {
      summary: 'fails',
      run: async () => {
        throw new Error('the first line\n  { internal: "state" }');
      },
    };
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(['boom', ...flags]);
    return { code, stderr };
  }

  it('prints one sentence for an unexpected error, and the stack only with --debug', async () => {
    expect(await runBoom()).toEqual({ code: 1, stderr: 'laurel boom: the first line.\n' });
    const debug = await runBoom('--debug');
    expect(debug.code).toBe(1);
    expect(debug.stderr.split('\n')[0]).toBe('laurel boom: the first line.');
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
