/** @cocoon/simulator — simulated vendor roots and TEE devices producing real-format evidence. */
export {
  Simulator,
  simulatedTrustAnchors,
  type SimulatorOptions,
  type SimulatedSnpOptions,
} from "./simulator.ts";
export { defaultStateDir, StateDir } from "./state.ts";
export { SimulatorInputError, SimulatorStateError, TsmReportError } from "./errors.ts";
export { AmdHierarchy, amdName } from "./amd/hierarchy.ts";
export {
  SNP_PRODUCTS,
  DEFAULT_TCB,
  parseProduct,
  encodeSnpTcb,
  decodeSnpTcb,
  type SnpProduct,
  type SnpTcb,
} from "./amd/products.ts";
export { VCEK_OID, VCEK_PRODUCT_NAME } from "./amd/vcek-extensions.ts";
export {
  createSnpReport,
  planSnpReport,
  issueSnpReport,
  type SnpReportPlan,
  type SnpReportOptions,
  type SimulatedSnpReport,
  type SnpReportVersion,
} from "./snp/report.ts";
export { decodeSnpFields, encodeSnpFields, type SnpFieldValues } from "./snp/codec.ts";
export { SNP_FIELDS, SNP_POLICY, SNP_REPORT_SIZE, SNP_SIGNED_LENGTH } from "./snp/layout.ts";
export { CERT_TABLE_GUID, decodeCertTable, encodeCertTable, type CertTableEntry } from "./snp/cert-table.ts";
export { IntelHierarchy, intelName } from "./intel/hierarchy.ts";
export { SGX_EXTENSION_OID } from "./intel/sgx-extensions.ts";
export {
  createTdxQuote,
  planTdxQuote,
  issueTdxQuote,
  type TdxQuotePlan,
  type TdxQuoteOptions,
  type SimulatedTdxQuote,
} from "./tdx/quote.ts";
export { collateralToQvlJson, type SimulatedDcapCollateral } from "./tdx/collateral.ts";
export { TD_REPORT10_FIELDS, ENCLAVE_REPORT_FIELDS, TD_ATTRIBUTE } from "./tdx/layout.ts";
export { SimulatedTsm, type TsmBackend, type TsmProviderName } from "./tsm/simulated.ts";
export {
  readTsmReport,
  requestTsmReport,
  TSM_REPORT_ROOT,
  TSM_INBLOB_MAX,
  type TsmReport,
  type TsmReportRequest,
} from "./tsm/reader.ts";
export { nodeTsmIo, type TsmIo } from "./tsm/io.ts";
export { snpTsmBackend, tdxTsmBackend } from "./tsm/backends.ts";
