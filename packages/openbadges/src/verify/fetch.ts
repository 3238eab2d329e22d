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

/*
 * Every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries (as of 2025-10),
 * plus multicast and the reserved space. One list per family: a BlockList holding IPv6 rules
 * also matches IPv4 addresses as if IPv4-mapped, which would block every IPv4 address.
 */
const IPV4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private use
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private use
  ['192.0.0.0', 24], // IETF protocol assignments (DS-Lite, NAT64 discovery, PCP and TURN anycast)
  ['192.0.2.0', 24], // documentation
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private use
  ['192.175.48.0', 24], // direct delegation AS112 service
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 limited broadcast
];

const IPV6_BLOCKED: [string, number][] = [
  /*
   * IANA allocates global unicast only from 2000::/3; the rest is special or reserved. This
   * covers ::/128, ::1/128, every form embedding an IPv4 address in ::/8 (IPv4-compatible
   * ::a.b.c.d, IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96), NAT64 64:ff9b::/96
   * and 64:ff9b:1::/48, discard-only 100::/64 and dummy 100:0:0:1::/64, SRv6 SIDs 5f00::/16,
   * unique local fc00::/7, link-local fe80::/10, deprecated site-local fec0::/10, multicast ff00::/8.
   */
  ['::', 3],
  ['4000::', 2],
  ['8000::', 1],
  // Inside 2000::/3:
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32 (embeds IPv4), benchmarking, AMT, ORCHID, DRIP…
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds IPv4)
  ['2620:4f:8000::', 48], // direct delegation AS112 service
  ['3fff::', 20], // documentation
];

function blockList(family: 'ipv4' | 'ipv6', subnets: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of subnets) list.addSubnet(net, prefix, family);
  return list;
}
const blockedV4 = blockList('ipv4', IPV4_BLOCKED);
const blockedV6 = blockList('ipv6', IPV6_BLOCKED);

/**
 * Whether an IP address is loopback, private, link-local, shared, documentation, multicast,
 * reserved, embeds an IPv4 address (so might reach any of those), or is otherwise special.
 */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockedV4.check(address, 'ipv4');
  if (family === 6) return blockedV6.check(address, 'ipv6');
  return true;
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
