/**
 * Device cookies (the OWASP scheme against account lockout): after a successful login the
 * browser gets a signed cookie naming the account. A later login attempt that presents it is
 * exempt from the per-account failure limit, so a distributed attacker who exhausts that
 * limit locks out only browsers the account has never used. Its own failures are counted, and
 * after too many it stops exempting (a stolen cookie buys a handful of guesses, no more).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'laurel_device';
export const DEVICE_COOKIE_DAYS = 365;

export interface Device {
  userId: string;
  /** Random per cookie: failures are counted per cookie, not per account. */
  nonce: string;
}

const mac = (secret: Buffer, body: string) =>
  createHmac('sha256', secret).update(`device:${body}`).digest('base64url');

export function issueDeviceCookie(secret: Buffer, userId: string): string {
  const body = `${userId}.${randomBytes(16).toString('base64url')}`;
  return `${body}.${mac(secret, body)}`;
}

/** The device a cookie value names, when its signature is ours; null for anything else. */
export function readDeviceCookie(secret: Buffer, value: string | undefined): Device | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!m) return null;
  const expected = Buffer.from(mac(secret, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { userId: m[1]!, nonce: m[2]! };
}
