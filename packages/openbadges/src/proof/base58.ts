// Base58 with the Bitcoin alphabet ("base58btc", multibase prefix `z`), used by Multikey and proofValue.
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

/*
 * Both directions are schoolbook base conversion, two digits at a time instead of one: bytes
 * are taken in pairs into limbs of two base-58 digits (58^2 = 3364), and characters in pairs into
 * limbs of two bytes. Every intermediate stays below 2^31, so the loops are integer arithmetic,
 * and a 64-byte signature takes a quarter of the steps of the digit-by-digit loops.
 */
const PAIR = 58 * 58;
const PAIRS: string[] = [];
for (let i = 0; i < PAIR; i++) PAIRS.push(ALPHABET[Math.floor(i / 58)]! + ALPHABET[i % 58]!);

export function base58Encode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Base-3364 limbs, least significant first; log(65536) / log(3364) < 1.37 limbs per byte pair.
  const limbs = new Int32Array(Math.ceil(((bytes.length - zeros) / 2) * 1.37) + 2);
  let used = 0;
  for (let i = zeros; i < bytes.length; ) {
    const two = i + 1 < bytes.length;
    let carry = two ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]!;
    const scale = two ? 65536 : 256;
    i += two ? 2 : 1;
    for (let j = 0; j < used; j++) {
      carry += limbs[j]! * scale;
      limbs[j] = carry % PAIR;
      carry = (carry / PAIR) | 0;
    }
    while (carry > 0) {
      limbs[used++] = carry % PAIR;
      carry = (carry / PAIR) | 0;
    }
  }
  let out = '';
  for (let j = used - 1; j >= 0; j--) out += PAIRS[limbs[j]!];
  // The top limb may start with a zero digit, which is not part of the number.
  if (out[0] === '1') out = out.slice(1);
  return '1'.repeat(zeros) + out;
}

/** Returns undefined when the text holds a character outside the alphabet. */
export function base58Decode(text: string): Uint8Array | undefined {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  // Base-65536 limbs, least significant first; log(3364) / log(65536) < 0.74 limbs per character pair.
  const limbs = new Int32Array(Math.ceil(((text.length - zeros) / 2) * 0.74) + 2);
  let used = 0;
  for (let i = zeros; i < text.length; ) {
    const a = text.charCodeAt(i);
    const hi = a < 128 ? INDEX[a]! : -1;
    if (hi < 0) return undefined;
    let carry = hi;
    let scale = 58;
    if (i + 1 < text.length) {
      const b = text.charCodeAt(i + 1);
      const lo = b < 128 ? INDEX[b]! : -1;
      if (lo < 0) return undefined;
      carry = hi * 58 + lo;
      scale = PAIR;
    }
    i += scale === PAIR ? 2 : 1;
    for (let j = 0; j < used; j++) {
      carry += limbs[j]! * scale;
      limbs[j] = carry & 0xffff;
      carry >>>= 16;
    }
    while (carry > 0) {
      limbs[used++] = carry & 0xffff;
      carry >>>= 16;
    }
  }
  let size = used * 2;
  // The top limb may hold one byte, not two.
  if (used > 0 && limbs[used - 1]! < 256) size--;
  const out = new Uint8Array(zeros + size);
  for (let j = 0, k = out.length - 1; j < used; j++) {
    out[k--] = limbs[j]! & 0xff;
    if (k >= zeros) out[k--] = limbs[j]! >> 8;
  }
  return out;
}
