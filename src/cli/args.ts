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

/**
 * A command whose options are parsed (usage errors as one sentence) before `run` sees them; the
 * usage is what `laurel <command> --help` and the usage errors print.
 */
export function command<O extends Options>(spec: {
  usage: string;
  summary: string;
  options: O;
  run(parsed: ReturnType<typeof parse<O>>): Promise<number>;
}): { usage: string; summary: string; run(args: string[]): Promise<number> } {
  return {
    usage: spec.usage,
    summary: spec.summary,
    run: (args) => spec.run(parse(args, spec.options, spec.usage)),
  };
}
