import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { bakeSvg, unbakeSvg } from '../../src/bake/svg.ts';
import { OB2_SVG_NS, OB3_SVG_NS, parseXml } from '../../src/bake/svg-tree.ts';
import { expectCode } from './expect-code.ts';
import { BADGE_SVG, OB2_JSON, OB2_JWS, OB3_JSON, OB3_JWT } from './fixtures.ts';

function firstChildOfRoot(svg: string) {
  const { root } = parseXml(svg);
  const first = root.children.find((c) => c.kind === 'element');
  if (first?.kind !== 'element') throw new Error('no child');
  return { root, first };
}

describe('bakeSvg', () => {
  it('puts the OB 3.0 credential in CDATA directly after the <svg> start tag', () => {
    const out = bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON });
    const { root, first } = firstChildOfRoot(out);
    expect(first.uri).toBe(OB3_SVG_NS);
    expect(first.local).toBe('credential');
    expect(out.slice(root.startTagEnd)).toMatch(/^<openbadges:credential><!\[CDATA\[/);
    expect(root.attributes.find((a) => a.name === 'xmlns:openbadges')?.value).toBe(OB3_SVG_NS);
    expect(unbakeSvg(out)).toEqual({ version: 'ob3', form: 'json', text: OB3_JSON });
  });

  it('splits CDATA sections so a "]]>" in the JSON survives', () => {
    expect(OB3_JSON).toContain(']]>');
    const out = bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON });
    expect(out).toContain(']]]]><![CDATA[>');
    expect(unbakeSvg(out).text).toBe(OB3_JSON);
  });

  it('carries a VC-JWT in the verify attribute with an empty body', () => {
    const out = bakeSvg(BADGE_SVG, { version: 'ob3', jws: OB3_JWT });
    const { first } = firstChildOfRoot(out);
    expect(first.children).toEqual([]);
    expect(first.attributes.map((a) => [a.name, a.value])).toEqual([['verify', OB3_JWT]]);
    expect(unbakeSvg(out)).toEqual({ version: 'ob3', form: 'jws', text: OB3_JWT, verify: OB3_JWT });
  });

  it('writes OB 2.0 signed badges as a self-closing assertion and hosted ones with the JSON', () => {
    const signed = bakeSvg(BADGE_SVG, { version: 'ob2', jws: OB2_JWS });
    expect(signed).toContain(`<openbadges:assertion verify="${OB2_JWS}"/>`);
    expect(signed).toContain(`xmlns:openbadges="${OB2_SVG_NS}"`);
    expect(unbakeSvg(signed)).toEqual({ version: 'ob2', form: 'jws', text: OB2_JWS, verify: OB2_JWS });

    // The hosted assertion's id (its URL) becomes the verify attribute.
    const hosted = bakeSvg(BADGE_SVG, { version: 'ob2', json: OB2_JSON });
    expect(unbakeSvg(hosted)).toEqual({
      version: 'ob2',
      form: 'json',
      text: OB2_JSON,
      verify: 'https://issuer.example/assertions/1',
    });
  });

  it('re-baking replaces the old element and rebinds the prefix', () => {
    const ob2 = bakeSvg(BADGE_SVG, { version: 'ob2', jws: OB2_JWS });
    const ob3 = bakeSvg(ob2, { version: 'ob3', json: OB3_JSON });
    expect(ob3.match(/openbadges:(credential|assertion)/g)).toEqual([
      'openbadges:credential',
      'openbadges:credential',
    ]);
    expect(ob3.match(/xmlns:openbadges=/g)).toHaveLength(1);
    expect(unbakeSvg(ob3)).toEqual({ version: 'ob3', form: 'json', text: OB3_JSON });
  });

  it('keeps everything else byte for byte and the image still renders', () => {
    const out = bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON });
    const removed = out
      .replace(/ xmlns:openbadges="[^"]*"/, '')
      .replace(/<openbadges:credential>.*?<\/openbadges:credential>/s, '');
    expect(removed).toBe(BADGE_SVG);
    const a = new Resvg(BADGE_SVG).render().pixels;
    const b = new Resvg(out).render().pixels;
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('declares UTF-8 when the source declared another encoding', () => {
    const latin = `<?xml version="1.0" encoding='ISO-8859-1' standalone="no"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>`;
    const out = bakeSvg(latin, { version: 'ob3', json: OB3_JSON });
    expect(out.startsWith(`<?xml version="1.0" encoding='UTF-8' standalone="no"?>\n<svg`)).toBe(true);
    expect(unbakeSvg(Buffer.from(out, 'utf8')).text).toBe(OB3_JSON);
  });

  it('handles a self-closing root and a prefixed root', () => {
    const out = bakeSvg('<svg xmlns="http://www.w3.org/2000/svg" width="1"/>', {
      version: 'ob3',
      jws: OB3_JWT,
    });
    expect(out).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1" xmlns:openbadges="${OB3_SVG_NS}"><openbadges:credential verify="${OB3_JWT}"></openbadges:credential></svg>`,
    );
    const prefixed = bakeSvg('<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:g/></s:svg>', {
      version: 'ob3',
      json: '{}',
    });
    expect(unbakeSvg(prefixed).text).toBe('{}');
  });

  it('refuses bad payloads and non-SVG input', () => {
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob3', json: '{nope' }), 'JSON_INVALID');
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob3', jws: 'not a jws' }), 'INPUT_UNRECOGNIZED');
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob3', json: '{}', jws: OB3_JWT }), 'INPUT_UNRECOGNIZED');
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob3' }), 'INPUT_UNRECOGNIZED');
    expectCode(
      () => bakeSvg(BADGE_SVG, { version: 'ob2', json: JSON.stringify({ id: 'javascript:alert(1)' }) }),
      'INPUT_UNRECOGNIZED',
    );
    expectCode(
      () => bakeSvg(BADGE_SVG, { version: 'ob2', jws: OB2_JWS, json: OB2_JSON }),
      'INPUT_UNRECOGNIZED',
    );
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob3', json: '"\u0001"' }), 'INPUT_UNRECOGNIZED');
    expectCode(() => bakeSvg('<html><body/></html>', { version: 'ob3', json: '{}' }), 'SVG_INVALID');
    expectCode(
      () => bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', { version: 'ob3', json: '{}' }),
      'SVG_INVALID',
    );
    expectCode(() => bakeSvg('', { version: 'ob3', json: '{}' }), 'SVG_INVALID');
    const limits = { maxBytes: BADGE_SVG.length + 100 };
    expectCode(() => bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON }, limits), 'INPUT_TOO_LARGE');
  });
});

describe('unbakeSvg', () => {
  it('reads bytes as UTF-8 (with or without a BOM)', () => {
    const out = bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON });
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(out)]);
    expect(unbakeSvg(bytes).text).toBe(OB3_JSON);
    expectCode(() => unbakeSvg(Buffer.from([0x3c, 0xff, 0xfe])), 'SVG_INVALID');
  });

  it('tolerates an OB 3.0 credential under the OB 2.0 element, and the reverse, when the content says so', () => {
    const ob3InOb2 = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB2_SVG_NS}"><openbadges:assertion verify="${OB3_JWT}"/></svg>`;
    expect(unbakeSvg(ob3InOb2).version).toBe('ob3');
    const ob2InOb3 = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB3_SVG_NS}"><openbadges:credential><![CDATA[${OB2_JSON}]]></openbadges:credential></svg>`;
    expect(unbakeSvg(ob2InOb3).version).toBe('ob2');
    // Undecided content keeps the version of its namespace.
    const url = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="${OB3_SVG_NS}"><ob:credential verify="https://x.org/c"/></svg>`;
    expect(unbakeSvg(url)).toEqual({
      version: 'ob3',
      form: 'url',
      text: 'https://x.org/c',
      verify: 'https://x.org/c',
    });
  });

  it('refuses two credentials, none, or an empty element', () => {
    const two = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:a="${OB2_SVG_NS}" xmlns:b="${OB3_SVG_NS}"><a:assertion verify="${OB2_JWS}"/><g><b:credential>{}</b:credential></g></svg>`;
    expectCode(() => unbakeSvg(two), 'SVG_MULTIPLE_CREDENTIALS');
    expectCode(() => unbakeSvg(BADGE_SVG), 'SVG_NO_CREDENTIAL');
    const empty = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:a="${OB3_SVG_NS}"><a:credential> </a:credential></svg>`;
    expectCode(() => unbakeSvg(empty), 'SVG_NO_CREDENTIAL');
    // An element of the right name in another namespace is not a credential.
    const foreign = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:a="https://example.org"><a:credential>{}</a:credential></svg>`;
    expectCode(() => unbakeSvg(foreign), 'SVG_NO_CREDENTIAL');
  });

  it('refuses DOCTYPE and entity declarations before anything is expanded', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&d;</text></svg>`;
    expectCode(() => unbakeSvg(laughs), 'SVG_FORBIDDEN');
    const xxe = `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`;
    expectCode(() => unbakeSvg(xxe), 'SVG_FORBIDDEN');
    expectCode(() => unbakeSvg('<!DOCTYPE svg SYSTEM "x.dtd" [ ]><svg/>'), 'SVG_FORBIDDEN');
    // An entity used without any declaration is simply not well-formed.
    expectCode(() => unbakeSvg('<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'), 'SVG_INVALID');
  });

  it('reads a badge shaped like the 1EdTech validator samples: SVG 1.1 DOCTYPE, indented CDATA', () => {
    const json = JSON.stringify(JSON.parse(OB3_JSON), null, 2).replace(/\n/g, '\n      ');
    const sample = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg version="1.1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:openbadges="${OB3_SVG_NS}" viewBox="0 0 100 100" xml:space="preserve">
  <openbadges:credential>
    <![CDATA[
      ${json.replace(/]]>/g, ']]]]><![CDATA[>')}
    ]]>
  </openbadges:credential>
  <g><circle cx="50" cy="50" r="40"/></g>
</svg>`;
    const read = unbakeSvg(sample);
    expect(read.version).toBe('ob3');
    expect(JSON.parse(read.text)).toEqual(JSON.parse(OB3_JSON));
    const jwt = sample.replace(
      /<openbadges:credential>[\s\S]*<\/openbadges:credential>/,
      `<openbadges:credential verify="${OB3_JWT}"></openbadges:credential>`,
    );
    expect(unbakeSvg(jwt)).toEqual({ version: 'ob3', form: 'jws', text: OB3_JWT, verify: OB3_JWT });
    // Re-baking keeps the DOCTYPE line; sanitizing drops it.
    const rebaked = bakeSvg(sample, { version: 'ob3', jws: OB3_JWT });
    expect(rebaked).toContain('<!DOCTYPE svg PUBLIC');
    expect(unbakeSvg(rebaked).text).toBe(OB3_JWT);
    // Entities from the external DTD are never loaded, so using one is an error, not a fetch.
    expectCode(() => unbakeSvg(sample.replace('<g>', '<g>&nbsp;')), 'SVG_INVALID');
  });

  it('caps size, depth and element count', () => {
    expectCode(() => unbakeSvg(BADGE_SVG, { maxBytes: 100 }), 'INPUT_TOO_LARGE');
    const deep = `<svg xmlns="http://www.w3.org/2000/svg">${'<g>'.repeat(300)}${'</g>'.repeat(300)}</svg>`;
    expectCode(() => unbakeSvg(deep), 'INPUT_TOO_LARGE');
    const many = `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(2000)}</svg>`;
    expectCode(() => unbakeSvg(many, { maxElements: 1000 }), 'INPUT_TOO_LARGE');
    const huge = `<svg xmlns="http://www.w3.org/2000/svg" data-x="${'a'.repeat(6 * 1024 * 1024)}"/>`;
    expectCode(() => unbakeSvg(huge), 'INPUT_TOO_LARGE');
  });
});
