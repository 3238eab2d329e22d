// Factories for tests of any feature that needs an issued award.
import type { AppContext } from '../http/context.ts';
import type { Org } from '../orgs/service.ts';
import { makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { type IssueAwardInput, type IssuedAward, issueAward } from './issue.ts';

export interface TestAward {
  award: IssuedAward;
  /** The raw claim token (the claim URL is `${baseUrl}/claim/${claimToken}`). */
  claimToken: string;
  claimUrl: string;
  org: Org;
  template: Template;
}

/**
 * Issues a real, signed award (a fresh org and active template unless given), with its award
 * email in the outbox, exactly as issueAward does in production.
 */
export async function issueTestAward(
  ctx: AppContext,
  opts: Partial<IssueAwardInput> & { org?: Org; template?: Template } = {},
): Promise<TestAward> {
  const org = opts.org ?? (await makeOrg(ctx.db, { config: ctx.config }));
  const template = opts.template ?? (await makeTemplate(ctx, org));
  const { org: _o, template: _t, ...rest } = opts;
  const award = await issueAward(ctx, {
    recipientName: 'Ada Lovelace',
    recipientEmail: `ada-${Math.random().toString(36).slice(2, 10)}@example.org`,
    ...rest,
    orgId: org.id,
    templateId: template.id,
  });
  return { award, claimToken: award.claimToken!, claimUrl: award.claimUrl!, org, template };
}
