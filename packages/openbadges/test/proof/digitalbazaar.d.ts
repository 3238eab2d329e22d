// Minimal declarations for the Digital Bazaar reference libraries the interop tests and the
// benchmark run against (they ship no types).
declare module '@digitalbazaar/vc' {
  export function issue(args: {
    credential: object;
    suite: unknown;
    documentLoader: unknown;
    now?: unknown;
  }): Promise<any>;
  export function verifyCredential(args: {
    credential: object;
    suite: unknown;
    documentLoader: unknown;
    checkStatus?: unknown;
    now?: Date;
  }): Promise<{ verified: boolean; error?: unknown; results?: unknown[] }>;
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(opts: { signer?: unknown; cryptosuite: unknown; date?: string | Date });
  }
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalbazaar/ed25519-multikey' {
  export function from(key: object): Promise<{ signer(): unknown; verifier(): unknown }>;
}
