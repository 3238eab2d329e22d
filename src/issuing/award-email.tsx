import type { OutgoingMessage } from '../mail/outbox.ts';
import { formatDate } from '../ui/components.tsx';
import { emailText, renderEmail } from '../mail/layout.tsx';

export interface AwardEmailInput {
  awardId: string;
  to: string;
  recipientName: string;
  orgName: string;
  badgeName: string;
  badgeDescription: string;
  claimUrl: string;
  /** Set when the badge went straight into the recipient's wallet: nothing is left to claim. */
  walletUrl?: string | undefined;
  validUntil: Date | null;
  image: Buffer | null;
  reminder?: boolean;
}

/** The award email: the badge image inline (cid), who issued it, what it is for, the claim link. */
export function awardEmail(input: AwardEmailInput, dedupeKey: string): OutgoingMessage {
  const cid = `badge-${input.awardId}@laurel`;
  const subject = input.reminder
    ? `Reminder: claim your “${input.badgeName}” badge from ${input.orgName}`
    : `${input.orgName} awarded you the “${input.badgeName}” badge`;
  const expiry = input.validUntil ? `This badge is valid until ${formatDate(input.validUntil)}.` : null;
  const body = (
    <>
      {input.image ? (
        <p style="text-align:center">
          <img src={`cid:${cid}`} alt={input.badgeName} width="160" height="160" />
        </p>
      ) : null}
      <p>Hello {input.recipientName},</p>
      <p>
        {input.orgName} has awarded you the <strong>{input.badgeName}</strong> badge.
      </p>
      {input.badgeDescription ? <p>{input.badgeDescription}</p> : null}
      {expiry ? <p>{expiry}</p> : null}
      {input.walletUrl ? (
        <p>It is in your Laurel wallet: share it from there, or download it as a verifiable Open Badge.</p>
      ) : (
        <p>
          Claim it to keep it in your Laurel wallet, share it, or download it as a verifiable Open Badge. If
          you do not want it, you can decline it from the same page and it will be deleted.
        </p>
      )}
    </>
  );
  const html = renderEmail({
    title: subject,
    preheader: input.walletUrl ? `Your ${input.badgeName} badge` : `Claim your ${input.badgeName} badge`,
    body,
    action: input.walletUrl
      ? { label: 'Open your wallet', url: input.walletUrl }
      : { label: 'Claim your badge', url: input.claimUrl },
  });
  const text = emailText([
    `Hello ${input.recipientName},`,
    `${input.orgName} has awarded you the "${input.badgeName}" badge.`,
    ...(input.badgeDescription ? [input.badgeDescription] : []),
    ...(expiry ? [expiry] : []),
    ...(input.walletUrl
      ? [`It is in your Laurel wallet: ${input.walletUrl}`]
      : [
          `Claim it here: ${input.claimUrl}`,
          'If you do not want it, you can decline it from the same page and it will be deleted.',
        ]),
  ]);
  return {
    to: input.to,
    subject,
    html,
    text,
    dedupeKey,
    ...(input.image
      ? { attachments: [{ filename: 'badge.png', content: input.image, cid, contentType: 'image/png' }] }
      : {}),
  };
}
