// Hostile badge images for the reliability figures: generated SVG and PNG uploads of every kind
// that has hurt rasterizers (huge canvases and geometry, costly filters, use graphs that
// multiply, deep nesting, embedded images with forged headers, truncated files, random bytes,
// XML entity bombs), with some ordinary images among them.
import fc from 'fast-check';
import { dataUri, forgeGif, forgeJpeg, forgePng } from '../../packages/openbadges/test/bake/forge.ts';

export interface HostileImage {
  kind: string;
  data: Buffer;
}

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';

const huge = fc.oneof(
  fc.integer({ min: 4097, max: 2 ** 31 }).map(String),
  fc.double({ min: 1e4, max: 1e300, noNaN: true }).map(String),
  fc.constantFrom('1e999', '-1', '0', 'NaN', 'Infinity', '1e7mm', '99999in', '1e-300', '5e5%', ''),
);
const small = fc.integer({ min: 0, max: 120 }).map(String);
const anyNumber = fc.oneof(small, small, huge, fc.double({ noNaN: true }).map(String));
const transform = fc.oneof(
  fc.constant(''),
  anyNumber.map((n) => `scale(${n})`),
  fc.tuple(anyNumber, anyNumber).map(([a, d]) => `matrix(${a} 0 0 ${d} 0 0)`),
  fc.constantFrom('skewX(89.99999)', 'rotate(45) scale(1e6)', 'scale(1e-9)', 'skewY(90)'),
);
const svg = (attrs: string, body: string) => `<svg ${NS} ${attrs}>${body}</svg>`;

const hugeCanvas = fc
  .record({ w: anyNumber, h: anyNumber, vb: fc.option(fc.tuple(anyNumber, anyNumber, anyNumber, anyNumber)) })
  .map(({ w, h, vb }) =>
    svg(
      `width="${w}" height="${h}"${vb ? ` viewBox="${vb.join(' ')}"` : ''}`,
      `<rect width="${h}" height="${w}"/>`,
    ),
  );

const costlyFilter = fc
  .record({
    primitive: fc.constantFrom('feMorphology', 'feTurbulence', 'feGaussianBlur', 'feDropShadow', 'feOffset'),
    value: anyNumber,
    steps: fc.integer({ min: 1, max: 80 }),
    region: fc.option(fc.tuple(anyNumber, anyNumber)),
    units: fc.constantFrom('', ' primitiveUnits="objectBoundingBox"', ' filterUnits="userSpaceOnUse"'),
    scale: transform,
  })
  .map(({ primitive, value, steps, region, units, scale }) => {
    const attrs = `radius="${value}" numOctaves="${value}" baseFrequency="0.05" stdDeviation="${value}" dx="${value}"`;
    const regionAttrs = region ? ` x="-${region[0]}" y="0" width="${region[0]}" height="${region[1]}"` : '';
    return svg(
      'width="100" height="100"',
      `<filter id="f"${units}${regionAttrs}>${`<${primitive} ${attrs}/>`.repeat(steps)}</filter><g transform="${scale}"><rect width="100" height="100" filter="url(#f)"/></g>`,
    );
  });

const useGraph = fc
  .record({
    levels: fc.integer({ min: 1, max: 14 }),
    fan: fc.integer({ min: 1, max: 12 }),
    cycle: fc.boolean(),
  })
  .map(({ levels, fan, cycle }) => {
    let defs = `<rect id="l0" width="1" height="1"${cycle ? ` fill="url(#l${levels})"` : ''}/>`;
    for (let i = 1; i <= levels; i++) defs += `<g id="l${i}">${`<use href="#l${i - 1}"/>`.repeat(fan)}</g>`;
    return svg('width="64" height="64"', `<defs>${defs}</defs><use href="#l${levels}"/>`);
  });

const deepNesting = fc
  .record({
    depth: fc.integer({ min: 50, max: 6000 }),
    tag: fc.constantFrom('g', 'svg', 'mask', 'a', 'pattern'),
  })
  .map(({ depth, tag }) =>
    svg('width="10" height="10"', `${`<${tag}>`.repeat(depth)}<rect/>${`</${tag}>`.repeat(depth)}`),
  );

const forgedRaster = fc.record({
  type: fc.constantFrom('png', 'jpeg', 'gif'),
  width: fc.oneof(
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 1, max: 65535 }),
    fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ),
  height: fc.oneof(
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 1, max: 65535 }),
    fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ),
  truncate: fc.option(fc.integer({ min: 0, max: 60 })),
});
const raster = (r: { type: string; width: number; height: number; truncate: number | null }) => {
  const bytes =
    r.type === 'png'
      ? forgePng(r.width, r.height)
      : r.type === 'jpeg'
        ? forgeJpeg(r.width & 0xffff, r.height & 0xffff)
        : forgeGif(r.width & 0xffff, r.height & 0xffff);
  return r.truncate === null ? bytes : bytes.subarray(0, r.truncate);
};

const embeddedImage = fc
  .record({ image: forgedRaster, copies: fc.integer({ min: 1, max: 6 }), viaUse: fc.boolean() })
  .map(({ image, copies, viaUse }) => {
    const tag = `<image id="i" width="10" height="10" href="${dataUri(image.type, raster(image))}"/>`;
    return svg(
      'width="100" height="100"',
      viaUse ? `${tag}${'<use href="#i"/>'.repeat(copies)}` : tag.repeat(copies),
    );
  });

const geometry = fc
  .record({
    element: fc.constantFrom('rect', 'circle', 'ellipse', 'pattern', 'mask', 'marker', 'text', 'use', 'svg'),
    value: anyNumber,
    other: anyNumber,
    scale: transform,
  })
  .map(({ element, value, other, scale }) => {
    const attrs = `x="${other}" width="${value}" height="${value}" r="${value}" rx="${value}" markerWidth="${value}" font-size="${value}" stroke-width="${other}" viewBox="0 0 ${other} ${other}" patternUnits="userSpaceOnUse" maskUnits="userSpaceOnUse"`;
    const inner = `<${element} id="e" ${attrs}><rect width="${value}" height="1"/>A</${element}>`;
    const user = `<path d="M1 1L50 50L99 1" stroke="red" marker-mid="url(#e)" fill="url(#e)" mask="url(#e)"/>`;
    return svg('width="100" height="100"', `<g transform="${scale}">${inner}${user}</g>`);
  });

const xmlBomb = fc
  .record({
    levels: fc.integer({ min: 1, max: 10 }),
    fan: fc.integer({ min: 2, max: 10 }),
    external: fc.boolean(),
  })
  .map(({ levels, fan, external }) => {
    let entities = '<!ENTITY e0 "lol">';
    for (let i = 1; i <= levels; i++) entities += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(fan)}">`;
    if (external) entities += '<!ENTITY x SYSTEM "file:///etc/passwd">';
    return `<?xml version="1.0"?><!DOCTYPE svg [${entities}]><svg ${NS}><text>&e${levels};${external ? '&x;' : ''}</text></svg>`;
  });

const ordinary = fc
  .record({
    size: fc.integer({ min: 16, max: 1000 }),
    shapes: fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 50 })), {
      maxLength: 8,
    }),
    blur: fc.boolean(),
  })
  .map(({ size, shapes, blur }) =>
    svg(
      `width="${size}" height="${size}" viewBox="0 0 100 100"`,
      `${blur ? '<filter id="b"><feGaussianBlur stdDeviation="2"/></filter>' : ''}<rect width="100" height="100" fill="#1f5c4a"/>${shapes
        .map(
          ([c, r]) =>
            `<circle cx="${c}" cy="${100 - c}" r="${r}" fill="#f4d35e"${blur ? ' filter="url(#b)"' : ''}/>`,
        )
        .join('')}`,
    ),
  );

const asSvg = (kind: string, arb: fc.Arbitrary<string>) =>
  arb.map((text): HostileImage => ({ kind, data: Buffer.from(text) }));

const hostile: fc.Arbitrary<HostileImage> = fc.oneof(
  asSvg('huge canvas', hugeCanvas),
  asSvg('costly filter', costlyFilter),
  asSvg('use graph', useGraph),
  asSvg('deep nesting', deepNesting),
  asSvg('embedded image', embeddedImage),
  asSvg('geometry', geometry),
  asSvg('xml bomb', xmlBomb),
  asSvg('ordinary', ordinary),
  forgedRaster.map((r): HostileImage => ({ kind: 'forged png', data: raster({ ...r, type: 'png' }) })),
  fc
    .tuple(
      fc.constantFrom('', '\x89PNG\r\n\x1a\n', '<svg ', `<svg ${NS}>`),
      fc.uint8Array({ maxLength: 4096 }),
    )
    .map(
      ([head, bytes]): HostileImage => ({
        kind: 'random bytes',
        data: Buffer.concat([Buffer.from(head, 'latin1'), bytes]),
      }),
    ),
);

/** `count` hostile uploads, the same ones for the same seed. */
export function hostileImages(count: number, seed = 20261203): HostileImage[] {
  return fc.sample(hostile, { numRuns: count, seed });
}
