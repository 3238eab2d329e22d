/** Factories for tests of any feature: organizations with members and a session cookie per member. */
import { createHmac, randomBytes } from 'node:crypto';
import { createSession } from '../accounts/sessions.ts';
import { type Config, testConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { addMember } from './members.ts';
import { type Org, type OrgInput, createOrg } from './service.ts';
import type { OrgRole } from './tables.ts';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

export async function makeOrg(
  db: Db,
  opts: Partial<OrgInput> & { config?: Config; ownerUserId?: string } = {},
): Promise<Org> {
  const { config = testConfig(), ownerUserId, ...input } = opts;
  return createOrg(
    db,
    config,
    { slug: input.slug ?? `org-${unique()}`, name: input.name ?? 'Test Society', ...input },
    ownerUserId,
  );
}

export interface TestUser {
  id: string;
  email: string;
  /** Cookies for `app.inject` that sign this user in. */
  cookies: Record<string, string>;
}

/** A user with a verified email and a live session (rows written directly: test data only). */
export async function makeTestUser(db: Db, name = 'Test User'): Promise<TestUser> {
  const email = `u-${unique()}@example.test`;
  const user = await db.insertInto('users').values({ name }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('userEmails')
    .values({ userId: user.id, email, verifiedAt: new Date(), isPrimary: true })
    .execute();
  const token = await createSession(db, user.id);
  return { id: user.id, email, cookies: { laurel_session: token } };
}

/** Who sends a request in a role-matrix test: nobody, a member of another org, or a role here. */
export type Who = 'anonymous' | 'outsider' | OrgRole;
export const WHO: Who[] = ['anonymous', 'outsider', 'viewer', 'reviewer', 'issuer', 'admin', 'owner'];
/** Who may do at least what a lower rank may. */
export const RANK: Record<Who, number> = {
  anonymous: 0,
  outsider: 0,
  viewer: 1,
  reviewer: 2,
  issuer: 3,
  admin: 4,
  owner: 5,
};

/** A user who holds `role` in `org`. */
export async function makeMember(
  db: Db,
  org: Org,
  role: OrgRole,
  name = `Member ${role}`,
): Promise<TestUser> {
  const user = await makeTestUser(db, name);
  await addMember(db, org.id, user.id, role);
  return user;
}

/**
 * A CSRF cookie and the matching form token (the same HMAC as src/http/csrf.ts), so tests can
 * post forms through `app.inject` without scraping a page first.
 */
export function csrfPair(config: Config = testConfig()): { cookie: string; token: string } {
  const cookie = randomBytes(24).toString('base64url');
  const token = createHmac('sha256', config.secret).update(`csrf:${cookie}`).digest('base64url');
  return { cookie, token };
}
