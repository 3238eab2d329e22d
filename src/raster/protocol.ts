// The messages between the raster pool and its child processes.

/** One SVG to draw: the result's longer side is `size` px, its aspect ratio the image's own. */
export interface RasterJob {
  id: number;
  svg: string;
  size: number;
}

export type RasterReply = { id: number; png: Uint8Array } | { id: number; error: string } | { ready: true };
