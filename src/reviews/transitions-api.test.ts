import { describe, expect, it } from 'vitest';
import { createApiKey } from '../apikeys/service.ts';
import { makeApplication } from '../applications/testing.ts';
import type { ApplicationState } from '../applications/tables.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeMember } from '../orgs/testing.ts';

// The reviewer's transitions through the API, from every state an application can be seen in
// (drafts are the applicant's alone: 404, tested in routes.test.ts). The applicant's own moves
// have no API; the service test (src/applications/transitions.test.ts) covers every pair.
const STATES: ApplicationState[] = ['submitted', 'returned', 'approved', 'rejected', 'withdrawn'];
const DECISIONS = ['approve', 'return', 'reject'] as const;
const AFTER = { approve: 'approved', return: 'returned', reject: 'rejected' } as const;

describe.each(DIALECTS)('review decisions through the API on %s', (dialect) => {
  const t = useTestApp(dialect);

  it.each(STATES.flatMap((state) => DECISIONS.map((decision) => [state, decision] as const)))(
    'from %s, %s',
    async (state, decision) => {
      const { application, org } = await makeApplication(t.ctx, { state });
      const admin = await makeMember(t.db, org, 'admin');
      const { key } = await createApiKey(t.db, {
        orgId: org.id,
        name: 'Reviews',
        scopes: ['applications:read', 'applications:review'],
        createdBy: admin.id,
      });
      const url = `/api/v1/orgs/${org.slug}/applications/${application.id}`;
      const res = await t.withKey(key, 'POST', `${url}/decision`, { decision, message: 'Because.' });
      const stored = (await t.withKey(key, 'GET', url)).json();
      if (state === 'submitted') {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().state).toBe(AFTER[decision]);
        expect(stored.state).toBe(AFTER[decision]);
        expect(Boolean(stored.awardId)).toBe(decision === 'approve');
      } else {
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json()).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'state', message: state }] });
        expect(stored.state).toBe(state);
        expect(stored.awardId ?? null).toBeNull();
      }
    },
  );
});
