// The pages of getting in: sign-up, login (by password or emailed link), password reset.
import type { SafeHtml } from '@laurel/jsx';
import type { FieldError } from '../../errors.ts';
import { Alert, CsrfField, Field, PageHeader, PostForm } from '../../ui/components.tsx';
import { EmailField, PasswordField } from './fields.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { withNext } from '../next.ts';
import { MIN_PASSWORD } from '../passwords.ts';

export interface FormState {
  message?: string;
  errors?: FieldError[];
  values?: Record<string, string>;
}

const NextField = (p: { next?: string }) =>
  p.next && p.next !== '/' ? <input type="hidden" name="next" value={p.next} /> : null;

/** A form of these pages: where to go next, and what went wrong last time. */
function AuthForm(p: {
  ctx: PageContext;
  action: string;
  next?: string;
  form?: FormState;
  children?: unknown;
}) {
  return (
    <PostForm action={p.action} csrfToken={p.ctx.csrfToken} failure={p.form} class="card" novalidate>
      <NextField next={p.next} />
      {p.children as SafeHtml}
    </PostForm>
  );
}

function AuthPage(p: { ctx: PageContext; title: string; lead?: string; children?: unknown }): SafeHtml {
  return (
    <Layout ctx={p.ctx} title={p.title} noindex>
      <div class="form-narrow">
        <PageHeader title={p.title} lead={p.lead} />
        {p.children as SafeHtml}
      </div>
    </Layout>
  );
}

export function SignupPage(p: { ctx: PageContext; next?: string; form?: FormState }) {
  const v = p.form?.values ?? {};
  return (
    <AuthPage
      ctx={p.ctx}
      title="Create your account"
      lead="Keep every badge you earn in one place, share it, and prove it is yours."
    >
      <AuthForm ctx={p.ctx} action="/signup" next={p.next} form={p.form}>
        <Field
          label="Your name"
          name="name"
          value={v.name}
          required
          autocomplete="name"
          errors={p.form?.errors}
          hint="As it should appear on your badges."
        />
        <EmailField value={v.email} errors={p.form?.errors} />
        <PasswordField
          choosing
          label="Password"
          name="password"
          errors={p.form?.errors}
          hint={`At least ${MIN_PASSWORD} characters. A short sentence is easy to remember and hard to guess.`}
        />
        <div class="form-actions">
          <button type="submit">Create account</button>
        </div>
      </AuthForm>
      <p>
        Already have an account? <a href={withNext('/login', p.next)}>Log in</a>
      </p>
    </AuthPage>
  );
}

export function LoginPage(p: { ctx: PageContext; next?: string; form?: FormState; notice?: string }) {
  const v = p.form?.values ?? {};
  return (
    <AuthPage ctx={p.ctx} title="Log in">
      {p.notice ? <Alert kind="success">{p.notice}</Alert> : null}
      <AuthForm ctx={p.ctx} action="/login" next={p.next} form={p.form}>
        <EmailField value={v.email} autocomplete="username" errors={p.form?.errors} />
        <PasswordField label="Password" name="password" errors={p.form?.errors} />
        <div class="form-actions">
          <button type="submit">Log in</button>
          <a href="/forgot">Forgot your password?</a>
        </div>
      </AuthForm>
      <p>
        <a href={withNext('/login/link', p.next)}>Email me a login link instead</a>
        {' · '}
        <a href={withNext('/signup', p.next)}>Create an account</a>
      </p>
    </AuthPage>
  );
}

export function EmailFormPage(p: {
  ctx: PageContext;
  title: string;
  lead: string;
  action: string;
  button: string;
  next?: string;
  form?: FormState;
}) {
  return (
    <AuthPage ctx={p.ctx} title={p.title} lead={p.lead}>
      <AuthForm ctx={p.ctx} action={p.action} next={p.next} form={p.form}>
        <EmailField value={p.form?.values?.email} errors={p.form?.errors} />
        <div class="form-actions">
          <button type="submit">{p.button}</button>
        </div>
      </AuthForm>
      <p>
        <a href={withNext('/login', p.next)}>Back to log in</a>
      </p>
    </AuthPage>
  );
}

/** "Check your email": the same answer whether or not the address has an account. */
export function SentPage(p: { ctx: PageContext; title: string; what: string }) {
  return (
    <AuthPage ctx={p.ctx} title={p.title}>
      <Alert kind="info">
        If an account uses that address, we have sent it {p.what}. It can take a minute to arrive; check your
        spam folder too.
      </Alert>
      <p>
        <a href="/login">Back to log in</a>
      </p>
    </AuthPage>
  );
}

/** After sign-up: the same page whether the address was free or already had an account. */
export function SignupSentPage(p: { ctx: PageContext; email: string }) {
  return (
    <AuthPage ctx={p.ctx} title="Check your email">
      <Alert kind="info">
        We have sent a message to <strong>{p.email}</strong>. Follow its link to confirm the address and
        finish creating your account. If the address already has an account, the message tells you how to get
        into it instead.
      </Alert>
      <p>It can take a minute to arrive; check your spam folder too.</p>
    </AuthPage>
  );
}

/** The mailed links that work once, and where to get a new one when one no longer does. */
export type MailedLink = 'login' | 'password reset' | 'confirmation' | 'merge';

function retryOf(link: MailedLink, signedIn: boolean): { href: string; label: string } {
  switch (link) {
    case 'login':
      return { href: '/login/link', label: 'Send a new link' };
    case 'password reset':
      return { href: '/forgot', label: 'Ask for a new link' };
    case 'confirmation':
      return signedIn
        ? { href: '/account', label: 'Send a new link from your account' }
        : { href: '/login', label: 'Log in to send a new link' };
    case 'merge':
      return { href: '/account', label: 'Go to your account' };
  }
}

export function LinkGonePage(p: { ctx: PageContext; link: MailedLink }) {
  const retry = retryOf(p.link, p.ctx.user != null);
  return (
    <AuthPage ctx={p.ctx} title="This link no longer works">
      <p>This {p.link} link has expired or has already been used. Links work once, for a limited time.</p>
      <p>
        <a class="button" href={retry.href}>
          {retry.label}
        </a>
      </p>
    </AuthPage>
  );
}

export function ConfirmLinkPage(p: { ctx: PageContext; action: string; next?: string }) {
  return (
    <AuthPage
      ctx={p.ctx}
      title="Log in to Laurel"
      lead="Press the button to finish logging in on this device."
    >
      <form method="post" action={p.action} class="card">
        <CsrfField token={p.ctx.csrfToken} />
        <NextField next={p.next} />
        <button type="submit">Log in</button>
      </form>
    </AuthPage>
  );
}

export function ResetPage(p: { ctx: PageContext; action: string; form?: FormState }) {
  return (
    <AuthPage
      ctx={p.ctx}
      title="Choose a new password"
      lead="After this, every device logged in to your account is logged out."
    >
      <AuthForm ctx={p.ctx} action={p.action} form={p.form}>
        <PasswordField choosing label="New password" name="password" errors={p.form?.errors} />
        <div class="form-actions">
          <button type="submit">Save the new password</button>
        </div>
      </AuthForm>
    </AuthPage>
  );
}

export function EmailConfirmedPage(p: { ctx: PageContext; email: string; next?: string }) {
  return (
    <AuthPage ctx={p.ctx} title="Address confirmed">
      <Alert kind="success">{p.email} is confirmed. Badges sent to it will reach your account.</Alert>
      <p>
        <a class="button" href={p.next ?? (p.ctx.user ? '/account' : '/login')}>
          Continue
        </a>
      </p>
    </AuthPage>
  );
}
