import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its exceptions turned into one-sentence usage errors. */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0]!.replace(/\.$/, '') : 'bad arguments';
    throw new CliError(`${reason}. Usage: ${usage}`);
  }
}
