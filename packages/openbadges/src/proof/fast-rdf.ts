import { createRequire } from 'node:module';
import { bundledContexts } from '../contexts/bundled.ts';
import type { DocumentLoader } from '../contexts/index.ts';
import { isObj } from '../json-values.ts';

/*
 * A fast JSON-LD → RDF conversion for the documents Laurel signs and verifies all day: credentials
 * whose `@context` is a list of bundled context URLs (VC 2.0, OB 3.0.x, …) and that use plain
 * JSON-LD (node objects, ids, types, scalars, @set arrays).
 *
 * Why it is faster: jsonld.js re-processes and deep-clones the whole active context (hundreds of
 * term definitions, each carrying its scoped context) every time a type-scoped or property-scoped
 * context applies or reverts, which is at almost every node of an OB 3.0 credential; on the full
 * 1EdTech example that is ~40 ms of a ~41 ms toRDF. Here every context transition is computed once,
 * by jsonld.js itself (its own context processing and IRI expansion), and memoized on the
 * immutable active context objects, so a credential costs one walk over its JSON.
 *
 * Why it is correct: it follows jsonld.js's expansion step by step (revert of non-propagated
 * contexts, property-scoped then type-scoped contexts in sorted order, value expansion, toRDF
 * literal rules), uses jsonld.js for every IRI and context computation, and refuses (returns
 * undefined, so the caller falls back to jsonld.js) anything outside that subset: embedded
 * contexts, containers other than @set, language or direction, @json, value objects, lists,
 * relative IRIs, unmapped terms (which safe mode would reject). Tests compare the canonical N-Quads
 * of both paths on the 1EdTech documents and on generated credentials.
 */

const require = createRequire(import.meta.url);
const ctxApi = require('jsonld/lib/context.js') as {
  process(args: {
    activeCtx: ActiveContext;
    localCtx: unknown;
    options: object;
    propagate?: boolean;
    overrideProtected?: boolean;
  }): Promise<ActiveContext>;
  expandIri(
    ctx: ActiveContext,
    value: string,
    relativeTo: { vocab?: boolean; base?: boolean },
    options: object,
  ): string | null;
  getInitialContext(options: object): ActiveContext;
};

type TermDefinition = {
  '@id'?: string;
  '@type'?: string;
  '@container'?: string[];
  '@context'?: unknown;
  '@language'?: unknown;
  '@direction'?: unknown;
  '@index'?: unknown;
  '@nest'?: unknown;
  reverse?: boolean;
};
type ActiveContext = {
  mappings: Map<string, TermDefinition>;
  previousContext?: ActiveContext;
  revertToPreviousContext(): ActiveContext;
  '@language'?: unknown;
  '@direction'?: unknown;
};

export type Term =
  | { termType: 'NamedNode'; value: string }
  | { termType: 'BlankNode'; value: string }
  | { termType: 'Literal'; value: string; datatype: { termType: 'NamedNode'; value: string } };
type Graph = { termType: 'DefaultGraph'; value: '' } | { termType: 'BlankNode'; value: string };
export type Quad = { subject: Term; predicate: Term; object: Term; graph: Graph };

const UNSUPPORTED = Symbol('unsupported');
const bail = (): never => {
  throw UNSUPPORTED;
};

const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$/;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDF_TYPE = `${RDF}type`;
const DEFAULT_GRAPH: Graph = { termType: 'DefaultGraph', value: '' };

/**
 * A context computed once by jsonld.js (asynchronously: it may load documents), and its value
 * once known, so that the walk itself can stay synchronous (see `Pending`).
 */
type Memo = { promise: Promise<ActiveContext>; value?: ActiveContext; failed?: boolean };

function memo(promise: Promise<ActiveContext>): Memo {
  const m: Memo = { promise };
  promise.then(
    (value) => {
      m.value = value;
    },
    () => {
      m.failed = true;
    },
  );
  return m;
}

/**
 * Thrown by the walk when it needs a context that is still being computed: the caller waits for
 * it and walks again. Each context is computed once per loader, so after the first credentials of
 * a kind the walk runs straight through, with no promise per node.
 */
class Pending {
  constructor(readonly promise: Promise<unknown>) {}
}

function ready(m: Memo): ActiveContext {
  if (m.value) return m.value;
  if (m.failed) bail();
  throw new Pending(m.promise);
}

/** Per loader: the options jsonld.js context processing needs and the memoized contexts. */
type Engine = {
  options: object;
  roots: Map<string, Memo>;
  usable: Map<string, boolean>;
  /** Memoized contexts so far; past MAX_CONTEXTS new combinations go to jsonld.js, keeping memory bounded. */
  contexts: number;
};
// Real credentials need a few dozen; a hostile stream of odd type combinations must not grow memory.
const MAX_CONTEXTS = 2000;

function reserveContext(engine: Engine): void {
  if (engine.contexts >= MAX_CONTEXTS) bail();
  engine.contexts++;
}
const engines = new WeakMap<DocumentLoader, Engine>();

// Memoized transitions between immutable active contexts, one map per kind of application. Keys
// are the local context objects (frozen parts of bundled documents), so identity is a sound key.
const propagated = new WeakMap<ActiveContext, Map<unknown, Memo>>();
const typeScoped = new WeakMap<ActiveContext, Map<unknown, Memo>>();
const reverted = new WeakMap<ActiveContext, ActiveContext>();
const embeddedMemo = new WeakMap<ActiveContext, Map<string, Memo>>();

/** `from` processed with the context named by `key`, once per pair; each first time counts against the engine's budget. */
function memoized<K>(
  memos: WeakMap<ActiveContext, Map<K, Memo>>,
  engine: Engine,
  from: ActiveContext,
  key: K,
  process: () => Promise<ActiveContext>,
): ActiveContext {
  let byKey = memos.get(from);
  if (!byKey) {
    byKey = new Map();
    memos.set(from, byKey);
  }
  let next = byKey.get(key);
  if (!next) {
    reserveContext(engine);
    next = memo(process());
    byKey.set(key, next);
  }
  return ready(next);
}

function transition(engine: Engine, from: ActiveContext, local: unknown, propagate: boolean): ActiveContext {
  // Property-scoped contexts propagate and may override protected terms; type-scoped ones do neither.
  return memoized(propagate ? propagated : typeScoped, engine, from, local, () =>
    ctxApi.process({
      activeCtx: from,
      localCtx: local,
      options: engine.options,
      propagate,
      overrideProtected: propagate,
    }),
  );
}

function revert(ctx: ActiveContext): ActiveContext {
  if (!ctx.previousContext) return ctx;
  let r = reverted.get(ctx);
  if (!r) {
    r = ctx.revertToPreviousContext();
    reverted.set(ctx, r);
  }
  return r;
}

// IRI expansion is pure given the (immutable) context; memoize it per context and mode.
const iriCache = new WeakMap<
  ActiveContext,
  [Map<string, string | null>, Map<string, string | null>, Map<string, string | null>]
>();
const VOCAB = 0;
const BASE = 1;
const VOCAB_BASE = 2;
const MODES = [{ vocab: true }, { base: true }, { vocab: true, base: true }];

// jsonld.js (context.js _expandIri) returns `scheme://…` as it is when no vocabulary mapping is
// looked up: "already-absolute IRIs (suffix of '//')" come before any prefix.
const SCHEME_SLASHES = /^[^:]+:\/\//;

function expandIri(engine: Engine, ctx: ActiveContext, value: string, mode: 0 | 1 | 2): string | null {
  if (mode === BASE && SCHEME_SLASHES.test(value)) return value;
  let caches = iriCache.get(ctx);
  if (!caches) {
    caches = [new Map(), new Map(), new Map()];
    iriCache.set(ctx, caches);
  }
  const cache = caches[mode];
  let iri = cache.get(value);
  if (iri === undefined) {
    iri = ctxApi.expandIri(ctx, value, MODES[mode], engine.options);
    // Terms and type names repeat across credentials; ids rarely do, so they are not kept.
    if (mode !== BASE && cache.size < 1024) cache.set(value, iri);
  }
  return iri;
}

function engineFor(loader: DocumentLoader, contextResolver: unknown): Engine {
  let engine = engines.get(loader);
  if (!engine) {
    engine = {
      options: {
        documentLoader: loader,
        contextResolver,
        base: null,
        safe: true,
        processingMode: 'json-ld-1.1',
      },
      roots: new Map(),
      usable: new Map(),
      contexts: 0,
    };
    engines.set(loader, engine);
  }
  return engine;
}

/** Whether every context is known to be usable (true), known not to be (false), or not known yet. */
function knownSupported(engine: Engine, urls: unknown): boolean | undefined {
  if (!Array.isArray(urls) || urls.length === 0) return false;
  let all: boolean | undefined = true;
  for (const url of urls) {
    const ok = typeof url === 'string' ? engine.usable.get(url) : false;
    if (ok === false) return false;
    if (ok === undefined) all = undefined;
  }
  return all;
}

/** The fast path serves only bundled contexts, and only if this loader serves the bundled documents. */
async function contextsSupported(engine: Engine, loader: DocumentLoader, urls: unknown): Promise<boolean> {
  if (!Array.isArray(urls) || urls.length === 0) return false;
  for (const url of urls) {
    if (typeof url !== 'string' || !bundledContexts.has(url)) return false;
    let ok = engine.usable.get(url);
    if (ok === undefined) {
      try {
        ok = (await loader(url)).document === bundledContexts.get(url);
      } catch {
        ok = false;
      }
      engine.usable.set(url, ok);
    }
    if (!ok) return false;
  }
  return true;
}

/** The quads without repeats, first occurrences in order. */
function unique(quads: Quad[]): Quad[] {
  const seen = new Set<string>();
  const key = (t: Term) =>
    t.termType === 'Literal' ? `"${t.value}"^^${t.datatype.value}` : `${t.termType[0]}${t.value}`;
  return quads.filter((q) => {
    const k = `${key(q.subject)}\u0000${q.predicate.value}\u0000${key(q.object)}\u0000${q.graph.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Whether a value occurs twice in `xs` (or `also` occurs in it). Lists here are a few items long. */
function hasRepeat(xs: readonly string[], also?: string): boolean {
  if (also !== undefined && xs.includes(also)) return true;
  for (let i = 1; i < xs.length; i++) if (xs.indexOf(xs[i]!) < i) return true;
  return false;
}

class Walker {
  readonly quads: Quad[] = [];
  private blank = 0;
  private readonly labels = new Map<string, string>();
  constructor(private readonly engine: Engine) {}

  /**
   * Whether two emits may have made the same quad: a dataset is a set, so the copies must then be
   * dropped (`unique`), which costs a string key per quad and is skipped otherwise. The only ways
   * to repeat a quad are to repeat a subject (one id described twice), an expanded property or type
   * within one node (two keys for one IRI), or a value within one array.
   */
  mayRepeat = false;
  private readonly named = new Set<string>();

  private emit(subject: Term, predicate: string, object: Term, graph: Graph): void {
    this.quads.push({ subject, predicate: { termType: 'NamedNode', value: predicate }, object, graph });
  }

  private node(iri: string | undefined): Term {
    if (iri === undefined) return { termType: 'BlankNode', value: `b${this.blank++}` };
    if (iri.startsWith('_:')) {
      let label = this.labels.get(iri);
      if (!label) {
        label = `b${this.blank++}`;
        this.labels.set(iri, label);
      }
      return { termType: 'BlankNode', value: label };
    }
    return { termType: 'NamedNode', value: iri };
  }

  /** An embedded `@context` (e.g. an endorsement inside a credential): bundled URLs only. */
  private embedded(ctx: ActiveContext, local: unknown): ActiveContext {
    const urls = typeof local === 'string' ? [local] : local;
    if (
      !Array.isArray(urls) ||
      !urls.every((u) => typeof u === 'string' && this.engine.usable.get(u) === true)
    )
      bail();
    return memoized(embeddedMemo, this.engine, ctx, (urls as string[]).join(' '), () =>
      ctxApi.process({ activeCtx: ctx, localCtx: urls, options: this.engine.options }),
    );
  }

  /** Expands one node object (api.expand + _expandObject of jsonld.js, restricted) and emits its triples. */
  nodeObject(
    element: Record<string, unknown>,
    incoming: ActiveContext,
    propertyScoped: unknown,
    isTop: boolean,
    graph: Graph = DEFAULT_GRAPH,
  ): Term {
    const keys = Object.keys(element).sort();
    if (keys.length === 0) bail();
    let ctx = incoming;
    // Revert a non-propagated (type-scoped) context unless the element is a bare subject reference.
    if (ctx.previousContext) {
      const isReference = keys.length === 1 && expandIri(this.engine, ctx, keys[0], VOCAB) === '@id';
      if (!isReference) ctx = revert(ctx);
      for (const key of keys)
        if (keys.length <= 2 && expandIri(this.engine, incoming, key, VOCAB) === '@value') bail();
    }
    if (propertyScoped !== undefined) ctx = transition(this.engine, ctx, propertyScoped, true);
    if (!isTop && '@context' in element) ctx = this.embedded(ctx, element['@context']);
    const typeScopedContext = ctx;

    let typeKey: string | undefined;
    let types: string[] = [];
    for (const key of keys) {
      if (key === '@context') continue;
      if (expandIri(this.engine, ctx, key, VOCAB) !== '@type') continue;
      if (typeKey !== undefined) bail();
      typeKey = key;
      const value = element[key];
      types = Array.isArray(value) ? value : [value];
      if (types.length === 0 || !types.every((t) => typeof t === 'string')) bail();
      const sorted = types.length > 1 ? [...types].sort() : types;
      for (const type of sorted) {
        const local = typeScopedContext.mappings.get(type)?.['@context'];
        if (local !== undefined) ctx = transition(this.engine, ctx, local, false);
      }
    }

    let subject: Term | undefined;
    const pending: Array<[string, unknown]> = [];
    for (const key of keys) {
      if (key === '@context' || key === typeKey) continue;
      const property = expandIri(this.engine, ctx, key, VOCAB);
      if (property === '@id') {
        const value = element[key];
        if (subject || typeof value !== 'string') bail();
        const iri = expandIri(this.engine, ctx, value as string, BASE);
        if (!iri || !ABSOLUTE_IRI.test(iri)) bail();
        subject = this.node(iri!);
        if (this.named.has(iri!)) this.mayRepeat = true;
        else this.named.add(iri!);
        continue;
      }
      if (
        property === null ||
        property.startsWith('@') ||
        property.startsWith('_:') ||
        !ABSOLUTE_IRI.test(property)
      ) {
        bail();
      }
      pending.push([key, property]);
    }
    subject ??= this.node(undefined);
    const typeIris: string[] = [];
    for (const type of types) {
      const iri = expandIri(this.engine, typeScopedContext, type, VOCAB_BASE);
      if (!iri || iri.startsWith('_:') || !ABSOLUTE_IRI.test(iri)) bail();
      typeIris.push(iri!);
      this.emit(subject, RDF_TYPE, { termType: 'NamedNode', value: iri! }, graph);
    }
    if (
      hasRepeat(typeIris) ||
      hasRepeat(
        pending.map((p) => p[1] as string),
        typeIris.length > 0 ? RDF_TYPE : undefined,
      )
    )
      this.mayRepeat = true;
    if (!isTop && pending.length === 0 && types.length === 0 && subject.termType === 'BlankNode') bail();
    for (const [key, property] of pending)
      this.property(subject, ctx, key, property as string, element[key], graph);
    return subject;
  }

  private property(
    subject: Term,
    ctx: ActiveContext,
    key: string,
    property: string,
    value: unknown,
    graph: Graph,
  ) {
    const definition = ctx.mappings.get(key);
    let kind: 'set' | 'list' | 'graph' = 'set';
    if (definition) {
      if (definition.reverse || definition['@nest'] !== undefined || definition['@index'] !== undefined)
        bail();
      const container = (definition['@container'] ?? []).filter((c) => c !== '@set');
      if (container.length === 1 && container[0] === '@list') kind = 'list';
      else if (container.length === 1 && container[0] === '@graph') kind = 'graph';
      else if (container.length > 0) bail();
    }
    const local = definition?.['@context'];
    const termCtx = local === undefined ? ctx : transition(this.engine, ctx, local, true);
    const termDef = local === undefined ? definition : termCtx.mappings.get(key);
    const scopedForObjects = termCtx.mappings.get(key)?.['@context'];
    const items = Array.isArray(value) ? value : [value];
    const value1 = (item: unknown, into: Graph): Term => {
      if (Array.isArray(item) || item === null) return bail();
      if (isObj(item)) return this.nodeObject(item, termCtx, scopedForObjects, false, into);
      return this.scalar(termCtx, termDef, item);
    };
    if (kind === 'list') {
      // toRdf.js _listToRDF: a chain of rdf:first / rdf:rest blank nodes ending in rdf:nil.
      const nodes = items.map(() => this.node(undefined));
      for (let i = 0; i < items.length; i++) {
        this.emit(nodes[i], `${RDF}first`, value1(items[i], graph), graph);
        this.emit(
          nodes[i],
          `${RDF}rest`,
          nodes[i + 1] ?? { termType: 'NamedNode', value: `${RDF}nil` },
          graph,
        );
      }
      this.emit(subject, property, nodes[0] ?? { termType: 'NamedNode', value: `${RDF}nil` }, graph);
      return;
    }
    const objects = items.length > 1 && kind === 'set' ? new Set<string>() : undefined;
    for (const item of items) {
      if (item === null) continue;
      if (objects) {
        const object = value1(item, graph);
        const key = `${object.termType}\u0000${object.value}\u0000${object.termType === 'Literal' ? object.datatype.value : ''}`;
        if (objects.has(key)) this.mayRepeat = true;
        objects.add(key);
        this.emit(subject, property, object, graph);
      } else if (kind === 'graph') {
        // A graph container puts each value in its own named graph, named by a fresh blank node.
        if (!isObj(item)) bail();
        const name = this.node(undefined) as Graph;
        value1(item, name);
        this.emit(subject, property, name as Term, graph);
      } else {
        this.emit(subject, property, value1(item, graph), graph);
      }
    }
  }

  /** Value expansion followed by jsonld.js's literal conversion (toRdf.js _objectToRDF). */
  private scalar(ctx: ActiveContext, def: TermDefinition | undefined, value: unknown): Term {
    const type = def?.['@type'];
    if (type === '@json' || def?.['@language'] !== undefined || def?.['@direction'] !== undefined) bail();
    if (typeof value === 'string' && (type === '@id' || type === '@vocab')) {
      const iri = expandIri(this.engine, ctx, value, type === '@id' ? BASE : VOCAB_BASE);
      if (!iri || !ABSOLUTE_IRI.test(iri)) bail();
      return this.node(iri!);
    }
    const datatype = type && type !== '@id' && type !== '@vocab' && type !== '@none' ? type : undefined;
    if (datatype !== undefined && (datatype.startsWith('_:') || !ABSOLUTE_IRI.test(datatype))) bail();
    let lexical: string;
    let dt: string;
    if (typeof value === 'boolean') {
      lexical = String(value);
      dt = datatype ?? `${XSD}boolean`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) bail();
      const isDouble = String(value).includes('.') || Math.abs(value) >= 1e21;
      if (isDouble || datatype === `${XSD}double`) {
        lexical = value.toExponential(15).replace(/(\d)0*e\+?/, '$1E');
        dt = datatype ?? `${XSD}double`;
      } else {
        lexical = value.toFixed(0);
        dt = datatype ?? `${XSD}integer`;
      }
    } else if (typeof value === 'string') {
      if (datatype === `${XSD}double`) bail();
      if (ctx['@language'] !== undefined && datatype === undefined) bail();
      lexical = value;
      dt = datatype ?? `${XSD}string`;
    } else {
      return bail();
    }
    return { termType: 'Literal', value: lexical, datatype: { termType: 'NamedNode', value: dt } };
  }
}

/**
 * The RDF dataset of `doc` (without canonicalization), or undefined when the document is outside
 * the supported subset and the caller must use jsonld.js.
 */
export async function fastToRdf(
  doc: object,
  loader: DocumentLoader,
  contextResolver: unknown,
): Promise<Quad[] | undefined> {
  const engine = engineFor(loader, contextResolver);
  const urls = (doc as { '@context'?: unknown })['@context'];
  if (!isObj(doc)) return undefined;
  // Known contexts are answered without a promise; a first sight asks the loader.
  const known = knownSupported(engine, urls);
  if (known === false || (known === undefined && !(await contextsSupported(engine, loader, urls)))) {
    return undefined;
  }
  const rootKey = (urls as string[]).join(' ');
  let root = engine.roots.get(rootKey);
  if (!root) {
    try {
      reserveContext(engine);
    } catch {
      return undefined;
    }
    root = memo(
      ctxApi.process({
        activeCtx: ctxApi.getInitialContext(engine.options),
        localCtx: urls,
        options: engine.options,
      }),
    );
    engine.roots.set(rootKey, root);
  }
  for (let attempt = 0; attempt < MAX_WALKS; attempt++) {
    const walker = new Walker(engine);
    try {
      walker.nodeObject(doc, ready(root), undefined, true);
      return walker.mayRepeat ? unique(walker.quads) : walker.quads;
    } catch (e) {
      // A context still being computed: wait for it and walk again from the start.
      if (e instanceof Pending) await e.promise.catch(() => undefined);
      // Unsupported shape, or a context error: jsonld.js redoes the work and reports its own error.
      else return undefined;
    }
  }
  return undefined;
}

// Walks of one document while its contexts are first computed; each computes at least one more.
const MAX_WALKS = 100;
