import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { LaurelError } from '../errors.ts';
import { formFailure, formRoute, readForm } from './forms.ts';
import { FormBody, FormPassword, FormText, IdParams, RequiredText, schemaKeywords } from './schemas.ts';

const Form = FormBody({
  name: RequiredText({ maxLength: 10, 'x-message': 'Give the badge a name.' }),
  note: FormText({ maxLength: 5 }),
  password: FormPassword,
});

async function app() {
  const a = Fastify({
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array' },
      plugins: [schemaKeywords],
    },
  });
  await a.register(formbody);
  a.post('/f', formRoute(Form), async (request, reply) => {
    const form = readForm(request, Form);
    if (!form.ok)
      return reply.status(form.failure.status).send({ values: form.values, failure: form.failure });
    if (form.values.name === 'taken') {
      const failure = formFailure(
        new LaurelError('CONFLICT', 'That name is taken.', [{ field: 'name', message: 'Taken.' }]),
      );
      return reply.status(failure.status).send({ failure });
    }
    return { values: form.values };
  });
  return a;
}

const post = async (fields: Record<string, string>) =>
  (await app()).inject({
    method: 'POST',
    url: '/f',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

describe('the form helper', () => {
  it('hands the handler trimmed values, absent fields as empty, and passwords exactly as typed', async () => {
    const res = await post({ name: '  Ada  ', password: ' secret ' });
    expect(res.statusCode).toBe(200);
    expect(res.json().values).toEqual({ name: 'Ada', note: '', password: ' secret ' });
  });

  it('re-renders with an error beside each field that breaks the schema, with the status of INVALID', async () => {
    const res = await post({ name: '   ', note: 'far too long' });
    expect(res.statusCode).toBe(422);
    const { failure, values } = res.json();
    expect(failure.errors).toEqual([
      { field: 'name', message: 'Give the badge a name.' },
      { field: 'note', message: 'Use at most 5 characters.' },
    ]);
    expect(values.note).toBe('far too long');
  });

  it("shows a service's error on the form with the status the one table gives its code", async () => {
    const res = await post({ name: 'taken' });
    expect(res.statusCode).toBe(409);
    expect(res.json().failure).toEqual({
      status: 409,
      message: 'That name is taken.',
      errors: [{ field: 'name', message: 'Taken.' }],
    });
  });

  it('answers a malformed id in the address before the handler, as any route would', async () => {
    const a = await app();
    a.withTypeProvider<TypeBoxTypeProvider>().post(
      '/items/:id',
      formRoute(Form, { params: IdParams }),
      async (request) => ({
        id: request.params.id,
      }),
    );
    const at = (id: string) =>
      a.inject({
        method: 'POST',
        url: `/items/${id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=x',
      });
    expect((await at('not-an-id')).statusCode).toBe(400);
    const id = '11111111-1111-4111-8111-111111111111';
    expect((await at(id)).json()).toEqual({ id });
  });

  it('rethrows errors a form cannot show', () => {
    expect(() => formFailure(new LaurelError('FORBIDDEN', 'no'))).toThrow('no');
    expect(() => formFailure(new Error('boom'))).toThrow('boom');
  });
});
