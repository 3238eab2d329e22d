// An invitation, as the person who received the link sees it.
import { PageHeader, PostButton } from '../../ui/components.tsx';
import type { FoundInvitation, InvitedAddress } from '../invitations.ts';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { ROLE_HELP } from './members.tsx';

export function InvitationPage(props: {
  ctx: PageContext;
  token: string;
  found: FoundInvitation | null;
  /** For a signed-in visitor: whether their account has the invited address confirmed. */
  address?: InvitedAddress;
}) {
  const f = props.found;
  const here = `/invitations/${props.token}`;
  return (
    <Layout ctx={props.ctx} title="Invitation" noindex>
      {!f?.usable ? (
        <PageHeader
          title="This invitation cannot be used"
          lead="It has been used already or has expired. Ask for a new one."
        />
      ) : (
        <>
          <PageHeader
            title={`Join ${f.org.name}`}
            lead={`You are invited as ${f.invitation.role}: ${ROLE_HELP[f.invitation.role]}.`}
          />
          {props.ctx.user && props.address !== 'confirmed' ? (
            <div class="stack">
              <p>
                This invitation was sent to <strong>{f.invitation.email}</strong>. Only an account with that
                address confirmed can accept it, and yours ({props.ctx.user.name}){' '}
                {props.address === 'unconfirmed' ? 'has it, not yet confirmed' : 'does not have it'}.
              </p>
              <p>
                {props.address === 'unconfirmed'
                  ? 'Follow the confirmation link we emailed to that address (your account page can send a new one),'
                  : 'Add the address on your account page and follow the confirmation link we email to it,'}{' '}
                then open this invitation again. If another account of yours has the address, log in to that
                one instead.
              </p>
              <p class="row">
                <a class="button" href="/account">
                  Go to your account
                </a>
              </p>
            </div>
          ) : props.ctx.user ? (
            <PostButton action={here} csrfToken={props.ctx.csrfToken} class="button">
              Join as {props.ctx.user.name}
            </PostButton>
          ) : (
            <p class="row">
              <a class="button" href={`/login?next=${encodeURIComponent(here)}`}>
                Log in to accept
              </a>
              <a
                href={`/signup?email=${encodeURIComponent(f.invitation.email)}&next=${encodeURIComponent(here)}`}
              >
                Create an account
              </a>
            </p>
          )}
        </>
      )}
    </Layout>
  );
}
