// The messages between the verifier pool (main thread) and its worker threads.
import type { ErrorCode } from '@laurel/openbadges/errors';
import type { InputLimits, VerificationReport } from '@laurel/openbadges/verify';

export type VerifyInput = Uint8Array | string | object;

export interface VerifyJobOptions {
  recipientEmail?: string;
  followRefresh?: boolean;
  /** The clock for the date checks, as an ISO string; default the worker's current time. */
  now?: string;
  maxInputBytes: number;
  limits: InputLimits;
  /** The platform's base URL: its own status lists are read live, never from a cache. */
  baseUrl: string;
}

/** A fetched document crossing the thread boundary (Headers and methods do not clone). */
export interface BridgedResponse {
  status: number;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
}

export type ToWorker =
  | { type: 'verify'; job: number; input: VerifyInput; options: VerifyJobOptions }
  | { type: 'fetched'; request: number; response: BridgedResponse }
  | { type: 'fetched'; request: number; error: { code: ErrorCode; message: string } };

export type FromWorker =
  /** The job holds the worker's compute slot: its deadline clock runs. */
  | { type: 'running'; job: number }
  /** The job gave up the slot to wait for a URL, which the main thread fetches. */
  | { type: 'fetch'; job: number; request: number; url: string; accept?: string }
  | { type: 'done'; job: number; report: VerificationReport }
  /** verify() never throws; this is a report that could not be sent back. */
  | { type: 'failed'; job: number; message: string };
