// Open Badges 2.0 baking specification: a PNG's `openbadges` iTXt holds the assertion JSON
// (hosted) or the compact JWS (signed); an SVG's <openbadges:assertion> has verify=URL and the
// JSON as its body (hosted), or is empty with verify=JWS (signed). A URL alone is pre-spec.
import { describe, expect, it } from 'vitest';
import { bakeImage, unbakeImage } from '../../src/bake/image.ts';
import { iTxtChunk } from '../../src/bake/png.ts';
import { bakeSvg, unbakeSvg } from '../../src/bake/svg.ts';
import { OB2_SVG_NS, parseXml, textContent } from '../../src/bake/svg-tree.ts';
import { expectCode } from './expect-code.ts';
import { BADGE_SVG, chunk, OB2_JSON, OB2_JWS, rawChunks, renderPng, withChunks } from './fixtures.ts';

const png = renderPng();
const svg = new TextEncoder().encode(BADGE_SVG);
const HOSTED_URL = 'https://issuer.example/assertions/1';
const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** The credential chunk as a spec-following reader sees it: keyword, flags and text. */
function openbadgesChunk(baked: Uint8Array) {
  const found = rawChunks(baked).filter((c) => c.type === 'iTXt');
  expect(found).toHaveLength(1);
  const data = Buffer.from(found[0].data);
  const nul = data.indexOf(0);
  const [flag, method, lang, translated] = [data[nul + 1], data[nul + 2], data[nul + 3], data[nul + 4]];
  return {
    keyword: data.subarray(0, nul).toString('latin1'),
    uncompressed: flag === 0 && method === 0 && lang === 0 && translated === 0,
    text: data.subarray(nul + 5).toString('utf8'),
  };
}

/** The <openbadges:assertion> element as a spec-following reader sees it. */
function assertionElement(bakedSvg: string) {
  const { root } = parseXml(bakedSvg);
  const first = root.children.find((c) => c.kind === 'element');
  if (first?.kind !== 'element') throw new Error('no element after <svg>');
  return {
    ns: first.uri,
    local: first.local,
    verify: first.attributes.find((a) => a.local === 'verify')?.value,
    body: textContent(first),
    cdata: first.children.some((c) => c.kind === 'cdata'),
  };
}

describe('OB 2.0 baking writes what the specification defines', () => {
  it('a hosted assertion: the PNG iTXt text is the assertion JSON, whose id is the hosted URL', () => {
    const chunkRead = openbadgesChunk(bakeImage(png, { kind: 'ob2-json', text: OB2_JSON }));
    expect(chunkRead).toMatchObject({ keyword: 'openbadges', uncompressed: true });
    const assertion = JSON.parse(chunkRead.text);
    expect(assertion).toEqual(JSON.parse(OB2_JSON));
    expect(assertion.id).toBe(HOSTED_URL);
  });

  it('a hosted assertion: the SVG element has verify=URL and the assertion JSON in CDATA', () => {
    const out = utf8(bakeImage(svg, { kind: 'ob2-json', text: OB2_JSON }));
    const el = assertionElement(out);
    expect(el).toMatchObject({ ns: OB2_SVG_NS, local: 'assertion', verify: HOSTED_URL, cdata: true });
    expect(JSON.parse(el.body)).toEqual(JSON.parse(OB2_JSON));
    expect(out).toContain(`<openbadges:assertion verify="${HOSTED_URL}"><![CDATA[`);
  });

  it('a signed assertion: the PNG carries the JWS, the SVG an empty element with verify=JWS', () => {
    expect(openbadgesChunk(bakeImage(png, { kind: 'ob2-jws', text: OB2_JWS }))).toMatchObject({
      keyword: 'openbadges',
      uncompressed: true,
      text: OB2_JWS,
    });
    const el = assertionElement(utf8(bakeImage(svg, { kind: 'ob2-jws', text: OB2_JWS })));
    expect(el).toMatchObject({ ns: OB2_SVG_NS, local: 'assertion', verify: OB2_JWS, body: '' });
  });

  it('never writes a bare URL: spec-following readers would take it for a signature', () => {
    expectCode(
      () => bakeImage(png, { kind: 'ob2-url' as 'ob2-json', text: HOSTED_URL }),
      'INPUT_UNRECOGNIZED',
    );
    expectCode(
      () => bakeImage(svg, { kind: 'ob2-url' as 'ob2-json', text: HOSTED_URL }),
      'INPUT_UNRECOGNIZED',
    );
    expectCode(() => bakeImage(png, { kind: 'ob2-json', text: HOSTED_URL }), 'JSON_INVALID');
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob2', url: HOSTED_URL } as never), 'INPUT_UNRECOGNIZED');
    // A hosted assertion must name its URL: without one the SVG would have no verify address.
    const unhosted = JSON.stringify({ ...JSON.parse(OB2_JSON), id: 'urn:uuid:1' });
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob2', json: unhosted }), 'INPUT_UNRECOGNIZED');
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob2', json: '[]' }), 'INPUT_UNRECOGNIZED');
  });
});

describe('OB 2.0 unbaking says which form it found', () => {
  it('PNG: assertion JSON, JWS, and (older tools) a URL in iTXt or tEXt', () => {
    expect(unbakeImage(bakeImage(png, { kind: 'ob2-json', text: OB2_JSON }))).toEqual({
      format: 'png',
      version: 'ob2',
      form: 'json',
      text: OB2_JSON,
    });
    expect(unbakeImage(bakeImage(png, { kind: 'ob2-jws', text: OB2_JWS }))).toEqual({
      format: 'png',
      version: 'ob2',
      form: 'jws',
      text: OB2_JWS,
    });
    const legacyItxt = withChunks(png, iTxtChunk('openbadges', HOSTED_URL));
    const legacyText = withChunks(png, chunk('tEXt', Buffer.from(`openbadges\0${HOSTED_URL}`, 'latin1')));
    for (const legacy of [legacyItxt, legacyText]) {
      expect(unbakeImage(legacy)).toEqual({ format: 'png', version: 'ob2', form: 'url', text: HOSTED_URL });
    }
  });

  it('SVG: JSON body with verify URL, self-closing with verify=JWS, and (tolerated) verify=URL alone', () => {
    const el = (inner: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB2_SVG_NS}">${inner}<g/></svg>`;
    expect(
      unbakeSvg(
        el(`<openbadges:assertion verify="${HOSTED_URL}"><![CDATA[${OB2_JSON}]]></openbadges:assertion>`),
      ),
    ).toEqual({ version: 'ob2', form: 'json', text: OB2_JSON, verify: HOSTED_URL });
    expect(unbakeSvg(el(`<openbadges:assertion verify="${OB2_JWS}"/>`))).toEqual({
      version: 'ob2',
      form: 'jws',
      text: OB2_JWS,
      verify: OB2_JWS,
    });
    expect(unbakeSvg(el(`<openbadges:assertion verify="${HOSTED_URL}"/>`))).toEqual({
      version: 'ob2',
      form: 'url',
      text: HOSTED_URL,
      verify: HOSTED_URL,
    });
    expect(
      unbakeImage(new TextEncoder().encode(el(`<openbadges:assertion verify="${HOSTED_URL}"/>`))),
    ).toEqual({
      format: 'svg',
      version: 'ob2',
      form: 'url',
      text: HOSTED_URL,
      verify: HOSTED_URL,
    });
  });

  it('round-trips both OB 2.0 forms through PNG and SVG', () => {
    for (const [kind, text, form] of [
      ['ob2-json', OB2_JSON, 'json'],
      ['ob2-jws', OB2_JWS, 'jws'],
    ] as const) {
      for (const image of [png, svg]) {
        expect(unbakeImage(bakeImage(image, { kind, text }))).toMatchObject({ version: 'ob2', form, text });
      }
    }
  });
});
