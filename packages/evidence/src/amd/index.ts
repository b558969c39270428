export {
  parseAmdCertificate,
  parseAmdCertificates,
  AmdCertificateError,
  AMD_OID,
  type AmdCertificate,
  type AmdKeyExtensions,
} from "./cert.ts";
export { genuineAmdCas, GENUINE_AMD_FINGERPRINTS, AmdTrustStoreError, type AmdProductCas } from "./roots.ts";
export { amdTrustStore, buildAmdChain, type AmdKeyKind, type ChainOutcome } from "./chain.ts";
export { parseAmdCrl, AmdCrlError, type AmdCrl } from "./crl.ts";
export {
  KdsClient,
  KdsError,
  KDS_BASE_URL,
  vcekUrl,
  vlekUrl,
  certChainUrl,
  crlUrl,
  vcekCachePath,
  readCachedVcek,
  type KdsFetch,
  type KdsResponse,
  type KdsClientOptions,
} from "./kds.ts";
export { clearLinkCache } from "./links.ts";
