// Minimal declarations for the independent signers the suite interop tests run against (they
// ship no types): the Digital Credentials Consortium's Ed25519Signature2020 stack and Digital
// Bazaar's ecdsa-rdfc-2019 cryptosuite.
declare module '@digitalcredentials/vc' {
  export function issue(args: { credential: object; suite: unknown; documentLoader: unknown }): Promise<any>;
}
declare module '@digitalcredentials/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(opts: { key: unknown; date?: string | Date });
  }
}
declare module '@digitalcredentials/ed25519-verification-key-2020' {
  export class Ed25519VerificationKey2020 {
    static generate(opts?: {
      seed?: Uint8Array;
      id?: string;
      controller?: string;
    }): Promise<Ed25519VerificationKey2020>;
    id: string;
    controller: string;
    publicKeyMultibase: string;
  }
}
declare module '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalbazaar/ecdsa-multikey' {
  export function generate(opts: { curve: 'P-256' | 'P-384'; id?: string; controller?: string }): Promise<{
    id: string;
    controller: string;
    publicKeyMultibase: string;
    signer(): unknown;
  }>;
}
