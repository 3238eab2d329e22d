// A third party's TypeScript, checked against the installed package's .d.ts files only.
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import { type VerificationReport, verify } from '@laurel/openbadges/verify';

const credential = buildOpenBadgeCredential({
  issuer: { id: 'did:web:badges.example.org' },
  validFrom: '2025-01-01T00:00:00Z',
  subject: { id: 'did:example:earner' },
  achievement: { id: 'urn:example:a', name: 'A', description: 'B', criteria: 'C' },
});
const report: VerificationReport = await verify(credential, { now: () => new Date() });
export const verdict: 'valid' | 'invalid' | 'indeterminate' = report.verdict;
// @ts-expect-error the clock is a function, not a Date
await verify(credential, { now: new Date() });
