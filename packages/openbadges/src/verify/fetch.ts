import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { OpenBadgesError } from '../errors.ts';

/*
 * The only way the verifier reaches the network. A credential names URLs chosen by whoever made
 * it (status lists, keys, hosted assertions), so a verifier running inside a company network must
 * not become a proxy into it (SSRF): each hop is resolved, checked against the private and special
 * ranges, and the connection is made to the address that was checked, so a DNS answer that changes
 * between the check and the connect (rebinding) cannot redirect it.
 */

export type FetchedResponse = {
  status: number;
  /** The final URL after redirects. */
  url: string;
  headers: Headers;
  body: Uint8Array;
  /** The body parsed as JSON; throws JSON_INVALID. */
  json(): unknown;
  text(): string;
};

export type GuardedFetch = (url: string, init?: { accept?: string }) => Promise<FetchedResponse>;

export type GuardedFetchOptions = {
  /** Let hosts resolve to loopback/private/link-local addresses (tests, intranet deployments). */
  allowPrivateNetwork?: boolean;
  /**
   * Origins (`https://badges.internal:8443`) exempt from the private-address check, e.g. the
   * platform's own origin when it verifies its own badges from inside a private network.
   */
  allowedPrivateOrigins?: string[];
  /** For the whole exchange, redirects included. Default 8000 ms. */
  timeoutMs?: number;
  /** Largest body accepted. Default 2 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
};

const DEFAULT_TIMEOUT_MS = 8000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local, CGNAT, multicast, reserved or otherwise special. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // IPv4-mapped IPv6 is refused outright. (It cannot go in the BlockList: there a ::ffff:0:0/96
  // rule also matches every plain IPv4 address.)
  if (family === 6) {
    const groups = address.toLowerCase().split(':');
    const i = groups.indexOf('ffff');
    if (i >= 0 && i < groups.length - 1 && groups.slice(0, i).every((g) => g === '' || /^0+$/.test(g)))
      return true;
  }
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const fetchError = (
  code: 'FETCH_BLOCKED' | 'FETCH_FAILED' | 'FETCH_TIMEOUT' | 'FETCH_TOO_LARGE',
  message: string,
  cause?: unknown,
) => new OpenBadgesError(code, message, cause === undefined ? undefined : { cause });

function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fetchError('FETCH_FAILED', 'The address is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fetchError(
      'FETCH_BLOCKED',
      `Only http and https addresses can be fetched, not ${url.protocol.replace(':', '')}.`,
    );
  }
  if (url.username || url.password)
    throw fetchError('FETCH_BLOCKED', 'Addresses with embedded credentials are not fetched.');
  return url;
}

async function resolveHost(url: URL, opts: GuardedFetchOptions): Promise<{ address: string; family: 4 | 6 }> {
  // URL keeps IPv6 literals in brackets and already normalizes forms like 0x7f000001 to 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch (cause) {
      throw fetchError('FETCH_FAILED', `The host ${host} could not be found.`, cause);
    }
  }
  if (addresses.length === 0) throw fetchError('FETCH_FAILED', `The host ${host} could not be found.`);
  const exempt = opts.allowPrivateNetwork || (opts.allowedPrivateOrigins ?? []).includes(url.origin);
  // Every answer is checked, not only the one used: a mixed answer is a sign of rebinding games.
  if (!exempt && addresses.some((a) => isBlockedAddress(a.address))) {
    throw fetchError(
      'FETCH_BLOCKED',
      `The address ${url.origin} points into a private or reserved network and is not fetched.`,
    );
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Uint8Array };

function requestOnce(
  url: URL,
  pinned: { address: string; family: 4 | 6 },
  accept: string,
  opts: Required<Pick<GuardedFetchOptions, 'maxBytes'>> & GuardedFetchOptions,
  signal: AbortSignal,
): Promise<RawResponse> {
  const lookup: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) {
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    } else cb(null, pinned.address, pinned.family);
  };
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        lookup,
        agent: false,
        signal,
        headers: {
          accept,
          'accept-encoding': 'identity',
          'user-agent': opts.userAgent ?? 'laurel-openbadges-verifier',
        },
      },
      (res) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          res.destroy();
          return reject(
            fetchError(
              'FETCH_TOO_LARGE',
              `The document at ${url.origin} is larger than ${opts.maxBytes} bytes.`,
            ),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) {
            res.destroy();
            reject(
              fetchError(
                'FETCH_TOO_LARGE',
                `The document at ${url.origin} is larger than ${opts.maxBytes} bytes.`,
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: new Uint8Array(Buffer.concat(chunks)),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A FetchedResponse over bytes already read, with Node-style raw headers: for callers that
 * answer some URLs themselves (e.g. a server's own origin, in process) behind the same type.
 */
export function fetchedResponse(
  status: number,
  url: string,
  rawHeaders: Record<string, string | string[] | number | undefined>,
  body: Uint8Array,
): FetchedResponse {
  const headers = new Headers();
  for (const [k, v] of Object.entries(rawHeaders)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) {
      try {
        headers.append(k, String(one));
      } catch {
        // A header value Headers refuses (non-ASCII) is dropped; nothing downstream relies on it.
      }
    }
  }
  const text = () => new TextDecoder().decode(body);
  return {
    status,
    url,
    headers,
    body,
    text,
    json() {
      try {
        return JSON.parse(text());
      } catch (cause) {
        throw new OpenBadgesError('JSON_INVALID', `The document at ${url} is not JSON.`, { cause });
      }
    },
  };
}

function withDeadline<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** A fetch for untrusted URLs: http(s) only, no private networks, pinned DNS, redirects re-checked, bounded time and size. */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const opts = { ...options, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  return async (rawUrl, init = {}) => {
    const accept = init.accept ?? 'application/ld+json, application/json;q=0.9, */*;q=0.1';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let url = parseTarget(rawUrl);
      for (let hop = 0; ; hop++) {
        // A DNS lookup cannot be cancelled, so the deadline races it.
        const pinned = await withDeadline(resolveHost(url, opts), controller.signal, () =>
          fetchError('FETCH_TIMEOUT', `The host of ${url.origin} was not found within ${timeoutMs} ms.`),
        );
        let raw: RawResponse;
        try {
          raw = await requestOnce(url, pinned, accept, opts, controller.signal);
        } catch (cause) {
          if (cause instanceof OpenBadgesError) throw cause;
          if (controller.signal.aborted)
            throw fetchError('FETCH_TIMEOUT', `${url.origin} did not answer within ${timeoutMs} ms.`, cause);
          throw fetchError('FETCH_FAILED', `${url.origin} could not be reached.`, cause);
        }
        const location = raw.headers.location;
        if ([301, 302, 303, 307, 308].includes(raw.status) && typeof location === 'string') {
          if (hop >= maxRedirects)
            throw fetchError(
              'FETCH_FAILED',
              `${rawUrl.slice(0, 200)} redirected more than ${maxRedirects} times.`,
            );
          url = parseTarget(new URL(location, url).href);
          continue;
        }
        return fetchedResponse(raw.status, url.href, raw.headers, raw.body);
      }
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Fetches JSON, treating any non-2xx status as FETCH_FAILED (for keys, DID documents, status lists). */
export function fetchJsonWith(fetch: GuardedFetch): (url: string) => Promise<unknown> {
  return async (url) => {
    const res = await fetch(url, { accept: 'application/ld+json, application/json' });
    if (res.status < 200 || res.status > 299) {
      throw new OpenBadgesError(
        'FETCH_FAILED',
        `${new URL(res.url).origin} answered HTTP ${res.status} for ${res.url.slice(0, 200)}.`,
      );
    }
    return res.json();
  };
}
