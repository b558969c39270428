export {
  INTEL_SGX_ROOT_CA_PEM,
  INTEL_SGX_ROOT_CA_SHA256,
  genuineIntelRoot,
  intelTrustRoots,
} from "./roots.ts";
export type { IntelTrustRoot } from "./roots.ts";
export {
  IntelPcsClient,
  INTEL_PCS_BASE_URL,
  INTEL_ROOT_CA_CRL_URL,
  globalPcsFetch,
  pccsUrls,
  pcsUrls,
} from "./pcs.ts";
export type { IntelPcsClientOptions, PcsFetch, PcsHttpResponse, PckCa, PcsTee } from "./pcs.ts";
export { verifyDcapQuoteWithPcs } from "./verify-with-pcs.ts";
