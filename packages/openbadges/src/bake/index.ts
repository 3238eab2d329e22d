export {
  type BadgeVersion,
  type CredentialForm,
  classifyCredentialText,
  credentialForm,
  isCompactJws,
} from './classify.ts';
export {
  bakeImage,
  type CredentialKind,
  detectImageType,
  type ImageLimits,
  type UnbakedImage,
  unbakeImage,
} from './image.ts';
export {
  bakePng,
  DEFAULT_PNG_MAX_BYTES,
  DEFAULT_PNG_MAX_INFLATED_BYTES,
  iTxtChunk,
  isPng,
  PNG_KEYWORD_OB2,
  PNG_KEYWORD_OB3,
  type PngChunk,
  type PngCredentialKeyword,
  type PngLimits,
  readPngChunks,
  unbakePng,
} from './png.ts';
export {
  bakeSvg,
  credentialElementMarkup,
  findCredentialElements,
  readCredentialElement,
  type SvgBakePayload,
  type UnbakedSvg,
  unbakeSvg,
} from './svg.ts';
export { type RasterSize, rasterSize } from './raster-size.ts';
export { checkSvgBounds } from './svg-bounds.ts';
export { isSafeCss, type SanitizeSvgOptions, sanitizeSvg } from './svg-sanitize.ts';
export {
  DEFAULT_SVG_MAX_ASPECT_RATIO,
  DEFAULT_SVG_MAX_BYTES,
  DEFAULT_SVG_MAX_DEPTH,
  DEFAULT_SVG_MAX_DIMENSION,
  DEFAULT_SVG_MAX_ELEMENTS,
  DEFAULT_SVG_MAX_FILTER_PASSES,
  DEFAULT_SVG_MAX_IMAGE_PIXELS,
  DEFAULT_SVG_MAX_RENDERED_ELEMENTS,
  OB2_SVG_NS,
  OB3_SVG_NS,
  SVG_NS,
  type SvgLimits,
} from './svg-tree.ts';
