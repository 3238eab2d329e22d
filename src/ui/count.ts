/** "1 row", "2 rows", "0 rows": a number with its noun in the right grammatical number. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
