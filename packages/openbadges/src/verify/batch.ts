import type { KeyResolver } from './context.ts';
import type { FetchedResponse, GuardedFetch } from './fetch.ts';

/*
 * What the credentials of one verifyMany() call share: the documents fetched (DID documents, key
 * documents, issuer profiles, status lists, badge classes), the keys resolved and the status list
 * proofs checked. Sharing never changes a result: a document fetched once is the same bytes every
 * credential would have fetched, and a key or a list proof is a pure function of those bytes. A
 * failure is shared only with the credentials waiting for it at the time; the next one tries again,
 * as it would alone. Everything lives as long as the call.
 */

// Documents kept at once; past it the oldest goes (and is fetched again if asked for).
const MAX_DOCUMENTS = 512;

/** Whatever a shared computation answers: one promise per key, forgotten when it fails. */
class Once<K, V> {
  private readonly map = new Map<K, Promise<V>>();
  constructor(private readonly max = Number.POSITIVE_INFINITY) {}
  get(key: K, make: () => Promise<V>): Promise<V> {
    let p = this.map.get(key);
    if (!p) {
      p = make();
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
      this.map.set(key, p);
      const settled = p;
      settled.catch(() => {
        if (this.map.get(key) === settled) this.map.delete(key);
      });
    }
    return p;
  }
}

export class Batch {
  private readonly documents = new Once<string, FetchedResponse>(MAX_DOCUMENTS);
  private readonly keys = new Once<string, Awaited<ReturnType<KeyResolver>>>();
  private readonly listProofs = new Once<unknown, { verified: boolean; issuer?: string }>();
  /** Which fetched response a parsed document came from: same response, same bytes, same result. */
  private readonly parsedFrom = new WeakMap<object, number>();
  private responses = 0;
  readonly fetch: GuardedFetch;

  constructor(fetch: GuardedFetch) {
    this.fetch = (url, init) =>
      this.documents.get(`${init?.accept ?? ''}\n${url}`, async () => this.tracked(await fetch(url, init)));
  }

  /** The response as fetched, its json() parsed anew for each caller (nobody sees another's object). */
  private tracked(res: FetchedResponse): FetchedResponse {
    const id = this.responses++;
    return {
      status: res.status,
      url: res.url,
      headers: res.headers,
      body: res.body,
      text: () => res.text(),
      json: () => {
        const value = res.json();
        if (typeof value === 'object' && value !== null) this.parsedFrom.set(value, id);
        return value;
      },
    };
  }

  /** `resolve` answered once per verification method for the whole batch. */
  resolveKey(resolve: KeyResolver): KeyResolver {
    return (vm) => this.keys.get(vm, () => resolve(vm));
  }

  /** A status list credential's proof checked once per fetched list (or cached list object). */
  listProof(
    vc: object,
    check: () => Promise<{ verified: boolean; issuer?: string }>,
  ): Promise<{ verified: boolean; issuer?: string }> {
    const from = this.parsedFrom.get(vc);
    return this.listProofs.get(from === undefined ? vc : `response ${from}`, check);
  }
}
