import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, isBlockedAddress } from '../../src/verify/fetch.ts';

/*
 * The SSRF guard against every block of the IANA special-purpose registries, and against the
 * IPv6 spellings that carry an IPv4 address inside (which a naive check reads as public).
 */

const BLOCKED_V4 = [
  '0.0.0.0',
  '0.1.2.3',
  '10.0.0.1',
  '100.64.0.1',
  '100.127.255.255',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.8',
  '192.0.0.170',
  '192.0.2.1',
  '192.31.196.1',
  '192.52.193.1',
  '192.88.99.1',
  '192.168.1.1',
  '192.175.48.1',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.1',
  '203.0.113.1',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
];

const BLOCKED_V6 = [
  '::',
  '::1',
  '::127.0.0.1', // IPv4-compatible (deprecated)
  '::7f00:1', // the same, as URL parsers print it
  '::a9fe:a9fe',
  '::ffff:127.0.0.1', // IPv4-mapped
  '::ffff:7f00:1',
  '0:0:0:0:0:ffff:a9fe:a9fe',
  '::ffff:0:7f00:1', // IPv4-translated
  '64:ff9b::7f00:1', // NAT64
  '64:ff9b::127.0.0.1',
  '64:ff9b:1::a00:1', // local-use NAT64
  '100::1', // discard-only
  '100:0:0:1::1', // dummy prefix
  '2001::1', // Teredo
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo whose client is 127.0.0.1, obfuscated
  '2001:1::1', // PCP anycast
  '2001:1::3', // DNS-SD SRP anycast
  '2001:2::1', // benchmarking
  '2001:3::1', // AMT
  '2001:4:112::1', // AS112-v6
  '2001:10::1', // ORCHID
  '2001:20::1', // ORCHIDv2
  '2001:30::1', // DRIP
  '2001:db8::1', // documentation
  '2002:7f00:1::', // 6to4 of 127.0.0.1
  '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
  '2620:4f:8000::1', // direct delegation AS112
  '3fff::1', // documentation (2024)
  '3fff:fff:ffff::1',
  '5f00::1', // SRv6 SIDs
  '4000::1', // reserved by IETF
  'fc00::1', // unique local
  'fd00::2',
  'fe80::1', // link-local
  'fe80::1%eth0',
  'fec0::1', // deprecated site-local
  'ff02::1', // multicast
  'ff0e::1',
];

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '100.63.255.255',
  '100.128.0.1',
  '172.32.0.1',
  '192.0.1.1',
  '198.17.255.255',
  '223.255.255.254',
  '2606:4700::1111',
  '2001:4860:4860::8888',
  '2001:200::1', // the first block past 2001::/23
  '2620:fe::fe',
  '2a00:1450:4001::1',
  '3fff:1000::1', // the first block past 3fff::/20
];

describe('isBlockedAddress', () => {
  it('refuses every special-purpose IPv4 block, multicast and 240/4', () => {
    const missed = BLOCKED_V4.filter((a) => !isBlockedAddress(a));
    expect(missed).toEqual([]);
  });

  it('refuses every special-purpose IPv6 block and every form embedding IPv4', () => {
    const missed = BLOCKED_V6.filter((a) => !isBlockedAddress(a));
    expect(missed).toEqual([]);
  });

  it('lets public addresses of both families through', () => {
    const refused = PUBLIC.filter((a) => isBlockedAddress(a));
    expect(refused).toEqual([]);
  });

  it('refuses what is not an address', () => {
    for (const a of ['', 'localhost', '127.1', '::ffff:127.0.0.1.1', '1::2::3']) {
      expect(isBlockedAddress(a)).toBe(true);
    }
  });
});

describe('a URL with an address literal', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('reached');
    });
    // Dual-stack: the IPv4-mapped spellings of 127.0.0.1 really reach it.
    await new Promise<void>((r) => server.listen(0, '::', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const LITERALS = [
    '127.0.0.1',
    '0x7f.1',
    '2130706433',
    '0177.0.0.1',
    '[::1]',
    '[::127.0.0.1]',
    '[::7f00:1]',
    '[::ffff:127.0.0.1]',
    '[0:0:0:0:0:ffff:7f00:1]',
    '[::ffff:0:127.0.0.1]',
    '[64:ff9b::127.0.0.1]',
    '[2002:7f00:1::]',
    '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
    '[3fff::1]',
    '[5f00::1]',
  ];

  it('is refused for every special form, before any connection', async () => {
    const f = createGuardedFetch({ timeoutMs: 2000 });
    const outcomes: Record<string, string> = {};
    for (const host of LITERALS) {
      outcomes[host] = await f(`http://${host}:${port}/`).then(
        () => 'fetched',
        (e: { code?: string }) => e.code ?? 'error',
      );
    }
    expect(outcomes).toEqual(Object.fromEntries(LITERALS.map((h) => [h, 'FETCH_BLOCKED'])));
    expect(hits).toBe(0);
  });

  it('would have reached the local server through the mapped form (the control)', async () => {
    const open = createGuardedFetch({ allowPrivateNetwork: true, timeoutMs: 2000 });
    const res = await open(`http://[::ffff:127.0.0.1]:${port}/`);
    expect(res.text()).toBe('reached');
    expect(hits).toBe(1);
  });
});
