/**
 * The built-in badge designer: a few parameters become an SVG drawn entirely by this module
 * (shapes, icons, text), so the result is predictable and needs no sanitizing. Text uses the
 * Roboto font shipped in ./assets, and the PNG renderer loads only that font.
 */

export const SHAPES = ['circle', 'shield', 'hexagon', 'ribbon', 'square'] as const;
export const ICONS = [
  'none',
  'star',
  'book',
  'check',
  'trophy',
  'lightbulb',
  'code',
  'heart',
  'globe',
] as const;
export type Shape = (typeof SHAPES)[number];
export type Icon = (typeof ICONS)[number];

export interface Design {
  shape: Shape;
  primary: string;
  secondary: string;
  title: string;
  subtitle: string;
  icon: Icon;
}

export const DEFAULT_DESIGN: Design = {
  shape: 'circle',
  primary: '#1f5c4a',
  secondary: '#f4d35e',
  title: 'Badge',
  subtitle: '',
  icon: 'star',
};

export const FONT_FAMILY = 'Roboto';
// The renderer only knows Roboto; browsers showing the live preview fall back to a similar face.
const FONT_STACK = `${FONT_FAMILY}, Arial, Helvetica, sans-serif`;
const TITLE_MAX = 48;
const SUBTITLE_MAX = 40;
const COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * Reads designer parameters from any untrusted source (query string, form, JSON): unknown
 * values fall back to defaults, text is trimmed to length and stripped of control characters.
 */
export function parseDesign(input: Record<string, unknown>, fallbackTitle = DEFAULT_DESIGN.title): Design {
  const str = (v: unknown) =>
    typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
  const text = (v: unknown, max: number) =>
    str(v)
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, max);
  const pick = <T extends string>(v: unknown, allowed: readonly T[], dflt: T): T =>
    (allowed as readonly string[]).includes(str(v)) ? (str(v) as T) : dflt;
  const color = (v: unknown, dflt: string) => (COLOR.test(str(v)) ? str(v).toLowerCase() : dflt);
  return {
    shape: pick(input.shape, SHAPES, DEFAULT_DESIGN.shape),
    primary: color(input.primary, DEFAULT_DESIGN.primary),
    secondary: color(input.secondary, DEFAULT_DESIGN.secondary),
    title: text(input.title, TITLE_MAX) || text(fallbackTitle, TITLE_MAX) || DEFAULT_DESIGN.title,
    subtitle: text(input.subtitle, SUBTITLE_MAX),
    icon: pick(input.icon, ICONS, DEFAULT_DESIGN.icon),
  };
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Outlines in a 600×600 box, centred on (300, 300).
const SHAPE_PATHS: Record<Shape, string> = {
  circle: 'M300 20a280 280 0 1 0 0.01 0Z',
  square: 'M80 20h440a60 60 0 0 1 60 60v440a60 60 0 0 1-60 60H80a60 60 0 0 1-60-60V80a60 60 0 0 1 60-60Z',
  shield: 'M300 18 560 88v212c0 150-112 240-260 282C152 540 40 450 40 300V88Z',
  hexagon: 'M300 15 547 157.5v285L300 585 53 442.5v-285Z',
  ribbon: rosettePath(),
};

/** A scalloped disc (24 lobes) for the rosette; its tails are drawn separately behind it. */
function rosettePath(): string {
  const lobes = 24;
  const parts: string[] = [];
  for (let i = 0; i <= lobes * 2; i++) {
    const r = i % 2 === 0 ? 255 : 232;
    const a = (Math.PI * i) / lobes - Math.PI / 2;
    const x = (300 + r * Math.cos(a)).toFixed(1);
    const y = (270 + r * Math.sin(a)).toFixed(1);
    parts.push(`${i === 0 ? 'M' : 'L'}${x} ${y}`);
  }
  return `${parts.join('')}Z`;
}

// Icons on a 24×24 grid, drawn as strokes.
const ICON_PATHS: Record<Exclude<Icon, 'none'>, string> = {
  star: 'M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4L2.8 9.5l6.4-.8Z',
  book: 'M3 5.5C6 4 9 4 12 6c3-2 6-2 9-.5V19c-3-1.5-6-1.5-9 .5-3-2-6-2-9-.5Z M12 6v13.5',
  check: 'M4 12.5 9.5 18 20 6.5',
  trophy: 'M7 4h10v5a5 5 0 0 1-10 0Z M7 6H4v1a3 3 0 0 0 3 3 M17 6h3v1a3 3 0 0 1-3 3 M12 14v4 M8 20h8',
  lightbulb: 'M9 18h6 M10 21h4 M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3Z',
  code: 'M8 7 3 12l5 5 M16 7l5 5-5 5 M14 4l-4 16',
  heart:
    'M12 20s-7.5-4.6-9-9.2C2 7.5 4.2 4.5 7.3 4.5c2 0 3.4 1.1 4.7 2.8 1.3-1.7 2.7-2.8 4.7-2.8 3.1 0 5.3 3 4.3 6.3C19.5 15.4 12 20 12 20Z',
  globe:
    'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18Z M3 12h18 M12 3c2.5 2.5 3.8 5.5 3.8 9s-1.3 6.5-3.8 9 M12 3c-2.5 2.5-3.8 5.5-3.8 9s1.3 6.5 3.8 9',
};

// Average advance width of Roboto Bold glyphs in em; a little generous so text never overflows.
const EM_PER_CHAR = 0.6;

/** Splits the title into at most two lines of similar length, at a space when there is one. */
export function splitTitle(title: string): string[] {
  if (title.length <= 14 || !title.includes(' ')) return [title];
  const words = title.split(' ');
  let best: string[] = [title];
  let bestScore = Number.POSITIVE_INFINITY;
  for (let i = 1; i < words.length; i++) {
    const a = words.slice(0, i).join(' ');
    const b = words.slice(i).join(' ');
    const score = Math.max(a.length, b.length);
    if (score < bestScore) {
      bestScore = score;
      best = [a, b];
    }
  }
  return best;
}

/** The largest font size (px) at which the longest line fits `width`, capped at `max`. */
export function fitFontSize(lines: string[], width: number, max: number, min = 18): number {
  const longest = Math.max(1, ...lines.map((l) => [...l].length));
  return Math.max(min, Math.min(max, Math.floor(width / (longest * EM_PER_CHAR))));
}

export function renderDesignSvg(design: Design): string {
  const { primary, secondary } = design;
  const outline = SHAPE_PATHS[design.shape];
  const centreY = design.shape === 'ribbon' ? 270 : 300;
  const textWidth =
    design.shape === 'ribbon' ? 360 : design.shape === 'shield' || design.shape === 'hexagon' ? 380 : 420;
  const hasIcon = design.icon !== 'none';
  const lines = splitTitle(design.title);
  const size = fitFontSize(lines, textWidth, lines.length === 1 ? 72 : 60);
  const subSize = design.subtitle ? fitFontSize([design.subtitle], textWidth - 40, 34, 14) : 0;
  const block = lines.length * size * 1.1 + (design.subtitle ? subSize * 1.6 : 0);
  let y = centreY + (hasIcon ? 55 : 0) - block / 2 + size * 0.85;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600" role="img" aria-label="${xml(design.title)}">`,
  );
  parts.push(`<title>${xml(design.title)}</title>`);
  if (design.shape === 'ribbon') {
    parts.push(
      `<path d="M200 420 150 585 215 555 250 600 290 470Z" fill="${secondary}"/>`,
      `<path d="M400 420 450 585 385 555 350 600 310 470Z" fill="${secondary}"/>`,
    );
  }
  parts.push(`<path d="${outline}" fill="${primary}"/>`);
  parts.push(
    `<path d="${outline}" fill="none" stroke="${secondary}" stroke-width="14" transform="translate(300 ${centreY}) scale(0.88) translate(-300 -${centreY})"/>`,
  );
  if (hasIcon) {
    const iconSize = 110;
    const top = centreY - block / 2 - iconSize * 0.55 - 10;
    parts.push(
      `<g transform="translate(${300 - iconSize / 2} ${top.toFixed(1)}) scale(${iconSize / 24})" fill="none" stroke="${secondary}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="${ICON_PATHS[design.icon as Exclude<Icon, 'none'>]}"/></g>`,
    );
  }
  for (const line of lines) {
    parts.push(
      `<text x="300" y="${y.toFixed(1)}" text-anchor="middle" font-family="${FONT_STACK}" font-weight="700" font-size="${size}" fill="${secondary}">${xml(line)}</text>`,
    );
    y += size * 1.1;
  }
  if (design.subtitle) {
    y += subSize * 0.5;
    parts.push(
      `<text x="300" y="${y.toFixed(1)}" text-anchor="middle" font-family="${FONT_STACK}" font-weight="400" font-size="${subSize}" fill="${secondary}">${xml(design.subtitle)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
