// What a request to the public verifier asks to check: the API's JSON body or raw upload, or the form.
import { LaurelError } from '../errors.ts';
import { isUploadedFile } from '../http/multipart.ts';
import {
  cleanRecipientEmail,
  decodeBase64Image,
  EMPTY_SENTENCE,
  imagePreview,
  inputFromBytes,
  inputFromText,
  MAX_VERIFY_BYTES,
  tooLarge,
  type VerifyRequestInput,
} from './input.ts';
import type { VerifyBody, VerifyQuery } from './schemas.ts';

type BadgeField = 'credential' | 'url' | 'jwt' | 'imageBase64';
const BADGE_FIELDS: readonly BadgeField[] = ['credential', 'url', 'jwt', 'imageBase64'];

/** Reads the JSON API body (or a raw upload) into one input for the verifier. */
export function apiInput(body: unknown, query: VerifyQuery): VerifyRequestInput {
  if (Buffer.isBuffer(body)) {
    return {
      value: inputFromBytes(new Uint8Array(body)),
      recipientEmail: cleanRecipientEmail(query.recipientEmail),
    };
  }
  if (typeof body === 'string') {
    return { value: inputFromText(body), recipientEmail: cleanRecipientEmail(query.recipientEmail) };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new LaurelError('INVALID', 'Send a JSON object or a badge file.');
  }
  const b = body as VerifyBody & Record<string, unknown>;
  // A credential posted as is (application/json) rather than wrapped in { credential }.
  if ('@context' in b) return { value: b, recipientEmail: cleanRecipientEmail(query.recipientEmail) };
  const given = BADGE_FIELDS.filter((k) => b[k] !== undefined && b[k] !== '');
  if (given.length === 0) {
    throw new LaurelError('INVALID', 'Send one of credential, url, jwt or imageBase64.', [
      { field: 'credential', message: 'Send one of credential, url, jwt or imageBase64.' },
    ]);
  }
  if (given.length > 1) {
    throw new LaurelError('INVALID', 'Send only one of credential, url, jwt or imageBase64.', [
      { field: given[1]!, message: 'Send only one of credential, url, jwt or imageBase64.' },
    ]);
  }
  return {
    value: sentBadge(b, given[0]!),
    recipientEmail: cleanRecipientEmail(b.recipientEmail ?? query.recipientEmail),
    followRefresh: b.followRefresh === true,
  };
}

/** The badge in a JSON API body: the one field of credential, url, jwt or imageBase64 that was sent. */
function sentBadge(b: VerifyBody, field: BadgeField): VerifyRequestInput['value'] {
  switch (field) {
    case 'credential':
      return typeof b.credential === 'string' ? inputFromText(b.credential) : (b.credential as object);
    case 'url': {
      const url = b.url!.trim();
      if (!/^https?:\/\//i.test(url)) {
        throw new LaurelError('INVALID', 'The url must be an http or https address.', [
          { field: 'url', message: 'Use an http or https address.' },
        ]);
      }
      return url;
    }
    case 'jwt':
      return inputFromText(b.jwt!);
    default:
      return inputFromBytes(decodeBase64Image(b.imageBase64!));
  }
}

/** Reads the form: an uploaded file wins over pasted text. */
export function formInput(form: {
  text: string;
  recipientEmail: string;
  followRefresh: string;
  file: unknown;
}): VerifyRequestInput {
  const options = {
    recipientEmail: cleanRecipientEmail(form.recipientEmail),
    followRefresh: form.followRefresh === 'on',
  };
  const file = form.file;
  if (isUploadedFile(file)) {
    if (file.data.length > MAX_VERIFY_BYTES) throw tooLarge();
    const data = new Uint8Array(file.data);
    return { value: inputFromBytes(data), imageSrc: imagePreview(data), ...options };
  }
  if (!form.text) throw new LaurelError('INVALID', EMPTY_SENTENCE);
  return { value: inputFromText(form.text), ...options };
}
