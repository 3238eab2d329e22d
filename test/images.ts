import { pngImage } from '../packages/openbadges/test/bake/forge.ts';

/** A 2x2 RGB PNG built by hand (signature, IHDR, IDAT, IEND): an image with nothing baked in. */
export function tinyPng(): Uint8Array {
  return new Uint8Array(
    pngImage(2, 2, 2, Buffer.from([0, 200, 30, 30, 30, 200, 30, 0, 30, 200, 30, 30, 30, 200])),
  );
}
