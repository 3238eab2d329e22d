import type { FastifyRequest } from 'fastify';

/** An uploaded file after normalization: the bytes in memory (uploads are size-capped). */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

/**
 * @fastify/multipart (attachFieldsToBody) leaves wrapper objects in the body. Turn them
 * into plain values — text fields as strings, files as UploadedFile — before schema
 * validation and CSRF checks, so multipart and urlencoded forms look the same to a route.
 * An empty file input becomes absent.
 */
export async function normalizeMultipart(request: FastifyRequest) {
  if (!request.isMultipart?.()) return;
  const body = request.body as Record<string, any> | undefined;
  if (!body) return;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(body)) {
    const parts = Array.isArray(raw) ? raw : [raw];
    const values: unknown[] = [];
    for (const part of parts) {
      if (part?.type === 'file') {
        const data: Buffer = await part.toBuffer();
        if (data.length === 0 && !part.filename) continue;
        values.push({ filename: String(part.filename ?? ''), mimetype: String(part.mimetype ?? ''), data });
      } else if (part?.type === 'field') {
        values.push(part.value);
      }
    }
    if (values.length) out[key] = values.length === 1 ? values[0] : values;
  }
  request.body = out;
}

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as UploadedFile).data);
}
