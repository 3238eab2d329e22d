import { SaxesParser, type SaxesTagNS } from 'saxes';
import { OpenBadgesError } from '../errors.ts';

/**
 * A small, bounded XML tree for SVG files, built with saxes (namespace aware, never loads a
 * DTD). A DOCTYPE with an internal subset is refused outright: that rules out entity expansion
 * bombs and external entities before they could matter. Elements keep their source offsets so the
 * baker can splice the original text instead of re-serializing the whole image.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const OB3_SVG_NS = 'https://purl.imsglobal.org/ob/v3p0';
export const OB2_SVG_NS = 'http://openbadges.org';

export const DEFAULT_SVG_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_SVG_MAX_DEPTH = 256;
export const DEFAULT_SVG_MAX_ELEMENTS = 100_000;
export const DEFAULT_SVG_MAX_DIMENSION = 4096;
export const DEFAULT_SVG_MAX_ASPECT_RATIO = 32;
export const DEFAULT_SVG_MAX_RENDERED_ELEMENTS = 10_000;
export const DEFAULT_SVG_MAX_FILTER_PASSES = 16;
export const DEFAULT_SVG_MAX_IMAGE_PIXELS = 2 * 4096 * 4096;

export interface SvgLimits {
  /** Largest input, in UTF-8 bytes (default 5 MB). */
  maxBytes?: number;
  /** Deepest element nesting (default 256). */
  maxDepth?: number;
  /** Most elements in the document (default 100 000). */
  maxElements?: number;
  /**
   * The rendering limits below are checked by `sanitizeSvg`, on what it keeps.
   * Largest width or height of the image, in px, and of an embedded raster image (default 4096).
   */
  maxDimension?: number;
  /** Longest side over shortest side of the image (default 32). */
  maxAspectRatio?: number;
  /** Most elements drawn once every `use` and `url(#…)` reference is followed (default 10 000). */
  maxRenderedElements?: number;
  /**
   * Most filter steps applied, over every element a filter is applied to, an feTurbulence
   * counting once per octave (default 16): each step is a pass over the filter's region.
   */
  maxFilterPasses?: number;
  /** Most pixels of embedded raster images decoded, counted once per time each is drawn (default 2 × 4096²). */
  maxImagePixels?: number;
}

export interface XmlAttribute {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  value: string;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  prefix: string;
  local: string;
  uri: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  isSelfClosing: boolean;
  /** Source offsets: `<` of the start tag, just after its `>`, just after the end tag. */
  start: number;
  startTagEnd: number;
  end: number;
}

export type XmlNode = XmlElement | { kind: 'text'; value: string } | { kind: 'cdata'; value: string };

export interface XmlDocument {
  text: string;
  root: XmlElement;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as UTF-8 (BOM dropped) and applies the size cap; strings are measured in UTF-8 bytes. */
export function svgText(input: string | Uint8Array, maxBytes = DEFAULT_SVG_MAX_BYTES): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > maxBytes) {
    throw new OpenBadgesError(
      'INPUT_TOO_LARGE',
      `The SVG is ${size} bytes, over the ${maxBytes} byte limit.`,
    );
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch (e) {
      throw new OpenBadgesError('SVG_INVALID', 'The SVG is not valid UTF-8 text.', { cause: e });
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseXml(input: string | Uint8Array, limits: SvgLimits = {}): XmlDocument {
  const text = svgText(input, limits.maxBytes);
  const maxDepth = limits.maxDepth ?? DEFAULT_SVG_MAX_DEPTH;
  const maxElements = limits.maxElements ?? DEFAULT_SVG_MAX_ELEMENTS;
  if (text.trim() === '') throw new OpenBadgesError('SVG_INVALID', 'The SVG is empty.');

  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let tagStart = 0;

  const append = (node: XmlNode) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
  };

  parser.on('doctype', (doctype) => {
    // The stock `<!DOCTYPE svg PUBLIC … "svg11.dtd">` of many editors (and of 1EdTech's own baked
    // samples) is harmless: saxes never loads an external DTD. An internal subset is where entity
    // declarations live (bombs, external entities), so any `[` is refused before it could be used.
    if (doctype.includes('[')) {
      throw new OpenBadgesError(
        'SVG_FORBIDDEN',
        'The SVG declares a DTD internal subset; entity and other DTD declarations are refused.',
      );
    }
  });
  parser.on('opentagstart', () => {
    count++;
    if (count > maxElements) {
      throw new OpenBadgesError('INPUT_TOO_LARGE', `The SVG has more than ${maxElements} elements.`);
    }
    if (stack.length >= maxDepth) {
      throw new OpenBadgesError('INPUT_TOO_LARGE', `The SVG nests elements deeper than ${maxDepth} levels.`);
    }
    // The tag name has just been read and names cannot contain `<`: the start tag begins at the last one.
    tagStart = text.lastIndexOf('<', parser.position);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const element: XmlElement = {
      kind: 'element',
      name: tag.name,
      prefix: tag.prefix,
      local: tag.local,
      uri: tag.uri,
      attributes: Object.values(tag.attributes).map((a) => ({
        name: a.name,
        prefix: a.prefix,
        local: a.local,
        uri: a.uri,
        value: a.value,
      })),
      children: [],
      isSelfClosing: tag.isSelfClosing,
      start: tagStart,
      startTagEnd: parser.position,
      end: parser.position,
    };
    append(element);
    if (!root) root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    const element = stack.pop();
    if (element) element.end = parser.position;
  });
  parser.on('text', (value) => {
    if (stack.length > 0) append({ kind: 'text', value });
  });
  parser.on('cdata', (value) => append({ kind: 'cdata', value }));
  parser.on('error', (err) => {
    throw new OpenBadgesError('SVG_INVALID', `The SVG is not well-formed XML: ${err.message}`, {
      cause: err,
    });
  });

  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof OpenBadgesError) throw e;
    throw new OpenBadgesError('SVG_INVALID', `The SVG could not be parsed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!root) throw new OpenBadgesError('SVG_INVALID', 'The SVG has no root element.');
  return { text, root };
}

/** Throws SVG_INVALID unless the root element is `<svg>` (in the SVG namespace, or none for sloppy files). */
export function requireSvgRoot(doc: XmlDocument): XmlElement {
  const { root } = doc;
  if (root.local !== 'svg' || (root.uri !== SVG_NS && root.uri !== '')) {
    throw new OpenBadgesError(
      'SVG_INVALID',
      `The file is XML but not an SVG image: its root element is <${root.name}>.`,
    );
  }
  return root;
}

export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** CDATA cannot contain `]]>`: split it across two sections so the text reads back unchanged. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

// XML 1.0 Char production: text outside it cannot be written into an SVG at all.
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasNonXmlChars(value: string): boolean {
  return NOT_XML_CHAR.test(value);
}

export function textContent(element: XmlElement): string {
  let out = '';
  for (const child of element.children) {
    if (child.kind === 'text' || child.kind === 'cdata') out += child.value;
    else out += textContent(child);
  }
  return out;
}
