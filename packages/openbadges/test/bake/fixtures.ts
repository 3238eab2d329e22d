import { crc32 } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';

/** A real PNG rendered by resvg from a small SVG (no fonts needed: shapes only). */
export function renderPng(size = 64, detail = 1): Uint8Array {
  const shapes: string[] = [];
  for (let i = 0; i < detail; i++) {
    const hue = (i * 47) % 360;
    shapes.push(
      `<circle cx="${(i * 37) % size}" cy="${(i * 53) % size}" r="${3 + (i % 9)}" fill="hsl(${hue},70%,50%)" fill-opacity="0.6"/>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<defs><linearGradient id="g"><stop offset="0" stop-color="#1d4ed8"/><stop offset="1" stop-color="#f59e0b"/></linearGradient></defs>
<rect width="${size}" height="${size}" rx="${size / 8}" fill="url(#g)"/>${shapes.join('')}</svg>`;
  return new Uint8Array(new Resvg(svg).render().asPng());
}

export const BADGE_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="120" viewBox="0 0 120 120">
  <title>Badge</title>
  <defs><radialGradient id="r"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#0a7"/></radialGradient></defs>
  <circle cx="60" cy="60" r="55" fill="url(#r)" stroke="#064" stroke-width="4"/>
  <path d="M30 62 L52 84 L92 40" fill="none" stroke="#fff" stroke-width="10"/>
</svg>
`;

export interface RawChunk {
  type: string;
  data: Uint8Array;
  crcOk: boolean;
}

/** An independent, minimal chunk reader used to check what the baker wrote. */
export function rawChunks(png: Uint8Array): RawChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: RawChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = Buffer.from(png.subarray(at + 4, at + 8)).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    const crc = view.getUint32(at + 8 + length);
    out.push({ type, data, crcOk: crc === crc32(png.subarray(at + 4, at + 8 + length)) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return out;
}

export { pngChunk as chunk } from './forge.ts';

/** Inserts extra chunks right before IEND. */
export function withChunks(png: Uint8Array, ...extra: Uint8Array[]): Uint8Array {
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), ...extra, png.subarray(iend)]);
}

/** A small OB 3.0 credential whose names need escaping in XML; `extra` replaces or adds members. */
export function ob3Credential(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: 'urn:uuid:6f0f1d2e-5c1b-4f7a-9a53-0c7f2b7a1e01',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'https://issuer.example/profile', type: ['Profile'], name: 'Ünïcode Society ✓' },
    validFrom: '2026-01-01T00:00:00Z',
    name: 'Badge with ]]> and <tags> & "quotes"',
    credentialSubject: { type: ['AchievementSubject'], achievement: { id: 'https://issuer.example/a/1' } },
    ...extra,
  };
}

export const OB3_JSON = JSON.stringify(ob3Credential());

export const OB2_JSON = JSON.stringify({
  '@context': 'https://w3id.org/openbadges/v2',
  id: 'https://issuer.example/assertions/1',
  type: 'Assertion',
  recipient: { type: 'email', hashed: true, identity: 'sha256$abc' },
  badge: 'https://issuer.example/badges/1',
  verification: { type: 'HostedBadge' },
  issuedOn: '2026-01-01T00:00:00Z',
});

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Unsigned-looking but well-formed compact JWS strings: the baker only carries them. */
export const OB3_JWT = `${b64url({ alg: 'EdDSA', typ: 'JWT' })}.${b64url({ iss: 'https://issuer.example', vc: JSON.parse(OB3_JSON) })}.c2lnbmF0dXJl`;
export const OB2_JWS = `${b64url({ alg: 'RS256' })}.${b64url(JSON.parse(OB2_JSON))}.c2lnbmF0dXJl`;
