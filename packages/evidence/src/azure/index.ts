export { AzureFormatError } from "./errors.ts";
export {
  parseHclReport,
  varDataSha256,
  HCL_SIGNATURE,
  HCL_REPORT_TYPE_SNP,
  HCL_REPORT_TYPE_TDX,
  HCL_HASH_SHA256,
  type HclReport,
} from "./hcl.ts";
export { parseVarData, hclAkPub, HCL_AK_PUB_KID, HCL_EK_PUB_KID, type HclVarData } from "./var-data.ts";
export {
  parseAzSnpVtpmEvidence,
  parseAzTdxVtpmEvidence,
  type AzSnpVtpmEvidence,
  type AzTdxVtpmEvidence,
  type AzureTpmQuote,
  type AzureEvidenceVersion,
} from "./evidence-json.ts";
export {
  verifyAzSnpVtpm,
  verifyAzSnpVtpmEvidence,
  azSnpClaims,
  type AzureVerifyOptions,
  type AzSnpVerifyOptions,
} from "./az-snp.ts";
export { verifyAzTdxVtpm, verifyAzTdxVtpmEvidence, type AzTdxVerifyOptions } from "./az-tdx.ts";
