import type { FastifyRequest } from 'fastify';
import { Layout } from '../ui/layout.tsx';
import type { Problem } from './problem.ts';

export function renderErrorPage(request: FastifyRequest, p: Problem) {
  return (
    <Layout ctx={{ user: request.user ?? null, csrfToken: request.csrfToken ?? '' }} title={p.title} noindex>
      <div class="card form-narrow">
        <h1>{p.title}</h1>
        <p>{p.detail}</p>
        {p.errors?.length ? (
          <ul>
            {p.errors.map((e) => (
              <li>
                {e.field}: {e.message}
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          <a href="/">Go to the home page</a>
        </p>
      </div>
    </Layout>
  );
}
