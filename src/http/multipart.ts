import type { Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';
import { checkCsrf, csrfRequired, csrfTokenPossible, tokenBesideBody } from './csrf.ts';
import { badRequest } from './problem.ts';

/** An uploaded file after parsing: the bytes in memory, within the route's declared limits. */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

/**
 * What a route that takes multipart uploads declares in its config (`config: { upload }`).
 * Every other route reads a multipart body as a small text-only form (TEXT_ONLY).
 */
export interface UploadRules {
  /** The largest file, in bytes. */
  fileBytes: number;
  /** How many files one request may carry. */
  files: number;
  /** All text fields together, in bytes (default 256 KB). */
  textBytes?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    upload?: UploadRules;
  }
}

const DEFAULT_TEXT_BYTES = 256 * 1024;
const TEXT_ONLY: UploadRules = { fileBytes: 0, files: 0 };
const MAX_FIELDS = 100;
const MULTIPART = /^multipart\/form-data(\s*;|\s*$)/i;

/** Uploads whose CSRF token has to be the first field of the body (no header, no query). */
const tokenFirst = new WeakSet<FastifyRequest>();

/** Whether the request sends a multipart body (known from its header, before the body is read). */
export const sendsMultipart = (request: FastifyRequest) =>
  MULTIPART.test(request.headers['content-type'] ?? '');

/**
 * Multipart uploads in two steps. Before the body (onRequest): the caller's access is
 * decided (src/http/access.ts) and, where CSRF applies, a token in the header or the query must
 * be valid — so a stranger's 40 MB costs nothing. Then (preValidation) the body streams in with the
 * route's limits, into the same plain shape a urlencoded form has; a request that sent no token
 * beside the body must send it as the first field (UploadForm renders it first), which is
 * checked before any later part, above all a file, is read.
 * Registered after the session and CSRF cookie hooks, before the access hook.
 */
export function registerUploads(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!sendsMultipart(request)) return done();
    dropRestOnError(request, async () => admit(request)).then(() => done(), done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (!request.isMultipart()) return done();
    dropRestOnError(request, () => readUpload(request, rulesOf(request))).then((body) => {
      request.body = body;
      done();
    }, done);
  });
}

/** How long a refused upload's client may go on sending (discarded) before it is cut off. */
const LINGER_MS = 2000;

/**
 * A refused upload is answered at once, and what the client still sends is discarded, never
 * parsed. The client is left a moment to finish (many read the answer only once they have sent
 * everything, and closing on unread data would reset the connection and lose the answer); one
 * still sending after that is cut off.
 */
export async function dropRestOnError<T>(request: FastifyRequest, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const raw = request.raw;
    if (!raw.readableEnded) {
      raw.unpipe();
      raw.resume();
      const cutOff = setTimeout(() => raw.socket?.destroy(), LINGER_MS).unref();
      raw.once('end', () => clearTimeout(cutOff));
    }
    throw e;
  }
}

function admit(request: FastifyRequest) {
  if (!csrfRequired(request)) return;
  const given = tokenBesideBody(request);
  if (given === undefined && csrfTokenPossible(request)) tokenFirst.add(request);
  else checkCsrf(request, given);
}

const rulesOf = (request: FastifyRequest) => request.routeOptions.config?.upload ?? TEXT_ONLY;

async function readUpload(request: FastifyRequest, rules: UploadRules): Promise<Record<string, unknown>> {
  const textBytes = rules.textBytes ?? DEFAULT_TEXT_BYTES;
  const body: Record<string, unknown[]> = {};
  let textSeen = 0;
  let first = true;
  try {
    const parts = request.parts({
      limits: {
        fileSize: rules.fileBytes,
        files: rules.files,
        fields: MAX_FIELDS,
        fieldSize: textBytes,
        parts: MAX_FIELDS + rules.files,
      },
    });
    for await (const part of parts) {
      if (first && tokenFirst.has(request)) checkCsrf(request, csrfField(part));
      first = false;
      body[part.fieldname] ??= [];
      const values = body[part.fieldname]!;
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (data.length > 0 || part.filename)
          values.push({ filename: part.filename, mimetype: part.mimetype, data });
        continue;
      }
      textSeen += Buffer.byteLength(typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
      if (part.valueTruncated || textSeen > textBytes) {
        throw new LaurelError(
          'TOO_LARGE',
          `The form's text is longer than ${size(textBytes)}, the most it accepts.`,
        );
      }
      values.push(part.value);
    }
    // An empty body has no first part, and so no token either.
    if (first && tokenFirst.has(request)) checkCsrf(request, undefined);
  } catch (e) {
    throw uploadError(e, rules);
  }
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(body)) {
    if (values.length) out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** The token when the part is the `_csrf` field; anything else first (a file above all) has none. */
function csrfField(part: Multipart): string | undefined {
  return part.type === 'field' && part.fieldname === '_csrf' && typeof part.value === 'string'
    ? part.value
    : undefined;
}

/** Limits become 413 with the number that was passed; a broken body is the client's 400, never a 500. */
function uploadError(e: unknown, rules: UploadRules): unknown {
  if (e instanceof LaurelError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new LaurelError(
      'TOO_LARGE',
      `The file is larger than ${size(rules.fileBytes)}, the most this form accepts.`,
    );
  }
  if (code === 'FST_FILES_LIMIT' && rules.files === 0) {
    return new LaurelError('UNSUPPORTED_MEDIA', 'This address does not accept file uploads.');
  }
  if (code === 'FST_FILES_LIMIT') {
    return new LaurelError(
      'TOO_LARGE',
      `This form takes at most ${rules.files} file${rules.files === 1 ? '' : 's'}.`,
    );
  }
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new LaurelError('TOO_LARGE', `This form takes at most ${MAX_FIELDS} fields.`);
  }
  const status = (e as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return e;
  return badRequest('The upload is incomplete or is not a well-formed multipart form. Please send it again.');
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${Math.round(bytes / 1024)} KB`;
}

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as UploadedFile).data);
}
