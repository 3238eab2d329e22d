import { OpenBadgesError } from '../errors.ts';
import { findCredentialElements, readCredentialElement } from './svg.ts';
import { checkSvgBounds, TURBULENCE_OCTAVES } from './svg-bounds.ts';
import {
  cdata,
  escapeAttribute,
  escapeText,
  OB2_SVG_NS,
  OB3_SVG_NS,
  parseXml,
  requireSvgRoot,
  SVG_NS,
  type SvgLimits,
  textContent,
  XLINK_NS,
  XML_NS,
  type XmlElement,
} from './svg-tree.ts';

/**
 * Rebuilds an untrusted SVG (an issuer's badge image, an earner's import) from an allow-list:
 * static shapes, text, paint servers, clipping, masks and basic filters. Nothing that runs code
 * or reaches outside the file survives: no script, event handlers, foreignObject, animation,
 * external href or CSS url() to another document. The output is always well-formed SVG, and
 * cheap to draw: its size, geometry, references, embedded images and filters are bounded
 * (see svg-bounds.ts), or it is refused with the reason.
 */

export interface SanitizeSvgOptions extends SvgLimits {
  /** Keep a baked Open Badges credential element (re-written as the root's first child). */
  keepCredential?: boolean;
}

const ELEMENTS = new Set([
  'svg',
  'g',
  'defs',
  'symbol',
  'use',
  'title',
  'desc',
  'style',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'textPath',
  'image',
  'marker',
  'linearGradient',
  'radialGradient',
  'stop',
  'pattern',
  'clipPath',
  'mask',
  'filter',
  'feBlend',
  'feColorMatrix',
  'feComponentTransfer',
  'feComposite',
  'feDropShadow',
  'feFlood',
  'feFuncA',
  'feFuncB',
  'feFuncG',
  'feFuncR',
  'feGaussianBlur',
  'feMerge',
  'feMergeNode',
  'feMorphology',
  'feOffset',
  'feTurbulence',
]);

/** Containers whose own semantics are dropped but whose content is kept (links, Illustrator's switch). */
const UNWRAP = new Set(['a', 'switch']);

/** Elements whose character data is rendered or meaningful. */
const TEXT_ELEMENTS = new Set(['text', 'tspan', 'textPath', 'title', 'desc']);

const ATTRIBUTES = new Set(
  [
    'id class style transform viewBox width height x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d points',
    'preserveAspectRatio version display visibility overflow opacity color lang role aria-label aria-hidden',
    'fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit',
    'stroke-dasharray stroke-dashoffset stroke-opacity paint-order vector-effect shape-rendering',
    'text-rendering image-rendering color-interpolation color-interpolation-filters mix-blend-mode isolation',
    'clip-path clip-rule clipPathUnits mask maskUnits maskContentUnits filter filterUnits primitiveUnits',
    'offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod',
    'patternUnits patternContentUnits patternTransform',
    'marker-start marker-mid marker-end markerWidth markerHeight markerUnits refX refY orient pathLength',
    'in in2 result stdDeviation dx dy mode operator k1 k2 k3 k4 values type flood-color flood-opacity',
    'radius baseFrequency numOctaves seed stitchTiles tableValues slope intercept amplitude exponent',
    'font-family font-size font-weight font-style font-variant font-stretch text-anchor dominant-baseline',
    'alignment-baseline baseline-shift letter-spacing word-spacing text-decoration writing-mode',
    'lengthAdjust textLength rotate startOffset method spacing side',
  ]
    .join(' ')
    .split(' '),
);

/** Elements whose href may point at a fragment of this document. */
const FRAGMENT_HREF = new Set([
  'use',
  'textPath',
  'linearGradient',
  'radialGradient',
  'pattern',
  'filter',
  'mask',
  'clipPath',
]);

const RASTER_DATA_URI = /^data:image\/(png|jpeg|jpg|gif);base64,[A-Za-z0-9+/=\s]*$/i;

/**
 * CSS (a `style` attribute or element) is kept only when it cannot load anything or run code:
 * no escapes (they can spell `url(` invisibly), no @import, no url() except `#fragment`, no
 * legacy script hooks (expression, behavior, -moz-binding).
 */
export function isSafeCss(css: string): boolean {
  if (css.includes('\\')) return false;
  // Comments removed in one linear pass (a regex with lookahead goes quadratic on many `/*`).
  let plain = '';
  let at = 0;
  for (;;) {
    const open = css.indexOf('/*', at);
    if (open < 0) break;
    const close = css.indexOf('*/', open + 2);
    if (close < 0) return false;
    plain += css.slice(at, open);
    at = close + 2;
  }
  plain = (plain + css.slice(at)).toLowerCase();
  if (
    /@import|@font-face|expression|behavior|-moz-binding|javascript:|vbscript:|image-set|\bsrc\s*\(/.test(
      plain,
    )
  ) {
    return false;
  }
  const urls = plain.matchAll(/url\s*\(\s*(['"]?)\s*([^'")\s]*)/g);
  for (const m of urls) if (!m[2].startsWith('#')) return false;
  return true;
}

function isSvgElement(el: XmlElement, rootHasNoNs: boolean): boolean {
  return el.uri === SVG_NS || (rootHasNoNs && el.uri === '');
}

function safeHref(el: XmlElement, value: string): boolean {
  const v = value.trim();
  if (el.local === 'image') return RASTER_DATA_URI.test(v);
  return FRAGMENT_HREF.has(el.local) && /^#[^\s]+$/.test(v);
}

/** Octaves of feTurbulence past TURBULENCE_OCTAVES are dropped (invisibly) rather than refused. */
function neutralized(el: XmlElement, name: string, value: string): string {
  if (el.local === 'feTurbulence' && name === 'numOctaves' && Number(value) > TURBULENCE_OCTAVES) {
    return String(TURBULENCE_OCTAVES);
  }
  return value;
}

/** Returns the kept attributes as markup, or undefined when the element must go (a `use` or `image` without a safe href). */
function attributesMarkup(el: XmlElement, usesXlink: { value: boolean }): string | undefined {
  let out = '';
  let href: string | undefined;
  for (const a of el.attributes) {
    if ((a.uri === '' && a.local === 'href') || (a.uri === XLINK_NS && a.local === 'href')) {
      if (safeHref(el, a.value)) href = a.value.trim();
      continue;
    }
    if (a.uri === XML_NS && (a.local === 'space' || a.local === 'lang')) {
      out += ` xml:${a.local}="${escapeAttribute(a.value)}"`;
      continue;
    }
    if (a.uri !== '' || !ATTRIBUTES.has(a.local)) continue;
    if (!isSafeCss(a.value)) continue;
    out += ` ${a.local}="${escapeAttribute(neutralized(el, a.local, a.value))}"`;
  }
  if ((el.local === 'use' || el.local === 'image') && href === undefined) return undefined;
  if (href !== undefined) {
    // Both spellings: SVG 2 readers take href, older ones (and some rasterizers) only xlink:href.
    out += ` href="${escapeAttribute(href)}" xlink:href="${escapeAttribute(href)}"`;
    usesXlink.value = true;
  }
  return out;
}

export function sanitizeSvg(svg: string | Uint8Array, opts: SanitizeSvgOptions = {}): string {
  const doc = parseXml(svg, opts);
  const root = requireSvgRoot(doc);
  const rootHasNoNs = root.uri === '';
  const usesXlink = { value: false };

  let credential = '';
  let credentialNs = '';
  if (opts.keepCredential) {
    const found = findCredentialElements(root);
    if (found.length > 1) {
      throw new OpenBadgesError(
        'SVG_MULTIPLE_CREDENTIALS',
        `The SVG carries ${found.length} credential elements; a baked badge has exactly one.`,
      );
    }
    if (found.length === 1) {
      const el = found[0];
      // An empty credential element carries nothing worth keeping.
      const read =
        textContent(el).trim() || el.attributes.some((a) => a.local === 'verify' && a.value.trim());
      if (read) {
        const { text, verify } = readCredentialElement(el);
        credentialNs = el.uri;
        const local = el.local;
        const verifyAttr = verify !== undefined ? ` verify="${escapeAttribute(verify)}"` : '';
        const body = text !== verify ? cdata(text) : '';
        credential = `<openbadges:${local}${verifyAttr}>${body}</openbadges:${local}>`;
      }
    }
  }

  const render = (el: XmlElement): string => {
    let inner = '';
    for (const child of el.children) {
      if (child.kind === 'element') {
        if (!isSvgElement(child, rootHasNoNs)) continue;
        if (UNWRAP.has(child.local)) {
          inner += render(child);
          continue;
        }
        if (!ELEMENTS.has(child.local)) continue;
        if (child.local === 'style') {
          const css = child.children.map((c) => (c.kind === 'element' ? '' : c.value)).join('');
          if (isSafeCss(css)) inner += `<style>${escapeText(css)}</style>`;
          continue;
        }
        const attrs = attributesMarkup(child, usesXlink);
        if (attrs === undefined) continue;
        const body = render(child);
        inner +=
          body === '' ? `<${child.local}${attrs}/>` : `<${child.local}${attrs}>${body}</${child.local}>`;
      } else if (TEXT_ELEMENTS.has(el.local)) {
        inner += escapeText(child.value);
      }
    }
    return inner;
  };

  const body = render(root);
  const rootAttrs = attributesMarkup(root, usesXlink) ?? '';
  let decls = ` xmlns="${SVG_NS}"`;
  if (usesXlink.value) decls += ` xmlns:xlink="${XLINK_NS}"`;
  if (credential) decls += ` xmlns:openbadges="${credentialNs === OB3_SVG_NS ? OB3_SVG_NS : OB2_SVG_NS}"`;
  const out = `<svg${decls}${rootAttrs}>${credential}${body}</svg>`;
  // Bounds are checked on exactly what is kept (the input's size was checked on the way in).
  checkSvgBounds(parseXml(out, { ...opts, maxBytes: Number.POSITIVE_INFINITY }).root, opts);
  return out;
}
