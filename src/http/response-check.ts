// Tests only (config.checkResponses): holds every JSON answer to the response schema its route
// declares. Fastify's serializer silently drops fields a schema does not declare and coerces
// mistyped ones, so a schema that drifted from the code would go unnoticed; here the answer is
// validated before serialization and compared with what serialization kept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isDeepStrictEqual } from 'node:util';
import { schemaKeywords } from './schemas.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
schemaKeywords(ajv);

const compiled = new WeakMap<object, ValidateFunction>();
const sent = new WeakMap<FastifyRequest, unknown>();

/** The schema a route declares for the reply's status (exact, then `2xx`-style, then `default`). */
function declaredFor(request: FastifyRequest, reply: FastifyReply): object | undefined {
  const responses = request.routeOptions.schema?.response as Record<string, object> | undefined;
  if (!responses) return undefined;
  const status = reply.statusCode;
  return responses[status] ?? responses[`${String(status)[0]}xx`] ?? responses.default;
}

export function registerResponseCheck(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload) => {
    const schema = declaredFor(request, reply);
    if (!schema) return payload;
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    const plain = JSON.parse(JSON.stringify(payload));
    if (!validate(plain)) {
      throw new Error(
        `${request.method} ${request.routeOptions.url} answered ${reply.statusCode} with a body its response schema refuses: ${ajv.errorsText(validate.errors)}`,
      );
    }
    sent.set(request, plain);
    return payload;
  });
  app.addHook('onSend', async (request, reply, body) => {
    if (!sent.has(request) || typeof body !== 'string') return body;
    const before = sent.get(request);
    sent.delete(request);
    if (!isDeepStrictEqual(JSON.parse(body), before)) {
      throw new Error(
        `${request.method} ${request.routeOptions.url} answered ${reply.statusCode} with fields its response schema does not declare (serialization dropped or changed them).`,
      );
    }
    return body;
  });
}
