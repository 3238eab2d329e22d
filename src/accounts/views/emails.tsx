import type { OutgoingMessage } from '../../mail/outbox.ts';
import { emailText, paragraphs, renderEmail } from '../../mail/layout.tsx';

function message(
  to: string,
  subject: string,
  lines: string[],
  action: { label: string; url: string },
  after: string[],
): OutgoingMessage {
  return {
    to,
    subject,
    html: renderEmail({
      title: subject,
      preheader: lines[0],
      body: paragraphs([...lines, ...after]),
      action,
    }),
    text: emailText([...lines, `${action.label}: ${action.url}`, ...after]),
  };
}

export const verifyEmailMessage = (to: string, name: string, url: string) =>
  message(
    to,
    'Confirm your email address',
    [
      `Hello ${name},`,
      `Please confirm that ${to} is your address, so badges sent to it reach your Laurel account.`,
    ],
    { label: 'Confirm this address', url },
    ['The link works for 3 days. If you did not ask for this, ignore this email.'],
  );

export const resetPasswordMessage = (to: string, url: string) =>
  message(
    to,
    'Reset your Laurel password',
    ['Someone (hopefully you) asked to reset the password of the Laurel account with this address.'],
    { label: 'Choose a new password', url },
    [
      'The link works once, for one hour. If you did not ask for this, ignore this email: your password stays as it is.',
    ],
  );

export const loginLinkMessage = (to: string, url: string) =>
  message(
    to,
    'Your Laurel login link',
    ['Use this link to log in to Laurel without a password.'],
    { label: 'Log in to Laurel', url },
    ['The link works once, for 15 minutes. If you did not ask for it, ignore this email.'],
  );

export const mergeAccountMessage = (to: string, intoName: string, url: string) =>
  message(
    to,
    'Merge your Laurel accounts',
    [
      `${intoName} asked to merge the Laurel account of ${to} into theirs. Their badges, emails and organizations would then live in one account.`,
    ],
    { label: 'Review the merge', url },
    ['The link works once, for one hour. If this was not you, ignore this email and nothing changes.'],
  );

export const finishSignupMessage = (to: string, name: string, url: string) =>
  message(
    to,
    'Finish creating your Laurel account',
    [
      `Hello ${name},`,
      `Follow this link to confirm that ${to} is your address and log in to your new account.`,
    ],
    { label: 'Confirm and log in', url },
    ['The link works once, for one day. If you did not sign up, ignore this email and nothing happens.'],
  );

// Sent instead of a sign-up link when the address has an account: the sign-up page says the
// same thing either way, and the owner learns how to get in.
export const accountExistsMessage = (to: string, resetUrl: string) =>
  message(
    to,
    'You already have a Laurel account',
    [
      'Someone (hopefully you) tried to create a Laurel account with this address, which already has one. No new account was made.',
      'To get into your account, log in as usual, or choose a new password with this link:',
    ],
    { label: 'Choose a new password', url: resetUrl },
    ['The link works once, for one hour. If this was not you, ignore this email: nothing changes.'],
  );
