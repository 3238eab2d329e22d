// The readable API reference: a pure view of the OpenAPI document the routes' schemas build.
import type { Child } from '@laurel/jsx';
import { PageHeader } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import {
  type OpenApi,
  type Schema,
  anchor,
  exampleCurl,
  mergeAllOf,
  operationsByTag,
  typeLabel,
} from '../presenters.ts';

/** Descriptions in the document mark code with backticks (CommonMark); show those as code. */
function withCode(text: string | undefined) {
  if (!text) return '';
  return text.split('`').map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part));
}

function Properties(props: { schema: Schema }) {
  const s = props.schema.allOf ? mergeAllOf(props.schema.allOf) : props.schema;
  const entries = Object.entries(s.properties ?? {});
  if (!entries.length) return <p class="muted">{typeLabel(s)}</p>;
  const required = new Set(s.required ?? []);
  return (
    <NamedTable
      headings={['Field', 'Type', 'Required', 'Description']}
      rows={entries.map(([name, p]) => [
        name,
        typeLabel(p),
        required.has(name) ? 'yes' : 'no',
        withCode(p.description),
      ])}
    />
  );
}

/** A table of named things (fields, parameters): the name as code, then the other columns. */
type NamedRow = [name: string, ...cells: Child[]];

function NamedTable(props: { headings: string[]; rows: NamedRow[] }) {
  return (
    <DataTable
      rows={props.rows}
      columns={props.headings.map((label, i) => ({
        label,
        cell: (row: NamedRow) => (i === 0 ? <code>{row[0]}</code> : row[i]),
      }))}
    />
  );
}

export function DocsPage(props: { ctx: PageContext; doc: OpenApi; baseUrl: string }) {
  const groups = operationsByTag(props.doc);
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
        {groups.map(({ tag, operations }) => (
          <>
            <h2 class="h4">{tag}</h2>
            <ul>
              {operations.map(({ method, path, op }) => (
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
      {groups.map(({ tag, operations }) => (
        <section>
          <h2>{tag}</h2>
          {operations.map(({ method, path, op }) => {
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
                    <NamedTable
                      headings={['Name', 'In', 'Type', 'Required', 'Description']}
                      rows={params.map((p) => [
                        p.name,
                        p.in,
                        typeLabel(p.schema),
                        p.required ? 'yes' : 'no',
                        withCode(p.description ?? p.schema?.description),
                      ])}
                    />
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
