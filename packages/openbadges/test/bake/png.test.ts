import { deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { bakePng, isPng, readPngChunks, unbakePng } from '../../src/bake/png.ts';
import { expectCode } from './expect-code.ts';
import { chunk, OB2_JWS, OB3_JSON, OB3_JWT, rawChunks, renderPng, withChunks } from './fixtures.ts';

const png = renderPng();

const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('bakePng / unbakePng', () => {
  it('round-trips an OB 3.0 credential and a VC-JWT', () => {
    for (const text of [OB3_JSON, OB3_JWT]) {
      const baked = bakePng(png, { keyword: 'openbadgecredential', text });
      expect(unbakePng(baked)).toEqual({ keyword: 'openbadgecredential', text });
    }
  });

  it('writes one uncompressed iTXt right after IHDR, as the OB 3.0 spec describes', () => {
    const baked = bakePng(png, { keyword: 'openbadgecredential', text: OB3_JSON });
    const chunks = rawChunks(baked);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
    expect(chunks[0].type).toBe('IHDR');
    expect(chunks[1].type).toBe('iTXt');
    expect(chunks.at(-1)?.type).toBe('IEND');
    const data = Buffer.from(chunks[1].data);
    const expected = Buffer.concat([
      latin1('openbadgecredential'),
      Buffer.from([0, 0, 0, 0, 0]), // NUL, flag 0, method 0, empty language NUL, empty translated keyword NUL
      Buffer.from(OB3_JSON, 'utf8'),
    ]);
    expect(data.equals(expected)).toBe(true);
    // All the image's own chunks are kept byte for byte.
    const before = rawChunks(png).map((c) => Buffer.from(c.data).toString('hex'));
    const after = chunks.filter((c) => c.type !== 'iTXt').map((c) => Buffer.from(c.data).toString('hex'));
    expect(after).toEqual(before);
  });

  it('leaves the image itself intact: a PNG decoder draws the baked file pixel for pixel', () => {
    // resvg decodes PNGs embedded as data URIs, which makes it an independent PNG reader here.
    const draw = (bytes: Uint8Array) =>
      new Resvg(
        `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><image width="64" height="64" href="data:image/png;base64,${Buffer.from(bytes).toString('base64')}"/></svg>`,
      ).render().pixels;
    const baked = bakePng(png, { keyword: 'openbadgecredential', text: OB3_JSON });
    const original = draw(png);
    expect(original.some((b) => b !== 0)).toBe(true);
    expect(Buffer.compare(draw(baked), original)).toBe(0);
  });

  it('replaces an earlier bake instead of adding a second chunk', () => {
    const once = bakePng(png, { keyword: 'openbadges', text: OB2_JWS });
    const twice = bakePng(once, { keyword: 'openbadgecredential', text: OB3_JSON });
    expect(rawChunks(twice).filter((c) => c.type === 'iTXt')).toHaveLength(1);
    expect(unbakePng(twice)).toEqual({ keyword: 'openbadgecredential', text: OB3_JSON });
    expect(twice.length - png.length).toBe(
      once.length - png.length + Buffer.byteLength(OB3_JSON) - OB2_JWS.length + 9,
    );
  });

  it('also removes tEXt and zTXt credential chunks but keeps other text chunks', () => {
    const other = chunk('tEXt', Buffer.concat([latin1('Software'), Buffer.from([0]), latin1('resvg')]));
    const legacy = chunk(
      'tEXt',
      Buffer.concat([latin1('openbadges'), Buffer.from([0]), latin1('https://x.org/a')]),
    );
    const ztxt = chunk('zTXt', Buffer.concat([latin1('openbadges'), Buffer.from([0, 0]), deflateSync('x')]));
    const baked = bakePng(withChunks(png, other, legacy, ztxt), {
      keyword: 'openbadgecredential',
      text: OB3_JWT,
    });
    const text = rawChunks(baked).filter((c) => ['tEXt', 'zTXt', 'iTXt'].includes(c.type));
    expect(text.map((c) => c.type)).toEqual(['iTXt', 'tEXt']);
    expect(unbakePng(baked).text).toBe(OB3_JWT);
  });

  it('reads a pre-spec tEXt chunk carrying an assertion URL', () => {
    const legacy = chunk(
      'tEXt',
      Buffer.concat([latin1('openbadges'), Buffer.from([0]), latin1('https://x.org/a/1')]),
    );
    expect(unbakePng(withChunks(png, legacy))).toEqual({ keyword: 'openbadges', text: 'https://x.org/a/1' });
  });

  it('reads a compressed iTXt, with a cap on the inflated size', () => {
    const body = Buffer.from(OB3_JSON);
    const itxt = (content: Buffer) =>
      chunk(
        'iTXt',
        Buffer.concat([latin1('openbadgecredential'), Buffer.from([0, 1, 0, 0, 0]), deflateSync(content)]),
      );
    expect(unbakePng(withChunks(png, itxt(body))).text).toBe(OB3_JSON);
    const bomb = itxt(Buffer.alloc(6 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(20_000);
    expectCode(() => unbakePng(withChunks(png, bomb)), 'INPUT_TOO_LARGE');
    expectCode(() => unbakePng(withChunks(png, itxt(body)), { maxInflatedBytes: 100 }), 'INPUT_TOO_LARGE');
  });

  it('refuses two credential chunks and reports a missing one', () => {
    const a = bakePng(png, { keyword: 'openbadges', text: OB2_JWS });
    const extra = chunk(
      'tEXt',
      Buffer.concat([latin1('openbadgecredential'), Buffer.from([0]), latin1('x')]),
    );
    expectCode(() => unbakePng(withChunks(a, extra)), 'PNG_MULTIPLE_CREDENTIALS');
    expectCode(() => unbakePng(png), 'PNG_NO_CREDENTIAL');
  });

  it('reports damaged files with precise codes', () => {
    const baked = bakePng(png, { keyword: 'openbadgecredential', text: OB3_JSON });
    const flipped = Uint8Array.from(baked);
    flipped[50] ^= 0xff; // inside the iTXt data
    expectCode(() => unbakePng(flipped), 'PNG_BAD_CRC');
    expectCode(() => bakePng(flipped, { keyword: 'openbadges', text: 'x' }), 'PNG_BAD_CRC');
    expectCode(() => unbakePng(baked.subarray(0, baked.length - 12)), 'PNG_INVALID'); // no IEND
    expectCode(() => unbakePng(new TextEncoder().encode('<svg/>')), 'PNG_INVALID');
    const noIhdr = Buffer.concat([baked.subarray(0, 8), baked.subarray(8 + 25)]);
    expectCode(() => unbakePng(noIhdr), 'PNG_INVALID');
    const huge = Buffer.from(baked);
    huge.writeUInt32BE(0x7ffffff0, 33); // the iTXt's declared length
    expectCode(() => unbakePng(huge), 'PNG_INVALID');
    const nonUtf8 = chunk(
      'iTXt',
      Buffer.concat([latin1('openbadgecredential'), Buffer.from([0, 0, 0, 0, 0, 0xff])]),
    );
    expectCode(() => unbakePng(withChunks(png, nonUtf8)), 'PNG_INVALID');
  });

  it('applies the input size cap', () => {
    expectCode(() => unbakePng(png, { maxBytes: 100 }), 'INPUT_TOO_LARGE');
    expectCode(
      () => bakePng(png, { keyword: 'openbadges', text: 'x' }, { maxBytes: 100 }),
      'INPUT_TOO_LARGE',
    );
    // The output counts too: a bake never produces a file the reader would refuse.
    const text = JSON.stringify({ padding: 'x'.repeat(2000) });
    expectCode(
      () => bakePng(png, { keyword: 'openbadges', text }, { maxBytes: png.length + 1000 }),
      'INPUT_TOO_LARGE',
    );
  });

  it('refuses an empty payload or an unknown keyword', () => {
    expectCode(() => bakePng(png, { keyword: 'openbadges', text: '  ' }), 'INPUT_UNRECOGNIZED');
    expectCode(() => bakePng(png, { keyword: 'clr' as 'openbadges', text: 'x' }), 'INPUT_UNRECOGNIZED');
  });

  it('ignores bytes after IEND', () => {
    const baked = bakePng(png, { keyword: 'openbadges', text: OB2_JWS });
    const padded = Buffer.concat([baked, Buffer.alloc(16)]);
    expect(unbakePng(padded).text).toBe(OB2_JWS);
    expect(readPngChunks(padded).at(-1)?.type).toBe('IEND');
  });

  it('detects the PNG signature', () => {
    expect(isPng(png)).toBe(true);
    expect(isPng(png.subarray(0, 7))).toBe(false);
    expect(isPng(new Uint8Array(8))).toBe(false);
  });
});
