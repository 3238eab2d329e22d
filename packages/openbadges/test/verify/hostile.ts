// Inputs an attacker sends to a verifier, shared by the limit tests here and the platform's.

/** JSON text of an object nested `depth` levels deep; built as text, since JSON.stringify would overflow. */
export function deepJsonText(depth: number, key = 'a'): string {
  return `${`{"${key}":`.repeat(depth)}{}${'}'.repeat(depth)}`;
}

/** A credential's JSON text with a `depth`-deep object added to its @context. */
export function withDeepContext(credential: object, depth: number): string {
  const text = JSON.stringify(credential);
  return text.replace('"@context":[', `"@context":[${deepJsonText(depth, '@vocab')},`);
}

/** `count` evidence items, about 70 bytes of JSON each. */
export function manyEvidence(count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `https://society.example/evidence/${i}`,
    type: ['Evidence'],
    name: `Evidence ${i}`,
  }));
}
