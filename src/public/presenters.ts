// What leaves the public feature besides its pages: the badge's address and file names.
import type { Config } from '../config.ts';

/** The public address of an award's badge page. */
export const badgeUrl = (config: Config, awardId: string) => `${config.baseUrl}/c/${awardId}`;

/** A file name from a badge's name (downloads and the content-disposition of images). */
export const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'badge';
