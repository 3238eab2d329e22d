import { readFileSync } from 'node:fs';

// Official specification files, vendored verbatim in test/vectors (see its README). The platform's
// tests read them through this module too, so the repository holds one copy.
export const SPEC_DIR = new URL('../vectors/', import.meta.url);

export function specText(path: string): string {
  return readFileSync(new URL(path, SPEC_DIR), 'utf8');
}

export function specJson<T = any>(path: string): T {
  return JSON.parse(specText(path)) as T;
}

export type TestVector = {
  key: {
    publicKeyHex: string;
    secretKeyHex: string;
    publicKeyMultibase: string;
    id: string;
    controller: string;
  };
  unsignedCredential: Record<string, any>;
  proofOptions: {
    type: 'DataIntegrityProof';
    created: string;
    verificationMethod: string;
    cryptosuite: 'eddsa-rdfc-2022';
    proofPurpose: string;
  };
  expected: { documentHashHex: string; proofHashHex: string; signatureHex: string; proofValue: string };
  signedCredential: Record<string, any>;
};

export const vector = (): TestVector => specJson<TestVector>('ob3/test-vector-eddsa-rdfc-2022.json');

/** The full 1EdTech example credential without its (example, unverifiable) proof. */
export function fullExample(): Record<string, any> {
  const { proof: _proof, ...rest } = specJson('ob3/example-full-openbadgecredential.json');
  return rest;
}
