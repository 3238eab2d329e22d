import {
  createGuardedFetch,
  unreadableStep,
  type VerificationReport,
  verify,
} from '@laurel/openbadges/verify';
import { command } from './args.ts';
import { CliError, out, readInput } from './io.ts';

const USAGE =
  'laurel verify <file|url|-> [--json] [--email address] [--allow-private-network] [--follow-refresh]';

const MARK = { pass: '✓', fail: '✗', warn: '!', skipped: '–' } as const;

/** 0 valid, 1 not valid (or not fully checked), 2 when the input is not a readable badge. */
export function exitCodeFor(report: VerificationReport): number {
  if (report.verdict === 'valid') return 0;
  return unreadableStep(report) ? 2 : 1;
}

/** Input that is not a badge at all is neither valid nor invalid: it is unreadable. */
export function cliVerdict(report: VerificationReport): VerificationReport['verdict'] | 'unreadable' {
  return unreadableStep(report) ? 'unreadable' : report.verdict;
}

export function renderReport(r: VerificationReport): string {
  const lines = [`${cliVerdict(r).toUpperCase()}: ${r.summary}`];
  const facts: string[] = [];
  if (r.format !== 'unknown') facts.push(`format ${r.format}${r.container ? ` in ${r.container}` : ''}`);
  if (r.issuer) facts.push(`issuer ${r.issuer.name ? `${r.issuer.name} <${r.issuer.id}>` : r.issuer.id}`);
  if (r.achievement?.name) facts.push(`achievement “${r.achievement.name}”`);
  if (r.validFrom) facts.push(`valid from ${r.validFrom}${r.validUntil ? ` until ${r.validUntil}` : ''}`);
  if (facts.length > 0) lines.push(facts.join('; '));
  lines.push('');
  for (const s of r.steps) {
    lines.push(
      `  ${MARK[s.result]} ${s.title}: ${s.message}${s.code && s.result !== 'pass' ? ` [${s.code}]` : ''}`,
    );
  }
  return lines.join('\n');
}

/**
 * The guarded fetch refuses private and loopback addresses, so a badge from a server on this
 * machine (or the local network) fails with FETCH_BLOCKED: say which flag lets it through.
 */
export function privateNetworkHint(report: VerificationReport, allowed: boolean): string | undefined {
  if (allowed || !report.steps.some((s) => s.code === 'FETCH_BLOCKED')) return undefined;
  return (
    'Hint: an address was not fetched because it is private or on this machine. ' +
    'If you trust it (for example a Laurel server you run locally), run again with --allow-private-network.'
  );
}

export const verifyCommand = command({
  usage: USAGE,
  summary: 'Verify a badge: a JSON or JWT credential, a baked PNG/SVG, or a URL',
  options: {
    json: { type: 'boolean' },
    email: { type: 'string' },
    'allow-private-network': { type: 'boolean' },
    'follow-refresh': { type: 'boolean' },
  },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`Give exactly one badge to verify. Usage: ${USAGE}`);
    const target = positionals[0]!;
    const input = /^https?:\/\//i.test(target) ? target : await readInput(target, 'badge file');
    const allowPrivateNetwork = values['allow-private-network'] === true;
    const report = await verify(input, {
      fetch: createGuardedFetch({ allowPrivateNetwork }),
      ...(values.email ? { recipient: { email: values.email } } : {}),
      followRefresh: values['follow-refresh'] === true,
    });
    const hint = privateNetworkHint(report, allowPrivateNetwork);
    if (values.json) {
      out(JSON.stringify({ ...report, verdict: cliVerdict(report) }, null, 2));
      // stdout stays one JSON document; the hint goes to stderr.
      if (hint) process.stderr.write(`${hint}\n`);
    } else out(hint ? `${renderReport(report)}\n\n${hint}` : renderReport(report));
    return exitCodeFor(report);
  },
});
