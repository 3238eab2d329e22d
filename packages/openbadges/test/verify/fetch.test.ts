import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, isBlockedAddress } from '../../src/verify/fetch.ts';

let server: Server;
let base: string;
let hang: Server;
let hangBase: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, accept: req.headers.accept }));
    } else if (req.url === '/big') {
      res.end(Buffer.alloc(4096, 'a'));
    } else if (req.url === '/chunked-big') {
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 'b'));
      res.end();
    } else if (req.url?.startsWith('/redirect-to?')) {
      res.statusCode = 302;
      res.setHeader('location', decodeURIComponent(req.url.slice('/redirect-to?'.length)));
      res.end();
    } else if (req.url === '/loop') {
      res.statusCode = 301;
      res.setHeader('location', '/loop');
      res.end();
    } else {
      res.statusCode = 404;
      res.end('missing');
    }
  });
  hang = createServer(() => {
    // Never answers: the timeout must end the request.
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hangBase = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hang.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => hang.close(r));
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('createGuardedFetch', () => {
  it('refuses loopback, metadata, private, IPv6 loopback, hex IPv4 and localhost by default', async () => {
    const f = createGuardedFetch();
    for (const url of [
      `${base}/json`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://0x7f000001/',
      'http://localhost/',
      'http://10.1.2.3/',
      'http://192.168.1.1/',
      'http://172.20.0.1/',
      'http://100.64.0.1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://224.0.0.1/',
    ]) {
      expect(await code(f(url)), url).toBe('FETCH_BLOCKED');
    }
  });

  it('refuses non-http schemes and embedded credentials', async () => {
    const f = createGuardedFetch();
    expect(await code(f('file:///etc/passwd'))).toBe('FETCH_BLOCKED');
    expect(await code(f('ftp://example.org/'))).toBe('FETCH_BLOCKED');
    expect(await code(f('http://user:pw@example.org/'))).toBe('FETCH_BLOCKED');
    expect(await code(f('not a url'))).toBe('FETCH_FAILED');
  });

  it('classifies addresses', () => {
    expect(isBlockedAddress('8.8.8.8')).toBe(false);
    expect(isBlockedAddress('2606:4700::1111')).toBe(false);
    expect(isBlockedAddress('127.1.2.3')).toBe(true);
    expect(isBlockedAddress('not-an-ip')).toBe(true);
  });

  it('fetches from a private address when allowed', async () => {
    const f = createGuardedFetch({ allowPrivateNetwork: true });
    const res = await f(`${base}/json`, { accept: 'application/ld+json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json()).toEqual({ ok: true, accept: 'application/ld+json' });
    expect((await f(`${base}/nothing`)).status).toBe(404);
    const redirected = await f(`${base}/redirect-to?${encodeURIComponent('/json')}`);
    expect(redirected.url).toBe(`${base}/json`);
  });

  it('re-checks each redirect hop', async () => {
    const other = `http://localhost:${new URL(base).port}/json`;
    const f = createGuardedFetch({ allowedPrivateOrigins: [base] });
    expect((await f(`${base}/json`)).status).toBe(200);
    expect(await code(f(`${base}/redirect-to?${encodeURIComponent(other)}`))).toBe('FETCH_BLOCKED');
    expect(await code(f(`${base}/redirect-to?${encodeURIComponent('http://169.254.169.254/')}`))).toBe(
      'FETCH_BLOCKED',
    );
    expect(await code(f(`${base}/redirect-to?${encodeURIComponent('file:///etc/passwd')}`))).toBe(
      'FETCH_BLOCKED',
    );
    expect(await code(f(`${base}/loop`))).toBe('FETCH_FAILED');
  });

  it('enforces size and time limits', async () => {
    const f = createGuardedFetch({ allowPrivateNetwork: true, maxBytes: 1000, timeoutMs: 300 });
    expect(await code(f(`${base}/big`))).toBe('FETCH_TOO_LARGE');
    expect(await code(f(`${base}/chunked-big`))).toBe('FETCH_TOO_LARGE');
    expect(await code(f(`${hangBase}/`))).toBe('FETCH_TIMEOUT');
  });

  it('reports refused connections as FETCH_FAILED', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const f = createGuardedFetch({ allowPrivateNetwork: true });
    expect(await code(f(`http://127.0.0.1:${port}/`))).toBe('FETCH_FAILED');
  });
});
