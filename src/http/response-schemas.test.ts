import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { createAppContext } from '../features.ts';
import type { DeclaredRoute } from './access.ts';
import { registerResponseCheck } from './response-check.ts';
import { buildServer } from './server.ts';

/** Every route as the server registers it (no request is served). */
async function declaredRoutes(): Promise<DeclaredRoute[]> {
  const declared: DeclaredRoute[] = [];
  await (
    await buildServer(createAppContext({} as never, testConfig()), { declaredAccess: declared })
  ).close();
  return declared;
}

describe('route schemas', () => {
  it('are declared by every JSON API route, for a success status and for its problems', async () => {
    const api = (await declaredRoutes()).filter(
      (r) => / \/(api|ims)\//.test(r.route) && !r.schema?.hide && !r.route.endsWith('/openapi.json'),
    );
    expect(api.length).toBeGreaterThan(10);
    const missing = api
      .filter((r) => {
        const statuses = Object.keys((r.schema?.response as object | undefined) ?? {});
        return !statuses.some((s) => s.startsWith('2')) || !statuses.some((s) => s.startsWith('4'));
      })
      .map((r) => r.route);
    expect(missing).toEqual([]);
  });

  it('are declared for params and body by every route that takes them', async () => {
    const routes = await declaredRoutes();
    const noParams = routes.filter((r) => r.route.includes('/:') && !r.schema?.params).map((r) => r.route);
    expect(noParams).toEqual([]);
    const noBody = routes
      .filter((r) => /^(POST|PUT|PATCH) /.test(r.route) && !r.schema?.body)
      .map((r) => r.route);
    expect(noBody).toEqual([]);
  });

  describe('the check the test suite runs every JSON answer through', () => {
    const app = async (body: unknown) => {
      const a = Fastify();
      registerResponseCheck(a);
      a.get(
        '/thing',
        { schema: { response: { 200: Type.Object({ id: Type.String(), count: Type.Integer() }) } } },
        async () => body,
      );
      return a;
    };

    it('passes an answer that matches its schema', async () => {
      const res = await (await app({ id: 'a', count: 2 })).inject({ url: '/thing' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: 'a', count: 2 });
    });

    it('fails an answer with a field the schema does not declare (serialization would drop it)', async () => {
      const res = await (await app({ id: 'a', count: 2, secret: 'x' })).inject({ url: '/thing' });
      expect(res.statusCode).toBe(500);
    });

    it('fails an answer missing a required field or with a mistyped one', async () => {
      expect((await (await app({ id: 'a' })).inject({ url: '/thing' })).statusCode).toBe(500);
      expect((await (await app({ id: 'a', count: '2' })).inject({ url: '/thing' })).statusCode).toBe(500);
    });
  });
});
