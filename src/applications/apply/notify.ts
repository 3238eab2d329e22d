// The applicant's emails at each step of an application: submitted, returned for revision,
// approved, not approved. Queued in the outbox inside the caller's transaction, so an email goes
// out exactly when the change that causes it commits (the reviewer side calls this too).
import type { Executor } from '../../db/index.ts';
import type { AppContext } from '../../http/context.ts';
import { emailText, paragraphs, renderEmail } from '../../mail/layout.tsx';
import { enqueueEmail } from '../../mail/outbox.ts';
import type { ApplicationRow } from '../transitions.ts';
import { applicationUrl } from './links.ts';

export type ApplicantEvent =
  | { kind: 'submitted' }
  | { kind: 'returned'; message?: string | null }
  | { kind: 'approved'; message?: string | null }
  | { kind: 'rejected'; message?: string | null }
  | { kind: 'renewed' };

type Row = Pick<
  ApplicationRow,
  'id' | 'templateId' | 'orgId' | 'applicantName' | 'applicantEmail' | 'submission'
>;

export async function notifyApplicant(
  trx: Executor,
  ctx: Pick<AppContext, 'config'>,
  application: Row,
  event: ApplicantEvent,
): Promise<void> {
  const names = await trx
    .selectFrom('badgeTemplates')
    .innerJoin('orgs', 'orgs.id', 'badgeTemplates.orgId')
    .select(['badgeTemplates.name as badge', 'orgs.name as org'])
    .where('badgeTemplates.id', '=', application.templateId)
    .executeTakeFirst();
  const badge = names?.badge ?? 'the badge';
  const org = names?.org ?? 'The organization';
  const url = applicationUrl(ctx.config, application.id);
  const message = 'message' in event ? event.message?.trim() || null : null;
  const { subject, lines, action } = compose(event.kind, badge, org, message);
  const all = [`Hello ${application.applicantName},`, ...lines];
  await enqueueEmail(trx, {
    to: application.applicantEmail,
    subject,
    html: renderEmail({
      title: subject,
      preheader: lines[0],
      body: paragraphs(all),
      action: { label: action, url },
    }),
    text: emailText([...all, `${action}: ${url}`]),
    // One email per step of each submission round (a retried job never sends it twice).
    dedupeKey: `application:${application.id}:${event.kind}:${application.submission}`,
  });
}

function compose(
  kind: ApplicantEvent['kind'],
  badge: string,
  org: string,
  message: string | null,
): { subject: string; lines: string[]; action: string } {
  const said = message ? [`${org} wrote: “${message}”`] : [];
  switch (kind) {
    case 'submitted':
      return {
        subject: `Your application for “${badge}” was received`,
        lines: [
          `${org} has received your application for the “${badge}” badge. You will get an email when it has been reviewed.`,
          'Until then you can follow it, or withdraw it, from its page.',
        ],
        action: 'See your application',
      };
    case 'returned':
      return {
        subject: `Your application for “${badge}” needs changes`,
        lines: [
          `${org} has returned your application for the “${badge}” badge for revision.`,
          ...said,
          'Change your answers or files and submit it again from its page.',
        ],
        action: 'Revise your application',
      };
    case 'approved':
      return {
        subject: `Your application for “${badge}” was approved`,
        lines: [
          `${org} has approved your application for the “${badge}” badge. The badge is already in your Laurel wallet.`,
          ...said,
        ],
        action: 'See your application',
      };
    case 'rejected':
      return {
        subject: `Your application for “${badge}” was not approved`,
        lines: [`${org} has not approved your application for the “${badge}” badge.`, ...said],
        action: 'See your application',
      };
    case 'renewed':
      return {
        subject: `Your “${badge}” badge was renewed`,
        lines: [`Your “${badge}” badge from ${org} was renewed: the new one is in your Laurel wallet.`],
        action: 'See your renewal',
      };
  }
}
