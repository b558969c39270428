export { verifySnp, type SnpVerifyOptions } from "./verify.ts";
export {
  parseSnpReport,
  SNP_REPORT_SIZE,
  SNP_SIGNED_LENGTH,
  type SnpReport,
  type SnpGuestPolicy,
  type SnpPlatformInfo,
  type SnpKeyInfo,
  type ParseSnpReportOptions,
} from "./report.ts";
export type { SnpPolicyOptions, SnpCollateral } from "./options.ts";
export { type SnpProduct, SNP_PRODUCTS, productFromCpuid } from "./product.ts";
export { decodeTcb, encodeTcb, type TcbVersion, type TcbLayout, type TcbMinimum } from "./tcb.ts";
export { snpClaims } from "./claims.ts";
export { SnpFormatError } from "./errors.ts";
export { verifySnpEvidenceJson, decodeSnpEvidenceJson, type SnpEvidenceJson } from "./evidence-json.ts";
export {
  decodeSnpCertTable,
  SNP_CERT_TABLE_GUIDS,
  type SnpCertTableEntry,
  type SnpCertTableType,
} from "./cert-table.ts";
