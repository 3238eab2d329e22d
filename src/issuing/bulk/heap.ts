// How far the server's JavaScript heap may grow between full collections while it issues in bulk.
import { setFlagsFromString } from 'node:v8';

/*
 * A bulk step allocates about 100 KB per row in the main thread (the award emails, the SQL of
 * each chunk, the signed texts arriving from the signing thread), and much of it lives long
 * enough to reach the old generation. On a machine with memory to spare V8 lets the old
 * generation grow to up to 4x what survived the last full collection: with the ~45 MB a server
 * keeps alive, its heap reached 200 MB during 10,000 rows. Growing by 1.5x at most keeps it near
 * 100 MB; the full collections that this adds are of a small heap and mostly concurrent (no time
 * measured on the issuing bench). Set once for the whole process, by the platform itself, when the
 * process first reads an upload or runs a bulk step; a `--heap-growing-percent` given to node is kept.
 */
export const HEAP_GROWING_PERCENT = 50;

let bounded = false;

export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    /heap[-_]growing[-_]percent/.test(a),
  );
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
