// The landing page: what Laurel is for a visitor, the ways in for a signed-in user.
import type { OrgRole } from '../../orgs/tables.ts';
import { PageHeader } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';

export function VisitorHome(p: { ctx: PageContext }) {
  return (
    <Layout
      ctx={p.ctx}
      title="Laurel"
      description="Laurel issues, keeps and verifies Open Badges: digital credentials anyone can check."
      meta={{ 'og:title': 'Laurel', 'og:type': 'website' }}
    >
      <section class="card">
        <h1>Credentials you can check</h1>
        <p class="lead">
          Laurel is an open platform for digital badges. Organizations issue them to the people who earned
          them; earners keep them in one wallet and share them; anyone can verify that a badge is genuine,
          current and not revoked.
        </p>
        <p class="lead">
          Every badge is an Open Badge (versions 2.0 and 3.0, on W3C Verifiable Credentials) signed by its
          issuer, so it stays verifiable with any tool that speaks the standard.
        </p>
        <div class="row">
          <a class="button" href="/verify">
            Verify a badge
          </a>
          <a class="button secondary" href="/signup">
            Create an account
          </a>
          <a href="/login">Log in</a>
        </div>
      </section>
      <div class="grid">
        <section class="card">
          <h2>For organizations</h2>
          <p>
            Design badge templates in the designer, then issue them one at a time, to a whole class from a CSV
            file, or from your own software through the JSON API with an API key. Revoke when needed.
          </p>
        </section>
        <section class="card">
          <h2>For earners</h2>
          <p>
            Claim badges from the email you receive, keep them with ones from other platforms, and choose what
            is public.
          </p>
        </section>
        <section class="card">
          <h2>For verifiers</h2>
          <p>
            Paste a link or drop a badge image or file: see who issued it, to whom, for what, and whether it
            still holds.
          </p>
        </section>
      </div>
    </Layout>
  );
}

export function UserHome(p: { ctx: PageContext; orgs: { slug: string; name: string; role: OrgRole }[] }) {
  const name = p.ctx.user?.name ?? '';
  return (
    <Layout ctx={p.ctx} title="Laurel" noindex>
      <PageHeader title={`Welcome, ${name}`} />
      <div class="grid">
        <section class="card">
          <h2>
            <a href="/wallet">My badges</a>
          </h2>
          <p>Your wallet: badges you have claimed or imported, and what you share.</p>
        </section>
        <section class="card">
          <h2>
            <a href="/orgs">Organizations</a>
          </h2>
          {p.orgs.length ? (
            <ul>
              {p.orgs.map((o) => (
                <li>
                  <a href={`/manage/${o.slug}`}>{o.name}</a> <span class="muted small">({o.role})</span>
                </li>
              ))}
            </ul>
          ) : (
            <p>Issue badges for your organization: create one, or ask to be invited to an existing one.</p>
          )}
        </section>
        <section class="card">
          <h2>
            <a href="/verify">Verify a badge</a>
          </h2>
          <p>Check any Open Badge: a link, an image with the credential baked in, or a credential file.</p>
        </section>
        <section class="card">
          <h2>
            <a href="/account">Your account</a>
          </h2>
          <p>Your name, public profile, email addresses and password.</p>
        </section>
      </div>
    </Layout>
  );
}
