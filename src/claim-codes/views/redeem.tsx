// /redeem: the form for a claim code, what a signed-out visitor is asked to do first, and
// what a code that gave nothing says.
import { withNext } from '../../accounts/next.ts';
import { Alert, Field, PostForm } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';

export interface RedeemView {
  ctx: PageContext;
  code?: string;
  /** The sentence under the field: why the code gave nothing. */
  error?: string;
  /** A badge this person already redeemed from the same set. */
  itemId?: string | null;
  /** The signed-in person has no confirmed address yet. */
  unverified?: boolean;
}

export function RedeemPage(props: RedeemView) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Redeem a claim code" noindex>
      <div class="card form-narrow stack">
        <h1>Redeem a claim code</h1>
        <p>Got a code from an event, a course or a card? Enter it to add the badge to your wallet.</p>
        {props.unverified ? (
          <Alert kind="warning" title="Confirm your email address first">
            The badge is issued to your confirmed address. Open the link we emailed you, or{' '}
            <a href="/account">check your addresses</a>, then come back here.
          </Alert>
        ) : null}
        {props.itemId ? (
          <Alert kind="info" title="You already have this badge">
            <a href={`/wallet/${props.itemId}`}>Open it in your wallet</a>.
          </Alert>
        ) : null}
        <PostForm action="/redeem" csrfToken={ctx.csrfToken} class="stack">
          <Field
            label="Claim code"
            name="code"
            value={props.code}
            required
            errors={props.error ? [{ field: 'code', message: props.error }] : undefined}
            hint="Dashes, spaces and upper or lower case do not matter."
            attrs={{ autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: 100 }}
          />
          <div class="form-actions">
            <button type="submit" class="button">
              {ctx.user ? 'Redeem' : 'Continue'}
            </button>
          </div>
        </PostForm>
        {ctx.user ? null : (
          <p class="muted">
            You will log in or create a free account next; the badge is kept in your wallet there.
          </p>
        )}
      </div>
    </Layout>
  );
}

/** A signed-out visitor with a code: log in or sign up, and come back with the code filled in. */
export function SignInFirstPage(props: { ctx: PageContext; code: string }) {
  const back = `/redeem?code=${encodeURIComponent(props.code)}`;
  return (
    <Layout ctx={props.ctx} title="Log in to redeem your code" noindex>
      <div class="card form-narrow stack">
        <h1>Log in to redeem your code</h1>
        <p>
          Badges are kept in a wallet, so you need an account. Create one, or log in if you have one: you come
          back here with your code filled in.
        </p>
        <div class="form-actions">
          <a class="button" href={withNext('/signup', back)}>
            Create an account
          </a>
          <a class="button secondary" href={withNext('/login', back)}>
            Log in
          </a>
        </div>
      </div>
    </Layout>
  );
}
