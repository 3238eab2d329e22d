import { type AddressInfo, connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../orgs/service.ts';
import { type TestUser, csrfPair, makeMember, makeOrg } from '../orgs/testing.ts';
import { listTemplates } from '../templates/service.ts';
import { useTestApp } from './testing.ts';

const BOUNDARY = 'UploadTestBoundary';
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}

function partHead(p: Omit<Part, 'value'>): string {
  const disposition = p.filename
    ? `form-data; name="${p.name}"; filename="${p.filename}"`
    : `form-data; name="${p.name}"`;
  return `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`;
}

function multipart(parts: Part[], { close = true } = {}): Buffer {
  const chunks = parts.flatMap((p) => [Buffer.from(partHead(p)), Buffer.from(p.value), Buffer.from('\r\n')]);
  if (close) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

interface EarlyAnswer {
  status: number;
  head: string;
}

describe('uploads: access and CSRF before the body, limits per route', () => {
  const t = useTestApp('pglite');
  const csrf = csrfPair();
  let port: number;
  let org: Org;
  let admin: TestUser;
  const templates = () => `/manage/${org.slug}/templates/new`;
  const required = { name: 'Uploaded', description: 'D.', criteriaNarrative: 'C.', imageSource: 'upload' };
  const fields = (values: Record<string, string>): Part[] =>
    Object.entries(values).map(([name, value]) => ({ name, value }));

  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    org = await makeOrg(t.db, { config: t.config });
    admin = await makeMember(t.db, org, 'admin');
  });

  /**
   * Over a real socket: the headers of a 40 MB multipart upload and its first 64 KB, starting
   * with `first`; then waits for the answer, which must come while the body is unfinished.
   * `hangUp`: also waits for the server to cut off the stalled upload.
   */
  async function startUpload(
    path: string,
    headers: Record<string, string>,
    first: Part,
    { hangUp = false } = {},
  ): Promise<EarlyAnswer> {
    const socket = connect(port, '127.0.0.1');
    const lines = Object.entries({
      host: 'localhost',
      'content-type': MULTIPART,
      'content-length': String(40 * 1024 * 1024),
      ...headers,
    }).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
    socket.write(partHead(first));
    socket.write(typeof first.value === 'string' ? first.value : first.value.subarray(0, 64 * 1024));
    const ended = new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 5000);
    });
    try {
      const head = await new Promise<string>((resolve, reject) => {
        let got = '';
        socket.on('data', (d) => {
          got += d.toString('latin1');
          if (got.includes('\r\n\r\n')) resolve(got.slice(0, got.indexOf('\r\n\r\n')));
        });
        socket.on('error', reject);
        setTimeout(() => reject(new Error(`no answer to ${path} while its body was unfinished`)), 5000);
      });
      if (hangUp) expect(await ended, 'the server cuts off the rest of a refused upload').toBe(true);
      return { status: Number(head.split(' ')[1]), head };
    } finally {
      socket.destroy();
    }
  }

  const bigFile: Part = {
    name: 'image',
    filename: 'big.png',
    type: 'image/png',
    value: Buffer.alloc(64 * 1024, 7),
  };
  const cookie = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');

  it('answers an anonymous upload to a signed-in route before reading its body', async () => {
    const res = await startUpload(
      `${templates()}?_csrf=${csrf.token}`,
      { cookie: cookie({ laurel_csrf: csrf.cookie }), accept: 'application/json' },
      bigFile,
      { hangUp: true },
    );
    expect(res.status).toBe(401);
  });

  it('answers a signed-in upload without a CSRF token (or a wrong one) before reading its body', async () => {
    const session = cookie({ ...admin.cookies, laurel_csrf: csrf.cookie });
    const none = await startUpload(templates(), { cookie: session, accept: 'application/json' }, bigFile);
    expect(none.status).toBe(403);
    const wrong = await startUpload(`${templates()}?_csrf=${'x'.repeat(43)}`, { cookie: session }, bigFile);
    expect(wrong.status).toBe(403);
    const header = await startUpload(templates(), { cookie: session, 'x-csrf-token': 'nope' }, bigFile);
    expect(header.status).toBe(403);
    // A token in the body counts only as the first field, before any file.
    const fileAfterName = Buffer.concat([Buffer.from(`x\r\n${partHead(bigFile)}`), Buffer.alloc(60 * 1024)]);
    const late = await startUpload(
      templates(),
      { cookie: session },
      { name: 'name', value: fileAfterName },
      { hangUp: true },
    );
    expect(late.status).toBe(403);
    expect(await listTemplates(t.db, org.id)).toEqual([]);
  });

  it('checks CSRF before the body on the anonymous verifier upload too', async () => {
    const noCookie = await startUpload('/verify', {}, { ...bigFile, name: 'file' });
    expect(noCookie.status).toBe(403);
    const noToken = await startUpload(
      '/verify',
      { cookie: cookie({ laurel_csrf: csrf.cookie }) },
      { ...bigFile, name: 'file' },
    );
    expect(noToken.status).toBe(403);
  });

  it('renders the token as the upload form’s first field, and takes it from there or the query', async () => {
    const page = await t.app.inject({
      url: templates(),
      cookies: { ...admin.cookies, laurel_csrf: csrf.cookie },
    });
    expect(page.statusCode).toBe(200);
    const form = /<form[^>]*enctype="multipart\/form-data"[^>]*>\s*(<[^>]*>)/.exec(page.body);
    expect(form?.[1]).toBe(`<input type="hidden" name="_csrf" value="${csrf.token}">`);

    const upload = (url: string, parts: Part[]) =>
      t.app.inject({
        method: 'POST',
        url,
        cookies: { ...admin.cookies, laurel_csrf: csrf.cookie },
        headers: { 'content-type': MULTIPART },
        payload: multipart(parts),
      });
    const image = { name: 'image', filename: 'badge.svg', type: 'image/svg+xml', value: SVG };
    const first = await upload(templates(), [
      { name: '_csrf', value: csrf.token },
      ...fields({ ...required, name: 'Token first' }),
      image,
    ]);
    expect(first.statusCode).toBe(303);
    const query = await upload(`${templates()}?_csrf=${csrf.token}`, [
      ...fields({ ...required, name: 'Token in query' }),
      image,
    ]);
    expect(query.statusCode).toBe(303);
    expect((await listTemplates(t.db, org.id)).map((x) => x.name).sort()).toEqual([
      'Token first',
      'Token in query',
    ]);
  });

  const post = (url: string, payload: Buffer, accept = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: `${url}${url.includes('?') ? '&' : '?'}_csrf=${csrf.token}`,
      cookies: { ...admin.cookies, laurel_csrf: csrf.cookie },
      headers: { 'content-type': MULTIPART, accept },
      payload,
    });

  it('answers 413 with a clear problem to a file over the route’s limit, and stores nothing', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 1, 0x61);
    const res = await post(
      templates(),
      multipart([
        ...fields({ ...required, name: 'Too big' }),
        { name: 'image', filename: 'big.svg', type: 'image/svg+xml', value: big },
      ]),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, code: 'TOO_LARGE' });
    expect(res.json().detail).toContain('2 MB');
    expect((await listTemplates(t.db, org.id)).some((x) => x.name === 'Too big')).toBe(false);

    const two = await post(
      templates(),
      multipart([
        ...fields(required),
        { name: 'image', filename: 'a.svg', type: 'image/svg+xml', value: SVG },
        { name: 'image', filename: 'b.svg', type: 'image/svg+xml', value: SVG },
      ]),
    );
    expect(two.statusCode).toBe(413);
    expect(two.json().detail).toMatch(/at most 1 file/);

    const chatty = await post(
      templates(),
      multipart([...fields(required), { name: 'description', value: 'y'.repeat(300 * 1024) }]),
    );
    expect(chatty.statusCode).toBe(413);
  });

  it('lets a client that sends all of an over-limit file read its 413 (no reset)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}${templates()}`, {
      method: 'POST',
      headers: {
        'content-type': MULTIPART,
        cookie: cookie({ ...admin.cookies, laurel_csrf: csrf.cookie }),
        accept: 'application/json',
      },
      body: multipart([
        { name: '_csrf', value: csrf.token },
        ...fields(required),
        { name: 'image', filename: 'huge.png', type: 'image/png', value: Buffer.alloc(12 * 1024 * 1024, 1) },
      ]),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413, code: 'TOO_LARGE' });
  });

  it('answers 400, never 500, to a truncated or malformed multipart body', async () => {
    const head = multipart(fields(required), { close: false });
    const cut = [
      head,
      Buffer.concat([
        head,
        Buffer.from(partHead({ name: 'image', filename: 'a.svg', type: 'image/svg+xml' })),
        Buffer.from(SVG.slice(0, 20)),
      ]),
      Buffer.concat([head, Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-da`)]),
      Buffer.from('not multipart at all'),
    ];
    for (const payload of cut) {
      const res = await post(templates(), payload);
      expect(res.statusCode, payload.toString().slice(-40)).toBe(400);
      expect(res.json()).toMatchObject({ status: 400 });
    }
    const noBoundary = await t.app.inject({
      method: 'POST',
      url: `${templates()}?_csrf=${csrf.token}`,
      cookies: { ...admin.cookies, laurel_csrf: csrf.cookie },
      headers: { 'content-type': 'multipart/form-data', accept: 'application/json' },
      payload: 'x',
    });
    expect(noBoundary.statusCode).toBe(400);
  });

  it('reads a multipart body on other routes as a small text-only form', async () => {
    const form = await post('/orgs', multipart(fields({ name: 'Multi', slug: 'multi-org' })), 'text/html');
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe('/manage/multi-org');
    const file = await post(
      '/orgs',
      multipart([
        ...fields({ name: 'Multi 2', slug: 'multi-org-2' }),
        { name: 'logo', filename: 'a.svg', type: 'image/svg+xml', value: SVG },
      ]),
    );
    expect(file.statusCode).toBe(415);
    expect(file.json()).toMatchObject({ status: 415, detail: 'This address does not accept file uploads.' });
    const chatty = await post(
      '/orgs',
      multipart(fields({ name: 'z'.repeat(300 * 1024), slug: 'multi-org-3' })),
    );
    expect(chatty.statusCode).toBe(413);
    const anonymous = await startUpload('/orgs', {}, bigFile);
    expect(anonymous.status).toBe(403);
  });
});
