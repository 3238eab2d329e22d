import { readFile, writeFile } from 'node:fs/promises';
import { LaurelError } from '../errors.ts';

/** A failure the user can act on: printed as one sentence, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

const MAX_INPUT_BYTES = 25 * 1024 * 1024;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) throw new CliError('The input on stdin is larger than 25 MB.');
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Reads a file (or stdin for `-`) as bytes, turning file-system errors into one sentence. */
export async function readInput(path: string, what = 'file'): Promise<Uint8Array> {
  if (path === '-') return readStdin();
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_INPUT_BYTES) throw new CliError(`The ${what} ${path} is larger than 25 MB.`);
    return new Uint8Array(bytes);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`The ${what} ${path} does not exist.`);
    if (code === 'EISDIR') throw new CliError(`${path} is a directory, not a ${what}.`);
    if (code === 'EACCES') throw new CliError(`The ${what} ${path} cannot be read (permission denied).`);
    throw new CliError(`The ${what} ${path} cannot be read.`);
  }
}

export async function readText(path: string, what = 'file'): Promise<string> {
  return new TextDecoder().decode(await readInput(path, what));
}

export async function readJson(path: string, what = 'file'): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`The ${what} ${path} is not valid JSON.`);
  }
}

/** Writes to a file (`mode` for secrets) or, without a path, to stdout. */
export async function writeOutput(
  path: string | undefined,
  data: string | Uint8Array,
  opts: { mode?: number; exclusive?: boolean } = {},
): Promise<void> {
  if (!path || path === '-') {
    process.stdout.write(data);
    return;
  }
  try {
    await writeFile(path, data, { mode: opts.mode ?? 0o644, flag: opts.exclusive ? 'wx' : 'w' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new CliError(`${path} already exists; remove it first or choose another name.`);
    throw new CliError(`${path} cannot be written.`);
  }
}

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Where a platform command writes, so tests can capture it. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * What a platform command prints for a refusal it expects: a service's reason with its field
 * errors as the options to fix, or a CliError's sentence. Anything else is a bug and is thrown.
 */
export function reportCommandError(io: CliIo, e: unknown): number {
  if (e instanceof LaurelError) {
    io.err([e.message, ...e.fields.map((f) => `  --${f.field}: ${f.message}`)].join('\n'));
    return 1;
  }
  if (e instanceof CliError) {
    io.err(e.message);
    return e.exitCode;
  }
  throw e;
}
