import { OpenBadgesError } from '../errors.ts';
import { resolveDidKey } from '../proof/did-key.ts';
import { bundledContexts } from './bundled.ts';

export type RemoteDocument = { contextUrl: null; documentUrl: string; document: unknown };
/** The loader shape jsonld.js (and @digitalbazaar/vc) call. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export type DocumentLoaderOptions = {
  /** Allow URLs outside the bundle: all (true), none (false, the default) or those the predicate accepts. */
  allowRemote?: boolean | ((url: string) => boolean);
  /** Fetch and parse a remote JSON document; defaults to the global fetch. Only used for allowed URLs. */
  fetch?: (url: string) => Promise<unknown>;
  /** Extra documents by URL, served before the bundle (e.g. a test's or an organization's own context). */
  extra?: Record<string, object>;
};

const REMOTE_CACHE_MAX = 64;

async function globalFetchJson(url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/ld+json, application/json' },
      redirect: 'follow',
    });
  } catch (cause) {
    throw new OpenBadgesError('FETCH_FAILED', `The document ${url} could not be fetched.`, { cause });
  }
  if (!res.ok) throw new OpenBadgesError('FETCH_FAILED', `The document ${url} answered HTTP ${res.status}.`);
  try {
    return await res.json();
  } catch (cause) {
    throw new OpenBadgesError('JSON_INVALID', `The document ${url} is not JSON.`, { cause });
  }
}

/**
 * A jsonld.js document loader that answers from the contexts bundled with the library, resolves
 * did:key URLs locally, and refuses everything else with CONTEXT_NOT_ALLOWED unless the caller
 * opts in. Offline by default: a credential cannot make the verifier fetch arbitrary URLs.
 */
export function createDocumentLoader(opts: DocumentLoaderOptions = {}): DocumentLoader {
  const extra = new Map(Object.entries(opts.extra ?? {}));
  const allow =
    typeof opts.allowRemote === 'function'
      ? opts.allowRemote
      : opts.allowRemote === true
        ? () => true
        : () => false;
  const fetchJson = opts.fetch ?? globalFetchJson;
  const remote = new Map<string, Promise<unknown>>();

  return async (url: string): Promise<RemoteDocument> => {
    const local = extra.get(url) ?? bundledContexts.get(url);
    if (local) return { contextUrl: null, documentUrl: url, document: local };
    if (typeof url === 'string' && url.startsWith('did:key:')) {
      const doc = resolveDidKey(url);
      const hash = url.indexOf('#');
      // A verification method URL dereferences to that method, with the DID document's contexts.
      const document =
        hash < 0
          ? doc
          : { '@context': doc['@context'], ...doc.verificationMethod!.find((vm) => vm.id === url) };
      if (hash >= 0 && !('id' in document)) {
        throw new OpenBadgesError('KEY_NOT_FOUND', 'The did:key has no such verification method.');
      }
      return { contextUrl: null, documentUrl: url, document };
    }
    if (typeof url !== 'string' || !allow(url)) {
      throw new OpenBadgesError(
        'CONTEXT_NOT_ALLOWED',
        `The document ${String(url).slice(0, 200)} is not bundled and remote loading is off.`,
      );
    }
    let pending = remote.get(url);
    if (!pending) {
      pending = fetchJson(url);
      if (remote.size >= REMOTE_CACHE_MAX) remote.delete(remote.keys().next().value!);
      remote.set(url, pending);
      pending.catch(() => remote.delete(url));
    }
    return { contextUrl: null, documentUrl: url, document: await pending };
  };
}

/** Offline loader over the bundled contexts (and did:key). */
export const defaultDocumentLoader: DocumentLoader = createDocumentLoader();
