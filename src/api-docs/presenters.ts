// The API reference's view of the OpenAPI document: operations grouped by tag, one-line type
// labels, and an example request for each operation, all from the route schemas.
export type Schema = {
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

export interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
  security?: unknown[];
}

export interface OpenApi {
  info?: { title?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

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

export function mergeAllOf(parts: Schema[]): Schema {
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

/** The id of an operation's section on the page. */
export const anchor = (method: string, path: string) =>
  `${method}-${path}`
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/** The document's operations grouped by their first tag, tags in alphabetical order. */
export function operationsByTag(doc: OpenApi): { tag: string; operations: DocOperation[] }[] {
  const groups = new Map<string, DocOperation[]>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method, path, op });
    }
  }
  return [...groups.keys()].sort().map((tag) => ({ tag, operations: groups.get(tag)! }));
}

export interface DocOperation {
  method: string;
  path: string;
  op: Operation;
}
