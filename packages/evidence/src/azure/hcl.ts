/**
 * The Azure CVM paravisor's (HCL) attestation report, read from vTPM NV index 0x01400001. Layout from
 * kinvolk/azure-cvm-tooling az-cvm-vtpm/src/hcl/mod.rs@e4e4407 (research/evidence.md §5.2), all little-endian:
 *
 *   0x000 AttestationHeader: signature u32 ("HCLA"), version, report_size, request_type, status, reserved[3]
 *   0x020 hw_report[1184]: an SNP ATTESTATION_REPORT (1184 bytes) or a TDX TDREPORT (1024 bytes + padding)
 *   0x4C0 IgvmRequestData: data_size, version, report_type (2 SNP, 4 TDX), report_data_hash_type
 *         (1 SHA-256, 2 SHA-384, 3 SHA-512), variable_data_size
 *   0x4D4 variable_data: the runtime-data JSON whose hash the hardware report carries in REPORT_DATA
 */
import { createHash } from "node:crypto";
import { AzureFormatError } from "./errors.ts";

/** "HCLA" read as a little-endian u32 (azure-cvm-tooling: AttestationHeader.signature). */
export const HCL_SIGNATURE = 0x414c4348;
export const HCL_HW_REPORT_OFFSET = 0x20;
/** max(SNP report 1184, TDREPORT 1024) — the hw_report field is always this long. */
export const HCL_HW_REPORT_SIZE = 1184;
export const HCL_IGVM_OFFSET = 0x4c0;
export const HCL_VAR_DATA_OFFSET = 0x4d4;
export const HCL_REPORT_TYPE_SNP = 2;
export const HCL_REPORT_TYPE_TDX = 4;
/** IgvmHashType: 1 = SHA-256 is the only one peers implement (azure-cvm-tooling var_data_sha256). */
export const HCL_HASH_SHA256 = 1;
export const HCL_TD_REPORT_SIZE = 1024;
export const HCL_SNP_REPORT_SIZE = 1184;

export interface HclReport {
  raw: Uint8Array;
  signature: number;
  version: number;
  reportSize: number;
  requestType: number;
  status: number;
  /** The hardware report, cut to its real size for the report type (1184 SNP, 1024 TDX). */
  hwReport: Uint8Array;
  igvm: {
    dataSize: number;
    version: number;
    reportType: number;
    reportDataHashType: number;
    variableDataSize: number;
  };
  varData: Uint8Array;
}

/**
 * Decodes an HCL report. Throws AzureFormatError when it is too short or its variable data runs past the end;
 * field values (signature, report type, hash type) are returned as found for the verifier to judge.
 */
export function parseHclReport(bytes: Uint8Array): HclReport {
  if (bytes.length < HCL_VAR_DATA_OFFSET) {
    throw new AzureFormatError(
      `HCL report is ${bytes.length} bytes, shorter than its ${HCL_VAR_DATA_OFFSET}-byte header`,
    );
  }
  const raw = new Uint8Array(bytes);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const u32 = (off: number): number => view.getUint32(off, true);
  const igvm = {
    dataSize: u32(HCL_IGVM_OFFSET),
    version: u32(HCL_IGVM_OFFSET + 4),
    reportType: u32(HCL_IGVM_OFFSET + 8),
    reportDataHashType: u32(HCL_IGVM_OFFSET + 12),
    variableDataSize: u32(HCL_IGVM_OFFSET + 16),
  };
  if (igvm.variableDataSize > raw.length - HCL_VAR_DATA_OFFSET) {
    throw new AzureFormatError(
      `HCL variable_data_size ${igvm.variableDataSize} runs past the end of the ${raw.length}-byte report`,
      { variableDataSize: igvm.variableDataSize },
    );
  }
  const hwSize = igvm.reportType === HCL_REPORT_TYPE_TDX ? HCL_TD_REPORT_SIZE : HCL_SNP_REPORT_SIZE;
  return {
    raw,
    signature: u32(0),
    version: u32(4),
    reportSize: u32(8),
    requestType: u32(12),
    status: u32(16),
    hwReport: raw.slice(HCL_HW_REPORT_OFFSET, HCL_HW_REPORT_OFFSET + hwSize),
    igvm,
    varData: raw.slice(HCL_VAR_DATA_OFFSET, HCL_VAR_DATA_OFFSET + igvm.variableDataSize),
  };
}

export function varDataSha256(report: HclReport): Uint8Array {
  return new Uint8Array(createHash("sha256").update(report.varData).digest());
}
