import { describe, expect, it } from 'vitest';
import { bakeImage, detectImageType, unbakeImage } from '../../src/bake/image.ts';
import { bakePng } from '../../src/bake/png.ts';
import { bakeSvg } from '../../src/bake/svg.ts';
import { expectCode } from './expect-code.ts';
import { BADGE_SVG, OB2_JSON, OB2_JWS, OB3_JSON, OB3_JWT, rawChunks, renderPng } from './fixtures.ts';

const png = renderPng();
const svg = new TextEncoder().encode(BADGE_SVG);

describe('detectImageType', () => {
  it('tells PNG, SVG and other files apart', () => {
    expect(detectImageType(png)).toBe('png');
    expect(detectImageType(svg)).toBe('svg');
    expect(detectImageType(Buffer.from('\ufeff<!-- c --><svg/>'))).toBe('svg');
    expect(detectImageType(Buffer.from('<s:svg xmlns:s="http://www.w3.org/2000/svg"/>'))).toBe('svg');
    expect(detectImageType(Buffer.from('<!DOCTYPE svg [<!ENTITY a "b">]><svg/>'))).toBe('svg');
    expect(detectImageType(Buffer.from('<svgx/>'))).toBe(null);
    expect(detectImageType(Buffer.from('<html><svg/></html>'))).toBe(null);
    expect(detectImageType(Buffer.from('{"a":1}'))).toBe(null);
    expect(detectImageType(new Uint8Array(0))).toBe(null);
    expect(detectImageType(Buffer.from('<?xml version="1.0"'))).toBe(null);
  });
});

describe('bakeImage / unbakeImage', () => {
  const cases = [
    { kind: 'ob3-json', text: OB3_JSON, version: 'ob3', form: 'json' },
    { kind: 'ob3-jwt', text: OB3_JWT, version: 'ob3', form: 'jws' },
    { kind: 'ob2-jws', text: OB2_JWS, version: 'ob2', form: 'jws' },
    { kind: 'ob2-json', text: OB2_JSON, version: 'ob2', form: 'json' },
  ] as const;

  for (const c of cases) {
    it(`round-trips ${c.kind} through PNG and SVG`, () => {
      const bakedPng = bakeImage(png, { kind: c.kind, text: c.text });
      expect(unbakeImage(bakedPng)).toEqual({
        format: 'png',
        version: c.version,
        form: c.form,
        text: c.text,
      });
      const keyword = Buffer.from(rawChunks(bakedPng)[1].data).toString('latin1').split('\0')[0];
      expect(keyword).toBe(c.version === 'ob3' ? 'openbadgecredential' : 'openbadges');
      const bakedSvg = bakeImage(svg, { kind: c.kind, text: c.text });
      const read = unbakeImage(bakedSvg);
      expect({ format: read.format, version: read.version, form: read.form, text: read.text }).toEqual({
        format: 'svg',
        version: c.version,
        form: c.form,
        text: c.text,
      });
    });
  }

  it('reports ob3 for an OB 3.0 credential written under the OB 2.0 keyword', () => {
    for (const text of [OB3_JSON, OB3_JWT]) {
      const baked = bakePng(png, { keyword: 'openbadges', text });
      expect(unbakeImage(baked)).toMatchObject({ format: 'png', version: 'ob3', text });
    }
    const svgBaked = new TextEncoder().encode(bakeSvg(BADGE_SVG, { version: 'ob2', jws: OB3_JWT }));
    expect(unbakeImage(svgBaked).version).toBe('ob3');
  });

  it('refuses other files with a typed error', () => {
    expectCode(
      () => bakeImage(Buffer.from('GIF89a'), { kind: 'ob3-json', text: '{}' }),
      'INPUT_UNRECOGNIZED',
    );
    expectCode(() => unbakeImage(Buffer.from('%PDF-1.7')), 'INPUT_UNRECOGNIZED');
    expectCode(() => unbakeImage(png), 'PNG_NO_CREDENTIAL');
    expectCode(() => unbakeImage(svg), 'SVG_NO_CREDENTIAL');
    expectCode(() => unbakeImage(svg, { maxSvgBytes: 10 }), 'INPUT_TOO_LARGE');
    expectCode(
      () => bakeImage(png, { kind: 'ob3-json', text: '{}' }, { maxPngBytes: 10 }),
      'INPUT_TOO_LARGE',
    );
  });
});
