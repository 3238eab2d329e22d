import { type Child, type SafeHtml, raw } from '@laurel/jsx';
import type { CurrentUser } from '../http/context.ts';

/** What a page needs from the request: who is looking, and the CSRF token for its forms. */
export interface PageContext {
  user: CurrentUser | null;
  csrfToken: string;
}

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  description?: string;
  /** Open Graph / Twitter tags, e.g. { 'og:image': 'https://…/c/ID/preview.png' }. */
  meta?: Record<string, string>;
  /** Private pages are never indexed. */
  noindex?: boolean;
  /** Extra tags for <head> (alternate links). Built by the server only. */
  head?: SafeHtml;
  /** The section of the site, to mark the current navigation item. */
  section?: 'verify' | 'wallet' | 'orgs' | 'admin' | 'account';
  children?: Child;
}

export function Layout(props: LayoutProps): SafeHtml {
  const { ctx, section } = props;
  const user = ctx.user;
  const nav = (href: string, label: string, key: LayoutProps['section']) => (
    <a href={href} aria-current={section === key ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title === 'Laurel' ? 'Laurel' : `${props.title} · Laurel`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.noindex ? <meta name="robots" content="noindex, nofollow" /> : null}
        {Object.entries(props.meta ?? {}).map(([k, v]) =>
          k.startsWith('og:') ? <meta property={k} content={v} /> : <meta name={k} content={v} />,
        )}
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        {props.head ?? null}
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="container header-row">
            <a class="brand" href="/">
              {raw(LOGO)}
              <span>Laurel</span>
            </a>
            <nav class="main-nav" aria-label="Main">
              {nav('/verify', 'Verify a badge', 'verify')}
              {user ? nav('/wallet', 'My badges', 'wallet') : null}
              {user ? nav('/orgs', 'Organizations', 'orgs') : null}
              {user?.isAdmin ? nav('/admin', 'Admin', 'admin') : null}
            </nav>
            <div class="account-nav">
              {user ? (
                <>
                  <a href="/account" aria-current={section === 'account' ? 'page' : undefined}>
                    {user.name}
                  </a>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                    <button type="submit" class="link">
                      Log out
                    </button>
                  </form>
                </>
              ) : (
                <>
                  <a href="/login">Log in</a>
                  <a class="button small" href="/signup">
                    Sign up
                  </a>
                </>
              )}
            </div>
          </div>
        </header>
        <main id="main" class="container">
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <span>Laurel — open, verifiable credentials on Open Badges 2.0 and 3.0.</span>
            <a href="/verify">Verify</a>
            <a href="/api/docs">API</a>
          </div>
        </footer>
      </body>
    </html>
  );
}

const LOGO =
  '<svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true"><circle cx="16" cy="16" r="15" fill="#1f5c4a"/><path d="M16 7c-4 3-5 8-3 13m3-13c4 3 5 8 3 13M10 12c-2 1-3 3-3 5m15-5c2 1 3 3 3 5M12 24h8" stroke="#f4d35e" stroke-width="2" fill="none" stroke-linecap="round"/></svg>';
