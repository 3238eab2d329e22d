// API keys of an organization (admin role): create with scopes, shown once, revoke.
import { Type } from 'typebox';
import { memberOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { type FormFailure, formFailure, formRoute, readForm } from '../http/forms.ts';
import { FormBody, FormText, NoFields, QueryFlag, SlugIdParams, SlugParams } from '../http/schemas.ts';
import { createApiKey, listApiKeys, parseScopes, revokeApiKey } from './service.ts';
import { ApiKeysPage } from './views/keys.tsx';

const KeyForm = FormBody({
  name: FormText(),
  // One checkbox per scope: absent, one value or several.
  scopes: Type.Optional(
    Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }))]),
  ),
});
const hidden = { hide: true } as const;

export function apiKeyPages(app: App, ctx: AppContext) {
  app.get(
    '/manage/:slug/api-keys',
    {
      config: { access: { role: 'admin' } },
      schema: { ...hidden, params: SlugParams, querystring: Type.Object({ revoked: QueryFlag }) },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const keys = await listApiKeys(ctx.db, access.org.id);
      return reply.html(
        <ApiKeysPage
          ctx={pageContext(request)}
          access={access}
          keys={keys}
          notice={request.query.revoked ? 'The key was revoked.' : undefined}
        />,
      );
    },
  );

  app.post(
    '/manage/:slug/api-keys',
    { ...formRoute(KeyForm, { params: SlugParams }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const access = memberOf(request);
      const form = readForm(request, KeyForm);
      const raw = request.body.scopes;
      const values = { name: form.values.name, scopes: raw === undefined ? [] : [raw].flat() };
      const page = async (failure: FormFailure) =>
        reply.html(
          <ApiKeysPage
            ctx={pageContext(request)}
            access={access}
            keys={await listApiKeys(ctx.db, access.org.id)}
            values={values}
            message={failure.message}
            errors={failure.errors}
          />,
          failure.status,
        );
      if (!form.ok) return page(form.failure);
      try {
        const { key, info } = await createApiKey(ctx.db, {
          orgId: access.org.id,
          name: values.name,
          scopes: parseScopes(values.scopes),
          createdBy: access.user.id,
        });
        const keys = await listApiKeys(ctx.db, access.org.id);
        // Rendered directly (no redirect): the secret must appear once and never be stored.
        return reply
          .header('cache-control', 'no-store')
          .html(
            <ApiKeysPage
              ctx={pageContext(request)}
              access={access}
              keys={keys}
              created={{ key, name: info.name }}
            />,
            201,
          );
      } catch (e) {
        return page(formFailure(e));
      }
    },
  );

  app.post(
    '/manage/:slug/api-keys/:id/revoke',
    {
      config: { access: { role: 'admin' } },
      schema: { ...hidden, params: SlugIdParams, body: NoFields },
    },
    async (request, reply) => {
      const access = memberOf(request);
      await revokeApiKey(ctx.db, access.org.id, request.params.id);
      return reply.redirect(`/manage/${access.org.slug}/api-keys?revoked=1`, 303);
    },
  );
}
