import type { User, UserEmail } from '../presenters.ts';

/** How long an account counts as new: its page keeps pointing the way until then. */
const NEW_ACCOUNT_DAYS = 14;

export const isNewAccount = (user: User, now = new Date()) =>
  now.getTime() - user.createdAt.getTime() < NEW_ACCOUNT_DAYS * 24 * 3600_000;

/**
 * What a new account can do next, on the page sign-up lands on: issue (an organization),
 * keep (the wallet, where badges sent to a confirmed address wait), and claim from an email.
 */
export function NextSteps(p: { user: User; emails: UserEmail[] }) {
  const unconfirmed = p.emails.filter((e) => !e.verified);
  return (
    <section class="card next-steps" aria-labelledby="h-next">
      <h2 id="h-next">Next steps</h2>
      <ol>
        {unconfirmed.length ? (
          <li>
            <strong>Confirm your address.</strong> Follow the link we sent to{' '}
            {unconfirmed.map((e, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <strong>{e.email}</strong>
              </>
            ))}
            : badges sent to an address reach your account once it is confirmed.
          </li>
        ) : null}
        <li>
          <strong>Got a badge by email?</strong> Open the claim link in that email while logged in here, or
          accept it in <a href="/wallet">your wallet</a>: badges sent to a confirmed address of yours wait
          there for you.
        </li>
        <li>
          <strong>Keep and share your badges.</strong> <a href="/wallet">Open your wallet</a> to see them,
          import ones from other platforms and choose what is public.
        </li>
        <li>
          <strong>Issue badges.</strong> <a href="/orgs">Create an organization</a> (or ask an existing one to
          invite you), design a badge and send it.
        </li>
      </ol>
    </section>
  );
}
