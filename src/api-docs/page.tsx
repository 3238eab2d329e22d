// The readable API reference, rendered on the server from the same OpenAPI document that
// /api/openapi.json serves (the route schemas), so it can never drift from the code.
import type { FastifyInstance } from 'fastify';
import { pageContext } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { Layout } from '../ui/layout.tsx';
import { PageHeader } from '../ui/components.tsx';

type Schema = {
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: unknown;
  $ref?: string;
};

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
  security?: unknown[];
}

interface OpenApi {
  info?: { title?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Descriptions in the document mark code with backticks (CommonMark); show those as code. */
export function withCode(text: string | undefined) {
  if (!text) return '';
  return text.split('`').map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part));
}

/** A one-line type: `string (uuid)`, `integer 1–200`, `"a" | "b"`, `array of string`. */
export function typeLabel(s: Schema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return s.$ref.split('/').pop() ?? 'object';
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeLabel).join(' | ');
  if (s.allOf) return s.allOf.map(typeLabel).join(' & ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'object');
  if (t === 'array') return `array of ${typeLabel(s.items)}`;
  const extras = [
    s.format,
    s.minimum !== undefined || s.maximum !== undefined ? `${s.minimum ?? ''}–${s.maximum ?? ''}` : '',
    s.maxLength !== undefined ? `≤ ${s.maxLength} chars` : '',
  ].filter(Boolean);
  return extras.length ? `${t} (${extras.join(', ')})` : t;
}

function Properties(props: { schema: Schema }) {
  const s = props.schema.allOf ? mergeAllOf(props.schema.allOf) : props.schema;
  const entries = Object.entries(s.properties ?? {});
  if (!entries.length) return <p class="muted">{typeLabel(s)}</p>;
  const required = new Set(s.required ?? []);
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, p]) => (
            <tr>
              <td>
                <code>{name}</code>
              </td>
              <td>{typeLabel(p)}</td>
              <td>{required.has(name) ? 'yes' : 'no'}</td>
              <td>{withCode(p.description)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function mergeAllOf(parts: Schema[]): Schema {
  const out: Schema = { type: 'object', properties: {}, required: [] };
  for (const p of parts) {
    Object.assign(out.properties!, p.properties ?? {});
    out.required!.push(...(p.required ?? []));
  }
  return out;
}

/** Placeholder values for the example body, from the schema's own types. */
function exampleValue(s: Schema | undefined): unknown {
  if (!s) return null;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf?.[0] ?? s.oneOf?.[0];
  if (alt) return exampleValue(alt);
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const name of s.required ?? Object.keys(s.properties ?? {}))
      out[name] = exampleValue(s.properties?.[name]);
    return out;
  }
  if (t === 'array') return [exampleValue(s.items)];
  if (t === 'integer' || t === 'number') return s.minimum ?? 1;
  if (t === 'boolean') return true;
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (s.format === 'date-time') return '2026-01-31T12:00:00Z';
  if (s.format === 'email') return 'ada@example.org';
  return 'text';
}

export function exampleCurl(baseUrl: string, method: string, path: string, op: Operation): string {
  const url =
    baseUrl + path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'slug' ? 'your-org' : `<${name}>`));
  const lines = [`curl -X ${method.toUpperCase()} '${url}'`];
  if (op.security?.length) lines.push(`  -H 'Authorization: Bearer lrl_<prefix>_<secret>'`);
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) {
    lines.push(`  -H 'Content-Type: application/json'`);
    lines.push(`  -d '${JSON.stringify(exampleValue(body)).replace(/'/g, "'\\''")}'`);
  }
  return lines.join(' \\\n');
}

const anchor = (method: string, path: string) =>
  `${method}-${path}`
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

function DocsPage(props: { ctx: ReturnType<typeof pageContext>; doc: OpenApi; baseUrl: string }) {
  const groups = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, ops] of Object.entries(props.doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method, path, op });
    }
  }
  const tags = [...groups.keys()].sort();
  return (
    <Layout
      ctx={props.ctx}
      title="API documentation"
      description="The Laurel HTTP API for issuing and verifying Open Badges."
    >
      <PageHeader title={props.doc.info?.title ?? 'API'} />
      {props.doc.info?.description ? <p class="lead">{withCode(props.doc.info.description)}</p> : null}
      <p>
        The machine-readable document is at <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3).
        Errors are <code>application/problem+json</code> with a stable <code>code</code> and, for invalid
        input, field errors in <code>errors</code> (every invalid field, not only the first). A request
        without a live key (and without a signed-in session) gets 401 “Missing or invalid API key”. Create API
        keys under your organization’s dashboard, “API keys”.
      </p>
      <p>
        Issuing is not refused when it looks like a repeat: without an <code>Idempotency-Key</code>, a retried
        request issues a second badge. The answer then warns: a <code>warnings</code> array (code{' '}
        <code>POSSIBLE_DUPLICATE</code>, with the ids of the earlier awards of the same template to the same
        email in the last 24 hours) and a <code>Warning: 299 - "…"</code> header with the same text.
      </p>
      <nav aria-label="Operations" class="toc">
        {tags.map((tag) => (
          <>
            <h2 class="h4">{tag}</h2>
            <ul>
              {groups.get(tag)!.map(({ method, path, op }) => (
                <li>
                  <a href={`#${anchor(method, path)}`}>
                    <code>{method.toUpperCase()}</code> {path}
                  </a>{' '}
                  {op.summary ? <span class="muted">— {op.summary}</span> : null}
                </li>
              ))}
            </ul>
          </>
        ))}
      </nav>
      {tags.map((tag) => (
        <section>
          <h2>{tag}</h2>
          {groups.get(tag)!.map(({ method, path, op }) => {
            const params = op.parameters ?? [];
            const body = op.requestBody?.content?.['application/json']?.schema;
            return (
              <article class="card api-operation" id={anchor(method, path)}>
                <h3>
                  <code>{method.toUpperCase()}</code> <code>{path}</code>
                </h3>
                {op.summary ? <p>{op.summary}</p> : null}
                {op.description ? <p class="muted">{withCode(op.description)}</p> : null}
                {params.length ? (
                  <>
                    <h4>Parameters</h4>
                    <div class="table-wrap">
                      <table>
                        <thead>
                          <tr>
                            <th scope="col">Name</th>
                            <th scope="col">In</th>
                            <th scope="col">Type</th>
                            <th scope="col">Required</th>
                            <th scope="col">Description</th>
                          </tr>
                        </thead>
                        <tbody>
                          {params.map((p) => (
                            <tr>
                              <td>
                                <code>{p.name}</code>
                              </td>
                              <td>{p.in}</td>
                              <td>{typeLabel(p.schema)}</td>
                              <td>{p.required ? 'yes' : 'no'}</td>
                              <td>{withCode(p.description ?? p.schema?.description)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </>
                ) : null}
                {body ? (
                  <>
                    <h4>Request body (JSON)</h4>
                    <Properties schema={body} />
                  </>
                ) : null}
                {op.responses ? (
                  <>
                    <h4>Responses</h4>
                    <ul>
                      {Object.entries(op.responses).map(([status, r]) => (
                        <li>
                          <code>{status}</code>{' '}
                          {r.description && r.description !== 'Default Response'
                            ? withCode(r.description)
                            : ''}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
                <h4>Example</h4>
                <pre class="code">{exampleCurl(props.baseUrl, method, path, op)}</pre>
              </article>
            );
          })}
        </section>
      ))}
    </Layout>
  );
}

export function apiDocsRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const doc = app.swagger() as OpenApi;
    return reply
      .header('cache-control', 'no-cache')
      .html(<DocsPage ctx={pageContext(request)} doc={doc} baseUrl={ctx.config.baseUrl} />);
  });
}
