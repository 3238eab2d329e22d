import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unbakeImage } from '../../src/bake/image.ts';
import { bakePng, unbakePng } from '../../src/bake/png.ts';
import { bakeSvg, unbakeSvg } from '../../src/bake/svg.ts';
import { sanitizeSvg } from '../../src/bake/svg-sanitize.ts';
import { parseXml } from '../../src/bake/svg-tree.ts';
import { isOpenBadgesError } from '../../src/errors.ts';
import { BADGE_SVG, chunk, OB3_JSON, renderPng } from './fixtures.ts';

/** The contract under fuzzing: a call returns, or throws an OpenBadgesError (never another error). */
function returnsOrTypedError(fn: () => unknown, codes?: string[]): void {
  try {
    fn();
  } catch (e) {
    if (!isOpenBadgesError(e)) throw e;
    if (codes) expect(codes).toContain(e.code);
  }
}

function mustThrow(fn: () => unknown, codes: string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isOpenBadgesError(thrown)).toBe(true);
  expect(codes).toContain((thrown as { code: string }).code);
}

const png = renderPng();
const baked = bakePng(png, { keyword: 'openbadgecredential', text: OB3_JSON });
const SIGNATURE = baked.subarray(0, 8);
const IHDR = baked.subarray(8, 33);
const IEND = baked.subarray(baked.length - 12);
const runs = { numRuns: 150 };

describe('PNG fuzzing', () => {
  it('every truncation of a baked PNG is refused with a PNG error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: baked.length - 1 }), (n) => {
        mustThrow(() => unbakePng(baked.subarray(0, n)), ['PNG_INVALID']);
        mustThrow(() => unbakeImage(baked.subarray(0, n)), ['PNG_INVALID', 'INPUT_UNRECOGNIZED']);
      }),
      { numRuns: 300 },
    );
  });

  it('byte flips are caught by the chunk CRCs or the structure checks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 8, max: baked.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (flips) => {
          const copy = Uint8Array.from(baked);
          for (const [at, x] of flips) copy[at] ^= x;
          if (Buffer.compare(copy, baked) === 0) return;
          mustThrow(() => unbakePng(copy), ['PNG_INVALID', 'PNG_BAD_CRC']);
          mustThrow(
            () => bakePng(copy, { keyword: 'openbadges', text: 'x' }),
            ['PNG_INVALID', 'PNG_BAD_CRC'],
          );
        },
      ),
      runs,
    );
  });

  it('random bytes, with or without the signature, never escape as another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (bytes, signed) => {
        const input = signed ? Buffer.concat([SIGNATURE, bytes]) : bytes;
        returnsOrTypedError(() => unbakePng(input));
        returnsOrTypedError(() => bakePng(input, { keyword: 'openbadges', text: 'x' }));
        returnsOrTypedError(() => unbakeImage(input));
      }),
      runs,
    );
  });

  it('huge declared chunk lengths are refused without allocating', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 0xffffffff }), (length) => {
        const c = Buffer.from(chunk('tEXt', Buffer.from('openbadges\0x')));
        c.writeUInt32BE(length, 0);
        mustThrow(() => unbakePng(Buffer.concat([SIGNATURE, IHDR, c, IEND])), ['PNG_INVALID']);
      }),
      runs,
    );
  });

  const anyChunk = fc.oneof(
    fc.record({
      type: fc.constantFrom('tEXt', 'zTXt', 'iTXt', 'pHYs', 'gAMA', 'IDAT', 'teXt', 'prVt'),
      data: fc.uint8Array({ maxLength: 64 }),
    }),
    fc.record({
      type: fc.constantFrom('tEXt', 'iTXt', 'zTXt'),
      data: fc
        .tuple(
          fc.constantFrom('openbadges', 'openbadgecredential', 'Comment'),
          fc.uint8Array({ maxLength: 32 }),
        )
        .map(([k, rest]) => Buffer.concat([Buffer.from(`${k}\0`), rest])),
    }),
  );

  it('PNGs with many arbitrary chunks bake, and the bake reads back', () => {
    fc.assert(
      fc.property(
        fc.array(anyChunk, { maxLength: 40 }),
        fc.string({ unit: 'binary', minLength: 1 }),
        (chunks, s) => {
          const text = s.trim() === '' ? 'x' : s.trim();
          const input = Buffer.concat([SIGNATURE, IHDR, ...chunks.map((c) => chunk(c.type, c.data)), IEND]);
          returnsOrTypedError(
            () => unbakePng(input),
            ['PNG_INVALID', 'PNG_NO_CREDENTIAL', 'PNG_MULTIPLE_CREDENTIALS', 'INPUT_TOO_LARGE'],
          );
          const out = bakePng(input, { keyword: 'openbadgecredential', text });
          expect(unbakePng(out)).toEqual({ keyword: 'openbadgecredential', text });
        },
      ),
      runs,
    );
  });

  it('a PNG made of very many empty chunks is walked in bounded time', () => {
    const filler = chunk('teXt', new Uint8Array(0));
    const many = Buffer.concat([SIGNATURE, IHDR, ...Array.from({ length: 100_000 }, () => filler), IEND]);
    mustThrow(() => unbakePng(many), ['PNG_NO_CREDENTIAL']);
  });
});

const svgToken = fc.constantFrom(
  '<svg xmlns="http://www.w3.org/2000/svg">',
  '<svg>',
  '</svg>',
  '<g>',
  '</g>',
  '<g/>',
  '<rect width="1" onload="x"/>',
  '<script>',
  '</script>',
  '<![CDATA[',
  ']]>',
  '<!DOCTYPE svg [',
  '<!ENTITY a "aaaa">',
  ']>',
  '&a;',
  '&amp;',
  '<!--',
  '-->',
  '<?pi x?>',
  '<ob:credential xmlns:ob="https://purl.imsglobal.org/ob/v3p0">',
  '</ob:credential>',
  '<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="a.b.c"/>',
  ' verify="x"',
  '"',
  "'",
  '<',
  '>',
  '{"a":1}',
  'text',
  '\u0000',
  '\ud800',
);

describe('SVG fuzzing', () => {
  it('random strings never escape as another error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        returnsOrTypedError(() => unbakeSvg(s));
        returnsOrTypedError(() => sanitizeSvg(s));
        returnsOrTypedError(() => bakeSvg(s, { version: 'ob3', json: '{}' }));
        returnsOrTypedError(() => unbakeImage(Buffer.from(s)));
      }),
      runs,
    );
  });

  it('XML-shaped token soup never escapes, and whatever sanitizes is clean, well-formed SVG', () => {
    fc.assert(
      fc.property(fc.array(svgToken, { maxLength: 30 }), (tokens) => {
        const s = tokens.join('');
        returnsOrTypedError(() => unbakeSvg(s));
        returnsOrTypedError(() => bakeSvg(s, { version: 'ob2', jws: 'a.b.c' }));
        let out: string | undefined;
        returnsOrTypedError(() => {
          out = sanitizeSvg(s, { keepCredential: true });
        });
        if (out !== undefined) {
          expect(() => parseXml(out as string)).not.toThrow();
          expect(out).not.toMatch(/<script|onload|<!DOCTYPE/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('entity bombs of any shape are refused as forbidden', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 20 }), (levels, width) => {
        let dtd = '<!ENTITY e0 "lol">';
        for (let i = 1; i <= levels; i++) dtd += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(width)}">`;
        const s = `<?xml version="1.0"?><!DOCTYPE svg [${dtd}]><svg xmlns="http://www.w3.org/2000/svg"><text>&e${levels};</text></svg>`;
        mustThrow(() => unbakeSvg(s), ['SVG_FORBIDDEN']);
        mustThrow(() => sanitizeSvg(s), ['SVG_FORBIDDEN']);
      }),
      { numRuns: 50 },
    );
  });

  it('nesting is accepted up to the depth cap and refused beyond it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (depth) => {
        const s = `<svg xmlns="http://www.w3.org/2000/svg">${'<g>'.repeat(depth)}${'</g>'.repeat(depth)}</svg>`;
        if (depth < 256) expect(sanitizeSvg(s)).toContain('<svg');
        else mustThrow(() => sanitizeSvg(s), ['INPUT_TOO_LARGE']);
      }),
      { numRuns: 60 },
    );
  });

  it('truncated (unclosed) baked SVGs are refused as invalid', () => {
    const full = bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON });
    const end = full.trimEnd().length - 1;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: end }), (n) => {
        mustThrow(() => unbakeSvg(full.slice(0, n)), ['SVG_INVALID']);
      }),
      runs,
    );
  });

  it('baking splices: apart from the new element and namespace, the file is unchanged', () => {
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const piece = fc.oneof(
      fc
        .string({ unit: 'binary', maxLength: 12 })
        .map((t) => esc(t.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\r]/g, ''))),
      fc.constantFrom(
        '\r\n',
        '\n',
        '<g>',
        '</g>',
        '<rect width="1"/>',
        '<!-- 🎓 -->',
        '<![CDATA[ x ]]>',
        '<title>Ü</title>',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        // Keep <g> balanced so the input is well-formed.
        let depth = 0;
        const body = pieces
          .filter((p) => {
            if (p === '<g>') depth++;
            if (p === '</g>') {
              if (depth === 0) return false;
              depth--;
            }
            return true;
          })
          .join('');
        const input = `<svg xmlns="http://www.w3.org/2000/svg">${body}${'</g>'.repeat(depth)}</svg>\r\n`;
        const out = bakeSvg(input, { version: 'ob3', json: '{"a":"🎓"}' });
        const element = '<openbadges:credential><![CDATA[{"a":"🎓"}]]></openbadges:credential>';
        expect(
          out.replace(' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"', '').replace(element, ''),
        ).toBe(input);
        expect(unbakeSvg(out).text).toBe('{"a":"🎓"}');
      }),
      runs,
    );
  });

  it('any JSON (CDATA edge cases included) round-trips through bake and unbake', () => {
    const cdataish = fc.constantFrom(']]>', ']]]]>', '<![CDATA[', ']]', ']>', '&', '<', '\r\n');
    const json = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .array(fc.oneof(cdataish, fc.string()), { maxLength: 8 })
        .map((parts) => JSON.stringify({ v: parts.join('') })),
    );
    fc.assert(
      fc.property(json, (text) => {
        const out = bakeSvg(BADGE_SVG, { version: 'ob3', json: text });
        expect(unbakeSvg(out).text).toBe(text.trim());
        expect(unbakeSvg(sanitizeSvg(out, { keepCredential: true })).text).toBe(text.trim());
      }),
      runs,
    );
  });
});
