import { describe, expect, it } from 'vitest';
import { rasterSize } from '../../src/bake/raster-size.ts';
import { transformScale } from '../../src/bake/svg-bounds.ts';
import { sanitizeSvg } from '../../src/bake/svg-sanitize.ts';
import { expectCode } from './expect-code.ts';
import { BADGE_SVG } from './fixtures.ts';
import { dataUri, forgeGif, forgeJpeg, forgePng } from './forge.ts';

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';
const svg100 = (body: string, attrs = '') => `<svg ${NS} width="100" height="100"${attrs}>${body}</svg>`;

/** The refusal's message, checked to be INPUT_TOO_LARGE or SVG_INVALID as given. */
const refusal = (svg: string, code: 'INPUT_TOO_LARGE' | 'SVG_INVALID' = 'INPUT_TOO_LARGE') =>
  expectCode(() => sanitizeSvg(svg), code).message;

describe('SVG bounds', () => {
  it('refuses the 134-byte SVG that aborted resvg, naming the size and the limit', () => {
    const bomb =
      '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="10000000" viewBox="0 0 1 10000000"><rect width="1" height="10000000"/></svg>';
    expect(Buffer.byteLength(bomb)).toBe(134);
    expect(refusal(bomb)).toBe('The SVG is 1×10000000 px; at most 4096 px on each side.');
  });

  it('bounds the image size however it is given: units, viewBox alone, one side, aspect ratio', () => {
    expect(refusal(`<svg ${NS} width="200in" height="1in"/>`)).toMatch(/19200×96 px; at most 4096/);
    expect(refusal(`<svg ${NS} viewBox="0 0 1 10000000"/>`)).toMatch(/1×10000000 px/);
    expect(refusal(`<svg ${NS} width="10" viewBox="0 0 1 10000"/>`)).toMatch(/10×100000 px/);
    expect(refusal(`<svg ${NS} width="4000" height="10"/>`)).toMatch(/one side may be at most 32 times/);
    expect(refusal(`<svg ${NS} width="100" height="100" viewBox="0 0 1 1000"/>`)).toMatch(
      /viewBox is 1×1000/,
    );
    expect(refusal(`<svg ${NS} width="1e999" height="10"/>`, 'SVG_INVALID')).toMatch(/out of range/);
    expect(refusal(`<svg ${NS} width="0" height="10"/>`, 'SVG_INVALID')).toMatch(/positive size/);
    expect(refusal(`<svg ${NS} viewBox="0 0 -5 10"/>`, 'SVG_INVALID')).toMatch(/negative size/);
    // A custom limit for callers that draw larger.
    expect(sanitizeSvg(`<svg ${NS} width="5000" height="5000"/>`, { maxDimension: 8192 })).toContain('5000');
  });

  it('bounds what the rasterizer would allocate: pattern tiles, masks, filter regions, strokes, radii', () => {
    const cases = [
      '<pattern id="p" width="5000" height="5000" patternUnits="userSpaceOnUse"><rect width="1" height="1"/></pattern><rect width="100" height="100" fill="url(#p)"/>',
      '<pattern id="p" width="1000" height="1"><rect width="1" height="1"/></pattern><rect width="100" height="100" fill="url(#p)"/>',
      '<mask id="m" maskUnits="userSpaceOnUse" width="100000" height="10"/><rect width="10" height="10" mask="url(#m)"/>',
      '<filter id="f" filterUnits="userSpaceOnUse" width="1e7" height="10"><feFlood/></filter><rect width="10" height="10" filter="url(#f)"/>',
      '<rect width="10" height="10" style="stroke:red;stroke-width:100000"/>',
      '<circle r="1e6"/>',
      '<image width="1000000" height="1" href="data:image/png;base64,AAAA"/>',
      '<filter id="f"><feGaussianBlur stdDeviation="10 100000"/></filter><rect width="10" height="10" filter="url(#f)"/>',
    ];
    for (const body of cases)
      expect(refusal(svg100(body)), body).toMatch(/at most 400, 4 times the image's size/);
  });

  it('measures through transforms, nested viewBoxes and use, so a scale cannot smuggle a size in', () => {
    expect(refusal(svg100('<g transform="scale(1000)"><rect width="10" height="10"/></g>'))).toMatch(
      /width 10000 .*at most 400/,
    );
    expect(
      refusal(
        svg100('<g transform="matrix(0 300 -300 0 0 0)"><g transform="rotate(45)"><circle r="2"/></g></g>'),
      ),
    ).toMatch(/r 600/);
    expect(
      refusal(
        svg100(
          '<svg width="100" height="100" viewBox="0 0 0.001 0.001"><rect width="0.01" height="0.01"/></svg>',
        ),
      ),
    ).toMatch(/width 1000/);
    expect(
      refusal(
        svg100('<defs><rect id="r" width="50" height="50"/></defs><use href="#r" transform="scale(100)"/>'),
      ),
    ).toMatch(/width 5000/);
    // Scaling down is fine, and rotations do not add up.
    const ok = svg100(
      `<g transform="scale(0.01)"><rect width="10000" height="10000"/></g>${'<g transform="rotate(10)">'.repeat(40)}<rect width="90" height="90"/>${'</g>'.repeat(40)}`,
    );
    expect(sanitizeSvg(ok)).toContain('10000');
    expect(transformScale('translate(5 5) scale(2 3) rotate(30)')).toBeCloseTo(3);
    expect(transformScale('skewX(90)')).toBeGreaterThan(1e15);
  });

  it('refuses use that refers to itself or multiplies past the element budget, quickly', () => {
    expect(refusal(svg100('<g id="a"><use href="#a"/></g>'), 'SVG_INVALID')).toMatch(
      /refers to <g id="a"> from inside itself/,
    );
    expect(
      refusal(
        svg100('<pattern id="p"><rect width="1" height="1" fill="url(#p)"/></pattern><rect fill="url(#p)"/>'),
        'SVG_INVALID',
      ),
    ).toMatch(/from inside itself/);
    // Ten levels of ten uses each: 10^10 drawn elements from a file of about 1 kB.
    let defs = '<rect id="l0" width="1" height="1"/>';
    for (let i = 1; i <= 10; i++) defs += `<g id="l${i}">${`<use href="#l${i - 1}"/>`.repeat(10)}</g>`;
    const started = performance.now();
    expect(refusal(svg100(`<defs>${defs}</defs><use href="#l10"/>`))).toMatch(/more than 10000 elements/);
    expect(performance.now() - started).toBeLessThan(1000);
    // A long chain of references is bounded by depth (and never overflows the stack).
    let chain = '';
    for (let i = 0; i < 3000; i++) chain += `<use id="c${i}" href="#c${i + 1}"/>`;
    chain += '<rect id="c3000" width="1" height="1"/>';
    expect(refusal(svg100(chain))).toMatch(/deeper than 512 levels/);
  });

  it('reads embedded images’ sizes from their headers and refuses those over 4096 px or the pixel budget', () => {
    const img = (uri: string, n = 1) => svg100(`<image width="10" height="10" href="${uri}"/>`.repeat(n));
    expect(refusal(img(dataUri('png', forgePng(20000, 20000))))).toBe(
      'An embedded PNG image is 20000×20000 px; at most 4096 px on each side.',
    );
    expect(refusal(img(dataUri('jpeg', forgeJpeg(30000, 10))))).toMatch(/JPEG image is 30000×10 px/);
    expect(refusal(img(dataUri('gif', forgeGif(10, 60000))))).toMatch(/GIF image is 60000×60000 px/);
    expect(refusal(img(dataUri('png', forgePng(4096, 4096)), 3))).toMatch(/more than 33554432 pixels in all/);
    // The same image drawn many times through use counts every time.
    expect(
      refusal(
        svg100(
          `<image id="i" width="1" height="1" href="${dataUri('png', forgePng(4000, 4000))}"/>${'<use href="#i"/>'.repeat(3)}`,
        ),
      ),
    ).toMatch(/pixels in all/);
    const jpeg = forgeJpeg(10, 10);
    expect(refusal(img(dataUri('jpeg', jpeg.subarray(0, 8))), 'SVG_INVALID')).toMatch(
      /JPEG image is damaged/,
    );
    // A truncated PNG header draws nothing, as the decoder cannot read it either.
    expect(sanitizeSvg(img(dataUri('png', forgePng(20000, 20000, 20))))).toContain('<image');
    expect(sanitizeSvg(img(dataUri('png', forgePng(64, 64))))).toContain('<image');
  });

  it('bounds filter cost: feMorphology radius refused, feTurbulence octaves cut to 10, steps counted per use', () => {
    const filtered = (primitive: string) =>
      svg100(`<filter id="f">${primitive}</filter><rect width="100" height="100" filter="url(#f)"/>`);
    expect(refusal(filtered('<feMorphology radius="100000"/>'))).toMatch(
      /feMorphology with a radius of 100000; at most 1 \(1% of the image's size\)/,
    );
    expect(refusal(filtered('<feMorphology radius="0.5 30"/>'))).toMatch(/radius of 30/);
    expect(
      refusal(
        svg100(
          '<filter id="f"><feMorphology radius="0.5"/></filter><g transform="scale(10)"><rect width="9" height="9" filter="url(#f)"/></g>',
        ),
      ),
    ).toMatch(/radius of 5/);
    expect(sanitizeSvg(filtered('<feMorphology radius="0.8"/>'))).toContain('radius="0.8"');
    const turbulence = sanitizeSvg(filtered('<feTurbulence baseFrequency="0.05" numOctaves="1000000000"/>'));
    expect(turbulence).toContain('numOctaves="10"');
    expect(sanitizeSvg(filtered('<feTurbulence numOctaves="4"/>'))).toContain('numOctaves="4"');
    expect(refusal(filtered('<feFlood/>'.repeat(17)))).toMatch(/filters of more than 16 steps in all/);
    expect(refusal(filtered('<feTurbulence numOctaves="9"/><feTurbulence numOctaves="1e9"/>'))).toMatch(
      /more than 16 steps/,
    );
    const shadow = '<filter id="s"><feGaussianBlur stdDeviation="2"/><feOffset dx="1"/><feMerge/></filter>';
    const shadowed = (n: number) => svg100(`${shadow}${'<circle r="5" filter="url(#s)"/>'.repeat(n)}`);
    expect(sanitizeSvg(shadowed(5))).toContain('feMerge');
    expect(refusal(shadowed(6))).toMatch(/more than 16 steps/);
  });

  it('keeps ordinary badges untouched by the bounds', () => {
    expect(sanitizeSvg(BADGE_SVG)).toContain('<svg');
    const designed = `<svg ${NS} width="210mm" height="210mm" viewBox="0 0 600 600"><defs><filter id="s" x="-10%" y="-10%" width="120%" height="120%"><feGaussianBlur stdDeviation="4"/><feOffset dx="2" dy="3"/></filter><pattern id="p" width="0.1" height="0.1"><circle cx="5" cy="5" r="3"/></pattern></defs><circle cx="300" cy="300" r="280" fill="url(#p)" filter="url(#s)" stroke-width="12"/><text x="300" y="320" font-size="48">Badge</text></svg>`;
    expect(sanitizeSvg(designed)).toContain('Badge');
  });
});

describe('rasterSize', () => {
  it('reads PNG, JPEG and GIF sizes from their headers only', () => {
    expect(rasterSize(forgePng(20000, 30))).toEqual({ type: 'png', width: 20000, height: 30 });
    expect(rasterSize(forgeJpeg(640, 480))).toEqual({ type: 'jpeg', width: 640, height: 480 });
    expect(rasterSize(forgeGif(32, 16))).toEqual({ type: 'gif', width: 32, height: 32 });
    expect(rasterSize(forgeGif(16, 500))).toEqual({ type: 'gif', width: 500, height: 500 });
    expect(rasterSize(forgePng(1, 1, 20))).toBeUndefined();
    expect(rasterSize(Buffer.from('not an image'))).toBeUndefined();
    expect(rasterSize(new Uint8Array(0))).toBeUndefined();
  });
});

describe('SVG bounds on pathological text', () => {
  it('reads long attribute values in linear time', () => {
    const long = 200_000;
    const cases = [
      `<rect width="1${' '.repeat(long)}x" height="1"/>`,
      `<rect width="${'1'.repeat(long)}x" height="1"/>`,
      `<g transform="${'a'.repeat(long)}"/>`,
      `<g transform="${'scale(1)'.repeat(long / 8)}"/>`,
    ];
    for (const body of cases) {
      const started = performance.now();
      sanitizeSvg(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${body}</svg>`);
      expect(performance.now() - started, body.slice(0, 30)).toBeLessThan(500);
    }
  });
});
