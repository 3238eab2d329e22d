import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { bakeSvg, unbakeSvg } from '../../src/bake/svg.ts';
import { isSafeCss, sanitizeSvg } from '../../src/bake/svg-sanitize.ts';
import { parseXml, type XmlElement } from '../../src/bake/svg-tree.ts';
import { expectCode } from './expect-code.ts';
import { BADGE_SVG, OB3_JSON, OB3_JWT } from './fixtures.ts';

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';

function elements(svg: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    out.push(el);
    for (const c of el.children) if (c.kind === 'element') walk(c);
  };
  walk(parseXml(svg).root);
  return out;
}

/** Every output must parse again, contain nothing that runs or loads, and render. */
function checkClean(out: string) {
  const els = elements(out);
  for (const el of els) {
    expect(['script', 'foreignObject', 'iframe', 'animate', 'set', 'feImage', 'a']).not.toContain(el.local);
    for (const a of el.attributes) {
      expect(a.local.toLowerCase().startsWith('on')).toBe(false);
      if (a.local === 'href') expect(a.value).toMatch(/^(#|data:image\/(png|jpeg|jpg|gif);base64,)/);
      expect(a.value.toLowerCase()).not.toMatch(/javascript:|url\(\s*['"]?\s*(?!#)[a-z]/);
    }
  }
  expect(out).not.toMatch(/<script|<!DOCTYPE|<!ENTITY|javascript:/i);
  new Resvg(out).render();
}

const hostile: Record<string, string> = {
  script: `<svg ${NS}><script>alert(1)</script><rect width="5" height="5"/></svg>`,
  onload: `<svg ${NS} onload="alert(1)"><rect onclick="alert(2)" width="5" height="5"/></svg>`,
  'javascript href': `<svg ${NS}><a href="javascript:alert(1)"><rect width="5" height="5"/></a><a xlink:href="javascript:alert(1)"><circle r="2"/></a></svg>`,
  'external image': `<svg ${NS}><image href="https://evil.example/track.png" width="5" height="5"/><image xlink:href="file:///etc/passwd"/></svg>`,
  'svg image data': `<svg ${NS}><image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>`,
  'foreignObject html': `<svg ${NS}><foreignObject width="9" height="9"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"/><script>alert(1)</script></body></foreignObject></svg>`,
  'xlink to http': `<svg ${NS}><use xlink:href="https://evil.example/sprite.svg#x"/><use href="//evil.example/a.svg#y"/><linearGradient id="g" xlink:href="http://evil.example/g.svg#g"/></svg>`,
  'style url(http)': `<svg ${NS}><style>rect{fill:url(https://evil.example/x)}</style><rect style="fill:url(http://evil.example/a)" fill="url(http://evil.example/b)" width="5" height="5"/></svg>`,
  'style import': `<svg ${NS}><style>@import url("https://evil.example/a.css"); rect{fill:red}</style><rect width="5" height="5"/></svg>`,
  'css escapes': `<svg ${NS}><style>rect{background:\\75 rl(https://evil.example)}</style><rect style="background:u\\rl(https://evil.example)" width="5" height="5"/></svg>`,
  'css expression': `<svg ${NS}><rect style="width:expression(alert(1))" width="5" height="5"/></svg>`,
  animate: `<svg ${NS}><a><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onclick" to="alert(1)"/><rect width="5" height="5"/></a></svg>`,
  'html namespace script': `<svg ${NS}><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>`,
  feImage: `<svg ${NS}><filter id="f"><feImage href="https://evil.example/x.png"/></filter></svg>`,
  'event on nested svg': `<svg ${NS}><svg onload="alert(1)" width="5"><rect width="5" height="5"/></svg></svg>`,
  'processing instruction and comment': `<?xml-stylesheet href="https://evil.example/x.css"?><svg ${NS}><!-- <script>alert(1)</script> --><rect width="5" height="5"/></svg>`,
};

describe('sanitizeSvg', () => {
  for (const [name, svg] of Object.entries(hostile)) {
    it(`neutralizes: ${name}`, () => checkClean(sanitizeSvg(svg)));
  }

  it('keeps the drawing: shapes, gradients, internal references, viewBox and size', () => {
    const svg = `<svg ${NS} viewBox="0 0 10 10" width="100" height="100"><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient><clipPath id="c"><circle cx="5" cy="5" r="4"/></clipPath><path id="p" d="M0 0h5"/></defs><g clip-path="url(#c)" transform="rotate(3)"><rect width="10" height="10" fill="url(#g)" style="stroke:url('#g');stroke-width:1"/><use xlink:href="#p"/></g><text x="1" y="9" font-size="3">A &amp; B</text><image width="1" height="1" href="data:image/png;base64,iVBORw0KGgo="/></svg>`;
    const out = sanitizeSvg(svg);
    checkClean(out);
    const root = parseXml(out).root;
    expect(root.attributes.map((a) => a.name)).toEqual(
      expect.arrayContaining(['viewBox', 'width', 'height']),
    );
    expect(out).toContain('fill="url(#g)"');
    expect(out).toContain('clip-path="url(#c)"');
    expect(out).toContain(`style="stroke:url('#g');stroke-width:1"`);
    expect(out).toContain('href="#p"');
    expect(out).toContain('A &amp; B');
    expect(out).toContain('data:image/png;base64,');
    const before = new Resvg(svg).render().pixels;
    const after = new Resvg(out).render().pixels;
    expect(Buffer.compare(before, after)).toBe(0);
  });

  it('drops a harmless SVG 1.1 DOCTYPE', () => {
    const out = sanitizeSvg(
      `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg ${NS}><rect width="1"/></svg>`,
    );
    expect(out).toBe('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>');
  });

  it('renders a real badge the same after sanitizing', () => {
    const out = sanitizeSvg(BADGE_SVG);
    expect(Buffer.compare(new Resvg(BADGE_SVG).render().pixels, new Resvg(out).render().pixels)).toBe(0);
  });

  it('filters <style> elements rather than dropping safe ones', () => {
    const out = sanitizeSvg(
      `<svg ${NS}><style>.a{fill:#f00} g > .b{fill:url(#g)}</style><rect class="a"/></svg>`,
    );
    expect(out).toContain('<style>.a{fill:#f00} g &gt; .b{fill:url(#g)}</style>');
  });

  it('accepts an SVG without namespace declaration and writes a proper one', () => {
    const out = sanitizeSvg('<svg width="2" height="2"><rect width="2" height="2"/></svg>');
    expect(out).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>',
    );
  });

  it('drops a baked credential unless asked to keep it', () => {
    const baked = bakeSvg(BADGE_SVG, { version: 'ob3', json: OB3_JSON });
    expect(sanitizeSvg(baked)).not.toContain('openbadges');
    const kept = sanitizeSvg(baked, { keepCredential: true });
    expect(unbakeSvg(kept)).toEqual({ version: 'ob3', form: 'json', text: OB3_JSON });
    const empty = `<svg ${NS} xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential> </ob:credential></svg>`;
    expect(sanitizeSvg(empty, { keepCredential: true })).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    );
    const jwt = sanitizeSvg(bakeSvg(BADGE_SVG, { version: 'ob3', jws: OB3_JWT }), { keepCredential: true });
    expect(unbakeSvg(jwt).text).toBe(OB3_JWT);
  });

  it('says clearly when the input is not an SVG', () => {
    expect(expectCode(() => sanitizeSvg('<html><body/></html>'), 'SVG_INVALID').message).toMatch(
      /not an SVG/,
    );
    expectCode(() => sanitizeSvg('just text'), 'SVG_INVALID');
    expectCode(() => sanitizeSvg(Buffer.from([0x89, 0x50, 0x4e, 0x47])), 'SVG_INVALID');
    expectCode(() => sanitizeSvg('<svg><g></svg>'), 'SVG_INVALID');
  });

  it('refuses entity bombs, deep nesting and huge input', () => {
    const bomb = `<!DOCTYPE svg [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg ${NS}><text>&b;</text></svg>`;
    expectCode(() => sanitizeSvg(bomb), 'SVG_FORBIDDEN');
    const deep = `<svg ${NS}>${'<g>'.repeat(5000)}${'</g>'.repeat(5000)}</svg>`;
    expectCode(() => sanitizeSvg(deep), 'INPUT_TOO_LARGE');
    const huge = `<svg ${NS}><rect id="${'a'.repeat(6_000_000)}"/></svg>`;
    expectCode(() => sanitizeSvg(huge), 'INPUT_TOO_LARGE');
    // A large attribute within the limits is handled, and an unsafe one dropped.
    const big = `<svg ${NS}><rect width="1" style="${'fill:red;'.repeat(50_000)}url(https://x)"/></svg>`;
    expect(sanitizeSvg(big)).toBe('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>');
    // Many comment openers in one style value are handled in linear time.
    const comments = `<svg ${NS}><rect width="1" style="${'/*'.repeat(400_000)}*/fill:red"/></svg>`;
    expect(sanitizeSvg(comments)).toContain('fill:red');
  });
});

describe('isSafeCss', () => {
  it.each([
    ['fill:#fff', true],
    ['fill:url(#a)', true],
    ['fill: url( "#a" )', true],
    ['fill:url(https://x)', false],
    ['fill:URL(//x)', false],
    ['@import "x.css"', false],
    ['fill:u\\72l(x)', false],
    ['fill:/**/url(x)', false],
    ['fill:red /* unterminated', false],
    ['x:expression(1)', false],
    ['behavior:url(#a)', false],
    ['background:image-set("x.png" 1x)', false],
    ['src(x)', false],
  ])('%s → %s', (css, safe) => {
    expect(isSafeCss(css)).toBe(safe);
  });
});
