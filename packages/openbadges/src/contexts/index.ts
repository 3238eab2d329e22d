export {
  BITSTRING_STATUS_LIST_CONTEXT,
  bundledContexts,
  DATA_INTEGRITY_V2_CONTEXT,
  DID_V1_CONTEXT,
  MULTIKEY_V1_CONTEXT,
  OB2_CONTEXT,
  OB3_CONTEXT,
  OB3_CONTEXTS,
  OB3_EXTENSIONS_CONTEXT,
  VC_V1_CONTEXT,
  VC_V2_CONTEXT,
} from './bundled.ts';
export {
  createDocumentLoader,
  type DocumentLoader,
  type DocumentLoaderOptions,
  defaultDocumentLoader,
  type RemoteDocument,
} from './document-loader.ts';
