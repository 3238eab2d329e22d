import { OpenBadgesError } from '../errors.ts';
import { rasterSize } from './raster-size.ts';
import {
  DEFAULT_SVG_MAX_ASPECT_RATIO,
  DEFAULT_SVG_MAX_DEPTH,
  DEFAULT_SVG_MAX_DIMENSION,
  DEFAULT_SVG_MAX_FILTER_PASSES,
  DEFAULT_SVG_MAX_IMAGE_PIXELS,
  DEFAULT_SVG_MAX_RENDERED_ELEMENTS,
  type SvgLimits,
  XLINK_NS,
  type XmlElement,
} from './svg-tree.ts';

/**
 * What an SVG would cost a rasterizer, bounded before anyone draws it. A few bytes can ask for
 * a canvas of billions of pixels (resvg panics and aborts the process), a pattern tile of
 * gigabytes, a decoded 20000×20000 image, a use graph that multiplies itself, or a filter whose
 * running time grows with a number in the file. Sizes are measured in the root's user units,
 * through every transform and nested viewBox on the way (as far as a static reading can tell),
 * and refused when they exceed a few times the image itself: nothing that large can be seen.
 */

/** An element's size (a pattern tile, a mask, a stroke) may be this many times the image's size. */
const SIZE_FACTOR = 4;
/**
 * resvg's feMorphology visits (2r+1)² pixels for every pixel: radius 100000 ran for minutes.
 * 1% of the image keeps a 600-px drawing at a few pixels of radius, plenty for outlines.
 */
const MORPHOLOGY_FRACTION = 0.01;
/**
 * feTurbulence costs one noise pass per octave (numOctaves="1000000000" ran for minutes), and
 * each octave adds half the amplitude of the one before: past 10 the change is below one step
 * of 8-bit colour, so the sanitizer cuts numOctaves to this.
 */
export const TURBULENCE_OCTAVES = 10;

const SIZE_ATTRIBUTES = [
  'width',
  'height',
  'r',
  'rx',
  'ry',
  'fr',
  'stroke-width',
  'markerWidth',
  'markerHeight',
  'font-size',
  'stdDeviation',
];
const POSITION_ATTRIBUTES = [
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'fx',
  'fy',
  'dx',
  'dy',
  'refX',
  'refY',
];
const REFERENCING = [
  'fill',
  'stroke',
  'mask',
  'clip-path',
  'filter',
  'marker',
  'marker-start',
  'marker-mid',
  'marker-end',
];
/** Elements whose x/y/width/height are fractions of the referencing element's box unless *Units says otherwise. */
const REGION_UNITS: Record<string, string> = {
  pattern: 'patternUnits',
  mask: 'maskUnits',
  filter: 'filterUnits',
};
/** Elements whose content is in fractions of the box when *ContentUnits="objectBoundingBox". */
const CONTENT_UNITS: Record<string, string> = {
  pattern: 'patternContentUnits',
  mask: 'maskContentUnits',
  clipPath: 'clipPathUnits',
  filter: 'primitiveUnits',
};

const UNIT_PX: Record<string, number> = {
  '': 1,
  px: 1,
  pt: 4 / 3,
  pc: 16,
  mm: 96 / 25.4,
  cm: 96 / 2.54,
  in: 96,
  em: 16,
  ex: 8,
};
// Each part can match one way only (digits as `\d+(\.\d*)?`, the value trimmed first), so
// no input can make these backtrack.
const NUMBER = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?';
const LENGTH = new RegExp(`^(${NUMBER})(px|pt|pc|mm|cm|in|em|ex|%)?$`, 'i');
const NUMBERS = new RegExp(NUMBER, 'gi');
const URL_REFERENCE = /url\(\s*['"]?#([^'")\s]+)/g;

const tooLarge = (message: string) => new OpenBadgesError('INPUT_TOO_LARGE', message);
const fmt = (n: number) => String(Number(n.toPrecision(6)));

/** A length in user units (`%` of `extent`); undefined when it is not a length, as renderers ignore those. */
function length(value: string | undefined, extent: number): number | undefined {
  if (value === undefined) return undefined;
  const m = LENGTH.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n))
    throw new OpenBadgesError('SVG_INVALID', `The SVG has a number out of range: “${value.trim()}”.`);
  const unit = (m[2] ?? '').toLowerCase();
  return unit === '%' ? (n / 100) * extent : n * UNIT_PX[unit];
}

/** Numbers of a list attribute (viewBox, stdDeviation, radius, transform arguments). */
function numbers(value: string): number[] {
  const out: number[] = [];
  for (const m of value.matchAll(NUMBERS)) {
    const n = Number(m[0]);
    if (!Number.isFinite(n))
      throw new OpenBadgesError('SVG_INVALID', `The SVG has a number out of range: “${m[0]}”.`);
    out.push(n);
  }
  return out;
}

function viewBox(value: string | undefined): { width: number; height: number } | undefined {
  if (value === undefined) return undefined;
  const n = numbers(value);
  if (n.length !== 4) return undefined;
  if (n[2] < 0 || n[3] < 0) {
    throw new OpenBadgesError(
      'SVG_INVALID',
      `The SVG has a viewBox with a negative size: “${value.trim()}”.`,
    );
  }
  return { width: n[2], height: n[3] };
}

type Matrix = [number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
];

/**
 * How much a transform list can enlarge a length: the largest singular value of its linear part
 * (translations enlarge nothing). A list that does not parse counts as none, as renderers drop it.
 */
export function transformScale(value: string | undefined): number {
  if (value === undefined) return 1;
  let m: Matrix = [1, 0, 0, 1];
  // Split at parentheses rather than matched with a pattern: linear on any input.
  for (const call of value.split(')')) {
    const open = call.indexOf('(');
    if (open < 0) continue;
    const name = call.slice(0, open).replace(/[\s,]/g, '');
    const a = numbers(call.slice(open + 1));
    const rad = ((a[0] ?? 0) * Math.PI) / 180;
    const fn: Record<string, Matrix | undefined> = {
      matrix: a.length === 6 ? [a[0], a[1], a[2], a[3]] : undefined,
      scale: [a[0] ?? 1, 0, 0, a[1] ?? a[0] ?? 1],
      rotate: [Math.cos(rad), Math.sin(rad), -Math.sin(rad), Math.cos(rad)],
      skewX: [1, 0, Math.tan(rad), 1],
      skewY: [1, Math.tan(rad), 0, 1],
      translate: [1, 0, 0, 1],
    };
    const step = Object.hasOwn(fn, name) ? fn[name] : undefined;
    if (step) m = multiply(m, step);
  }
  const t = m[0] ** 2 + m[1] ** 2 + m[2] ** 2 + m[3] ** 2;
  const d = m[0] * m[3] - m[1] * m[2];
  const s = Math.sqrt((t + Math.sqrt(Math.max(0, t * t - 4 * d * d))) / 2);
  if (!Number.isFinite(s))
    throw new OpenBadgesError('SVG_INVALID', `The SVG has a transform out of range: “${value.trim()}”.`);
  return s;
}

/** Presentation attributes and `style` declarations of an element (the declarations win, as in CSS). */
function properties(el: XmlElement): Map<string, string> {
  const props = new Map<string, string>();
  let style: string | undefined;
  for (const a of el.attributes) {
    if (a.uri === XLINK_NS && a.local === 'href') props.set('href', a.value);
    else if (a.uri === '' && a.local === 'style') style = a.value;
    else if (a.uri === '') props.set(a.local, a.value);
  }
  for (const decl of style?.split(';') ?? []) {
    const colon = decl.indexOf(':');
    if (colon > 0) props.set(decl.slice(0, colon).trim(), decl.slice(colon + 1).trim());
  }
  return props;
}

interface Walk {
  root: XmlElement;
  extent: number;
  maxDepth: number;
  maxDimension: number;
  maxRendered: number;
  maxImagePixels: number;
  ids: Map<string, XmlElement>;
  /** Elements on the path being followed: meeting one again is a reference cycle. */
  active: Set<XmlElement>;
  drawn: number;
  maxFilterPasses: number;
  filterPasses: number;
  imagePixels: number;
  imageSizes: Map<XmlElement, number>;
}

function describe(el: XmlElement, props: Map<string, string>): string {
  const id = props.get('id');
  return `<${el.local}${id ? ` id="${id.slice(0, 40)}"` : ''}>`;
}

/** Scale from an element's own viewBox to the size it is drawn at (nested svg, symbol, pattern, marker). */
function viewBoxScale(el: XmlElement, props: Map<string, string>, extent: number): number {
  const vb = viewBox(props.get('viewBox'));
  if (!vb || vb.width === 0 || vb.height === 0) return 1;
  const w =
    el.local === 'marker'
      ? (length(props.get('markerWidth'), extent) ?? 3)
      : length(props.get('width'), extent);
  const h =
    el.local === 'marker'
      ? (length(props.get('markerHeight'), extent) ?? 3)
      : length(props.get('height'), extent);
  return Math.max(Math.abs(w ?? extent) / vb.width, Math.abs(h ?? extent) / vb.height);
}

function checkImage(el: XmlElement, props: Map<string, string>, w: Walk): void {
  let pixels = w.imageSizes.get(el);
  if (pixels === undefined) {
    const href = props.get('href')?.trim() ?? '';
    const comma = href.indexOf(',');
    const data = Buffer.from(comma < 0 ? '' : href.slice(comma + 1), 'base64');
    const size = rasterSize(data);
    // PNG and GIF decoders read nothing without the header read here, so such an image draws
    // nothing; a JPEG decoder may skip damage this reader stops at, so that one is refused.
    if (!size && data[0] === 0xff && data[1] === 0xd8) {
      throw new OpenBadgesError('SVG_INVALID', 'An embedded JPEG image is damaged: its size cannot be read.');
    }
    if (size && (size.width > w.maxDimension || size.height > w.maxDimension)) {
      throw tooLarge(
        `An embedded ${size.type.toUpperCase()} image is ${size.width}×${size.height} px; at most ${w.maxDimension} px on each side.`,
      );
    }
    pixels = size ? size.width * size.height : 0;
    w.imageSizes.set(el, pixels);
  }
  w.imagePixels += pixels;
  if (w.imagePixels > w.maxImagePixels) {
    throw tooLarge(`The SVG draws embedded images of more than ${w.maxImagePixels} pixels in all.`);
  }
}

function checkMorphology(props: Map<string, string>, scale: number, w: Walk): void {
  const radius = Math.max(0, ...numbers(props.get('radius') ?? '0').map(Math.abs)) * scale;
  const most = w.extent * MORPHOLOGY_FRACTION;
  if (radius > most) {
    throw tooLarge(
      `The SVG uses feMorphology with a radius of ${fmt(radius)}; at most ${fmt(most)} (1% of the image's size), as the filter's cost grows with the square of its radius.`,
    );
  }
}

/**
 * What applying a filter costs, in passes over its region: one per primitive, one per octave of
 * feTurbulence (the slowest: a pass of noise for each).
 */
function filterPasses(filter: XmlElement): number {
  let passes = 0;
  for (const step of filter.children) {
    if (step.kind !== 'element') continue;
    if (step.local !== 'feTurbulence') passes++;
    else {
      const octaves = Number(step.attributes.find((a) => a.local === 'numOctaves')?.value ?? 1);
      passes += Number.isFinite(octaves) ? Math.min(Math.max(Math.trunc(octaves), 1), TURBULENCE_OCTAVES) : 1;
    }
  }
  return passes;
}

function visit(el: XmlElement, scale: number, depth: number, w: Walk): void {
  const props = properties(el);
  if (depth > w.maxDepth) {
    throw tooLarge(`The SVG nests elements and references deeper than ${w.maxDepth} levels.`);
  }
  if (w.active.has(el)) {
    throw new OpenBadgesError('SVG_INVALID', `The SVG refers to ${describe(el, props)} from inside itself.`);
  }
  if (++w.drawn > w.maxRendered) {
    throw tooLarge(`The SVG draws more than ${w.maxRendered} elements once its references are followed.`);
  }
  w.active.add(el);
  const own =
    scale *
    transformScale(props.get('transform') ?? props.get('patternTransform') ?? props.get('gradientTransform'));
  // Fractions of the referencing element's box: the box is at most about the image's size.
  const regionInBox = el.local in REGION_UNITS && props.get(REGION_UNITS[el.local]) !== 'userSpaceOnUse';
  for (const name of SIZE_ATTRIBUTES) {
    // The root's own width and height are the image's size, checked by checkSvgBounds.
    if (el === w.root && (name === 'width' || name === 'height')) continue;
    // A region in box units is a fraction of the box (120% is 1.2), the box about the image's size.
    const inBox = regionInBox && (name === 'width' || name === 'height');
    const v =
      name === 'stdDeviation'
        ? Math.max(0, ...numbers(props.get(name) ?? '0').map(Math.abs))
        : length(props.get(name), inBox ? 1 : w.extent);
    if (v === undefined) continue;
    const size = Math.abs(v) * (inBox ? w.extent : own);
    const most = SIZE_FACTOR * w.extent;
    if (size > most) {
      throw tooLarge(
        `The SVG's ${describe(el, props)} has ${name} ${fmt(size)} (in the image's units); at most ${fmt(most)}, ${SIZE_FACTOR} times the image's size.`,
      );
    }
  }
  for (const name of POSITION_ATTRIBUTES) length(props.get(name), w.extent);
  if (el.local === 'image') checkImage(el, props, w);
  if (el.local === 'feMorphology') checkMorphology(props, own, w);

  const contentInBox =
    el.local in CONTENT_UNITS && props.get(CONTENT_UNITS[el.local]) === 'objectBoundingBox';
  // The root's viewBox defines the units everything is measured in.
  const boxScale = el === w.root ? 1 : viewBoxScale(el, props, w.extent);
  const inner = own * boxScale * (contentInBox ? w.extent : 1);
  for (const child of el.children) if (child.kind === 'element') visit(child, inner, depth + 1, w);

  const targets: string[] = [];
  const href = props.get('href')?.trim();
  if (href?.startsWith('#')) targets.push(href.slice(1));
  for (const name of REFERENCING) {
    for (const m of props.get(name)?.matchAll(URL_REFERENCE) ?? []) targets.push(m[1]);
  }
  for (const id of targets) {
    const target = w.ids.get(id);
    if (target) visit(target, own, depth + 1, w);
  }
  const filter = props.get('filter')?.matchAll(URL_REFERENCE).next().value?.[1];
  const applied = filter === undefined ? undefined : w.ids.get(filter);
  if (applied?.local === 'filter') {
    w.filterPasses += filterPasses(applied);
    if (w.filterPasses > w.maxFilterPasses) {
      throw tooLarge(
        `The SVG applies filters of more than ${w.maxFilterPasses} steps in all (counting each use, and each feTurbulence octave).`,
      );
    }
  }
  w.active.delete(el);
}

function collectIds(el: XmlElement, ids: Map<string, XmlElement>): void {
  const id = el.attributes.find((a) => a.uri === '' && a.local === 'id')?.value;
  if (id !== undefined && !ids.has(id)) ids.set(id, el);
  for (const child of el.children) if (child.kind === 'element') collectIds(child, ids);
}

/**
 * The size the image is drawn at by default: width and height, or what the viewBox's shape
 * gives for a missing one (a percentage counts as missing, as renderers do; resvg's default is 100).
 */
function intrinsicSize(
  props: Map<string, string>,
  vb: { width: number; height: number } | undefined,
): { width: number; height: number } {
  const given = (name: string) =>
    props.get(name)?.trim().endsWith('%') ? undefined : length(props.get(name), 0);
  const width = given('width');
  const height = given('height');
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: vb ? (width * vb.height) / vb.width : 100 };
  if (height !== undefined) return { width: vb ? (height * vb.width) / vb.height : 100, height };
  return { width: vb?.width ?? 100, height: vb?.height ?? 100 };
}

/** Throws INPUT_TOO_LARGE (or SVG_INVALID) when drawing the SVG rooted at `root` could cost more than `limits` allow. */
export function checkSvgBounds(root: XmlElement, limits: SvgLimits = {}): void {
  const maxDimension = limits.maxDimension ?? DEFAULT_SVG_MAX_DIMENSION;
  const maxAspect = limits.maxAspectRatio ?? DEFAULT_SVG_MAX_ASPECT_RATIO;
  const props = properties(root);
  const vb = viewBox(props.get('viewBox'));
  if (vb && (vb.width === 0 || vb.height === 0)) {
    throw new OpenBadgesError('SVG_INVALID', 'The SVG has a viewBox of zero size, so it shows nothing.');
  }
  const { width, height } = intrinsicSize(props, vb);
  if (!(width > 0 && height > 0)) {
    throw new OpenBadgesError(
      'SVG_INVALID',
      `The SVG is ${fmt(width)}×${fmt(height)} px; it must have a positive size.`,
    );
  }
  if (width > maxDimension || height > maxDimension) {
    throw tooLarge(`The SVG is ${fmt(width)}×${fmt(height)} px; at most ${maxDimension} px on each side.`);
  }
  const shapes: [number, number, string][] = [[width, height, 'image']];
  if (vb) shapes.push([vb.width, vb.height, 'viewBox']);
  for (const [w, h, what] of shapes) {
    if (Math.max(w, h) / Math.min(w, h) > maxAspect) {
      throw tooLarge(
        `The SVG's ${what} is ${fmt(w)}×${fmt(h)}; one side may be at most ${maxAspect} times the other.`,
      );
    }
  }
  const ids = new Map<string, XmlElement>();
  collectIds(root, ids);
  visit(root, 1, 0, {
    root,
    maxDepth: 2 * (limits.maxDepth ?? DEFAULT_SVG_MAX_DEPTH),
    extent: vb ? Math.max(vb.width, vb.height) : Math.max(width, height),
    maxDimension,
    maxRendered: limits.maxRenderedElements ?? DEFAULT_SVG_MAX_RENDERED_ELEMENTS,
    maxImagePixels: limits.maxImagePixels ?? DEFAULT_SVG_MAX_IMAGE_PIXELS,
    ids,
    active: new Set(),
    drawn: 0,
    maxFilterPasses: limits.maxFilterPasses ?? DEFAULT_SVG_MAX_FILTER_PASSES,
    filterPasses: 0,
    imagePixels: 0,
    imageSizes: new Map(),
  });
}
