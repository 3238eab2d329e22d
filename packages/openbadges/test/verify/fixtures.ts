import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOpenBadgeCredential, type OpenBadgeCredential } from '../../src/ob3/index.ts';
import { signDataIntegrity, signVcJwt } from '../../src/proof/index.ts';
import type { FetchedResponse, GuardedFetch } from '../../src/verify/index.ts';
import { pngImage } from '../bake/forge.ts';
import type { TestIssuer } from '../proof/did-key.ts';

export { newIssuer, type TestIssuer } from '../proof/did-key.ts';

export const RECIPIENT_EMAIL = 'Earner@Example.org';

export function unsignedCredential(
  issuer: TestIssuer,
  extra: Partial<Parameters<typeof buildOpenBadgeCredential>[0]> = {},
): OpenBadgeCredential {
  return buildOpenBadgeCredential({
    id: 'urn:uuid:6f1f3f3e-9b0a-4c7b-8f57-2b7c7c0f0001',
    issuer: { id: issuer.did, name: 'Example Society', url: 'https://society.example' },
    validFrom: '2025-01-01T00:00:00Z',
    validUntil: '2030-01-01T00:00:00Z',
    subject: { email: { address: RECIPIENT_EMAIL, salt: 'salty' } },
    achievement: {
      id: 'https://society.example/achievements/teamwork',
      name: 'Teamwork',
      description: 'Works well in a team.',
      criteria: { narrative: 'Completed three team projects.' },
      image: 'https://society.example/teamwork.png',
    },
    evidence: [
      {
        id: 'https://society.example/evidence/1',
        name: 'Project report',
        narrative: 'Led the final project.',
      },
    ],
    ...extra,
  });
}

export const NOW = new Date('2026-06-01T00:00:00Z');

export async function signDi(cred: object, issuer: TestIssuer): Promise<Record<string, any>> {
  return signDataIntegrity(cred, {
    secretKey: issuer.secretKey,
    verificationMethod: issuer.vm,
    created: '2025-01-01T00:00:00Z',
  });
}

export async function signJwt(cred: object, issuer: TestIssuer): Promise<string> {
  return signVcJwt(cred, { alg: 'EdDSA', privateKey: issuer.secretKey, kid: issuer.vm });
}

/** A 1×1 PNG, built by hand so the tests need no image fixtures. */
export function tinyPng(): Uint8Array {
  return new Uint8Array(pngImage(1, 1, 2, Buffer.from([0, 200, 30, 30])));
}

export const TINY_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="gold"/></svg>';

/** An injected fetch over a map of URL → JSON (or a status code, or a thrown error code). */
export function mapFetch(routes: Record<string, unknown | { status: number; body?: unknown }>): GuardedFetch {
  return async (url) => {
    if (!(url in routes)) {
      const { OpenBadgesError } = await import('../../src/errors.ts');
      throw new OpenBadgesError('FETCH_FAILED', `${url} could not be reached.`);
    }
    const route = routes[url] as { status?: number; body?: unknown };
    const status =
      typeof route === 'object' && route !== null && typeof route.status === 'number' ? route.status : 200;
    const json =
      typeof route === 'object' && route !== null && typeof route.status === 'number' ? route.body : route;
    const body = new TextEncoder().encode(json === undefined ? '' : JSON.stringify(json));
    return response(status, url, 'application/json', body);
  };
}

export function response(
  status: number,
  url: string,
  contentType: string,
  body: Uint8Array,
): FetchedResponse {
  return {
    status,
    url,
    headers: new Headers({ 'content-type': contentType }),
    body,
    text: () => new TextDecoder().decode(body),
    json: () => JSON.parse(new TextDecoder().decode(body)),
  };
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 whose routes tests can change. */
export async function startServer(): Promise<{
  base: string;
  routes: Map<string, Route>;
  close(): Promise<void>;
  server: Server;
}> {
  const routes = new Map<string, Route>();
  const server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route) route(req, res);
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    routes,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const json =
  (value: unknown, status = 200, type = 'application/ld+json'): Route =>
  (_req, res) => {
    res.statusCode = status;
    res.setHeader('content-type', type);
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  };
