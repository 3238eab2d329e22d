import { createRequire } from 'node:module';
import jsonld from 'jsonld';
import { defaultDocumentLoader, type DocumentLoader } from '../contexts/index.ts';
import { OpenBadgesError, isOpenBadgesError } from '../errors.ts';

const require = createRequire(import.meta.url);
// Internal to jsonld.js but stable for years; handing one instance to every call is what lets
// jsonld.js reuse resolved (and processed) contexts across documents.
const ContextResolver = require('jsonld/lib/ContextResolver.js') as new (opts: {
  sharedCache: { get(k: string): unknown; set(k: string, v: unknown): void };
}) => unknown;
// The synchronous entry point: the work is CPU-bound either way, and it saves a promise per call.
const rdfCanonize = require('rdf-canonize') as { _canonizeSync(dataset: unknown, opts: object): string };

/** A tiny bounded map with the get/set interface jsonld.js expects of its shared cache. */
class BoundedCache {
  private readonly map = new Map<string, unknown>();
  constructor(private readonly max: number) {}
  get(key: string): unknown {
    return this.map.get(key);
  }
  set(key: string, value: unknown): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}

// One resolver per loader: a loader with extra documents must never see another loader's contexts.
const resolvers = new WeakMap<DocumentLoader, unknown>();

export function contextResolverFor(loader: DocumentLoader): unknown {
  let resolver = resolvers.get(loader);
  if (!resolver) {
    resolver = new ContextResolver({ sharedCache: new BoundedCache(256) });
    resolvers.set(loader, resolver);
  }
  return resolver;
}

/** Finds the library error a loader threw, which jsonld.js wraps (sometimes twice). */
function findCause(e: unknown): OpenBadgesError | undefined {
  let cur: any = e;
  for (let depth = 0; cur && depth < 8; depth++) {
    if (isOpenBadgesError(cur)) return cur;
    cur = cur.details?.cause ?? cur.cause;
  }
  return undefined;
}

/** The jsonld.js safe-mode event behind a failure: what was undefined or not absolute, and where. */
function safeModeEvent(e: unknown): { code: string; details: Record<string, unknown> } | undefined {
  let cur: any = e;
  for (let depth = 0; cur && depth < 8; depth++) {
    const event = cur.details?.event;
    if (event && typeof event.code === 'string') return { code: event.code, details: event.details ?? {} };
    cur = cur.details?.cause ?? cur.cause;
  }
  return undefined;
}

const shown = (v: unknown) => `“${String(v).slice(0, 80)}”`;

/**
 * Why jsonld.js refused a document, in words: an undefined term, a type that is not defined, or
 * a value that should be a URI and is not. `kind` lets callers tell a term that a signer would
 * never have emitted (plausibly added or renamed after signing) from a document that was never
 * valid JSON-LD (a relative type or identifier).
 */
export type JsonLdProblem = {
  kind: 'undefined-term' | 'undefined-type' | 'not-a-uri' | 'other';
  message: string;
};

export function jsonLdProblem(e: unknown): JsonLdProblem {
  const event = safeModeEvent(e);
  const d = event?.details ?? {};
  switch (event?.code) {
    case 'invalid property':
      return {
        kind: 'undefined-term',
        message: `The term ${shown(d.property)} is not defined by the document's JSON-LD contexts.`,
      };
    case 'relative @type reference':
      return {
        kind: 'undefined-type',
        message: `The type ${shown(d.type)} is not defined by the document's JSON-LD contexts.`,
      };
    case 'relative @id reference':
    case 'relative object reference':
    case 'relative subject reference':
      return {
        kind: 'not-a-uri',
        message: `The value ${shown(d.id ?? d.object ?? d.subject)} must be a URI (an absolute IRI) and is not.`,
      };
    default: {
      const message = e instanceof Error ? e.message : String(e);
      return { kind: 'other', message: `The document is not valid JSON-LD for signing: ${message}` };
    }
  }
}

export function jsonLdError(e: unknown): OpenBadgesError {
  const known = findCause(e);
  if (known) return known;
  return new OpenBadgesError('JSONLD_INVALID', jsonLdProblem(e).message, { cause: e });
}

/**
 * The generic path: jsonld.js toRDF in safe mode (any term or type that does not map to an IRI is
 * an error, not silently dropped, so nothing unsigned can hide in a signed document) and RDFC-1.0.
 * The options are those of @digitalbazaar/eddsa-rdfc-2022-cryptosuite so the N-Quads agree.
 */
export async function canonizeWithJsonLd(
  doc: object,
  loader: DocumentLoader = defaultDocumentLoader,
): Promise<string> {
  let dataset: unknown;
  try {
    dataset = await jsonld.toRDF(
      doc as jsonld.JsonLdDocument,
      {
        documentLoader: loader,
        safe: true,
        base: null,
        rdfDirection: 'i18n-datatype',
        produceGeneralizedRdf: false,
        contextResolver: contextResolverFor(loader),
      } as any,
    );
  } catch (e) {
    throw jsonLdError(e);
  }
  return canonizeDataset(dataset);
}

/**
 * RDFC-1.0 over a dataset. rdf-canonize bounds its own work (maxWorkFactor) so a crafted graph of
 * look-alike blank nodes fails fast instead of running for minutes; that failure is JSONLD_INVALID.
 */
export function canonizeDataset(dataset: unknown): string {
  try {
    return rdfCanonize._canonizeSync(dataset, { algorithm: 'RDFC-1.0', format: 'application/n-quads' });
  } catch (e) {
    throw new OpenBadgesError('JSONLD_INVALID', 'The document could not be canonicalized.', { cause: e });
  }
}
