/**
 * Azure SEV-SNP confidential VM evidence ("az-snp-vtpm"), verified as Trustee deps/verifier/src/az_snp_vtpm
 * (@78962cd) does, with every step a named check (research/evidence.md §8 items 24–28):
 * the HCL report and vTPM quote (vtpm-checks.ts), SNP REPORT_DATA = SHA-256(var data), and the SNP report
 * verified by the SNP verifier (VCEK chain to a pinned AMD root, TCB binding, signature) with VMPL 0 required.
 */
import { toBase64 } from "@cocoon/core";
import { CheckLog, type Claims, type VerifyOptions, type VerifyResult } from "../types.ts";
import { verifySnp, type SnpVerifyOptions } from "../snp/verify.ts";
import { parseSnpReport, type SnpReport } from "../snp/report.ts";
import type { SnpPolicyOptions } from "../snp/options.ts";
import { HCL_REPORT_TYPE_SNP } from "./hcl.ts";
import { checkVarDataBinding } from "./vtpm-checks.ts";
import {
  addVtpmClaims,
  appendChecks,
  checkVtpmEvidence,
  withoutVtpmBindings,
  type VtpmBindings,
} from "./vtpm-evidence.ts";
import { jsonOf, parseAzSnpVtpmEvidence, type AzSnpVtpmEvidence } from "./evidence-json.ts";

/** The paravisor runs at VMPL0 and so must the report it requests (Trustee az_snp_vtpm HCL_VMPL_VALUE = 0). */
const HCL_VMPL_VALUE = 0;

export interface AzureVerifyOptions extends VerifyOptions, VtpmBindings {}

export type AzSnpVerifyOptions = AzureVerifyOptions & Omit<SnpPolicyOptions, "maxVmpl">;

/**
 * Trustee parse_tee_evidence_az: the same names as the plain SNP claims but every value a string
 * (Rust `format!("{}")`) and measurement / report_data / init_data in standard base64; report_data and init_data
 * are then replaced by the vTPM's (vtpmClaims).
 */
export function azSnpClaims(report: SnpReport): Claims {
  const p = report.guestPolicy;
  return {
    policy_abi_major: String(p.abiMajor),
    policy_abi_minor: String(p.abiMinor),
    policy_smt_allowed: String(p.smtAllowed),
    policy_migrate_ma: String(p.migrateMa),
    policy_debug_allowed: String(p.debugAllowed),
    policy_single_socket: String(p.singleSocket),
    reported_tcb_bootloader: String(report.reportedTcb.bootloader),
    reported_tcb_tee: String(report.reportedTcb.tee),
    reported_tcb_snp: String(report.reportedTcb.snp),
    reported_tcb_microcode: String(report.reportedTcb.microcode),
    platform_tsme_enabled: String(report.platform.tsmeEnabled),
    platform_smt_enabled: String(report.platform.smtEnabled),
    measurement: toBase64(report.measurement),
    report_data: toBase64(report.reportData),
    init_data: toBase64(report.hostData),
  };
}

function reportOf(bytes: Uint8Array, snpClaims: Claims): SnpReport | undefined {
  try {
    const product = snpClaims["product"];
    return parseSnpReport(
      bytes,
      product === "Milan" || product === "Genoa" || product === "Turin" ? { product } : {},
    );
  } catch {
    return undefined;
  }
}

export function verifyAzSnpVtpmEvidence(
  evidence: AzSnpVtpmEvidence,
  options: AzSnpVerifyOptions = {},
): VerifyResult {
  const log = new CheckLog();
  const vtpm = checkVtpmEvidence(evidence, HCL_REPORT_TYPE_SNP, options, log);

  let claims: Claims = {};
  let tcbStatus: VerifyResult["tcbStatus"] = "Unknown";
  if (vtpm.hcl !== undefined) {
    // The SNP report's REPORT_DATA is the var-data hash, never the caller's nonce (research/evidence.md §5.6), so
    // the nonce is not passed down; the binding is checked here instead.
    const snpOptions: SnpVerifyOptions = {
      ...withoutVtpmBindings(options),
      certificates: [evidence.vcek, ...(options.certificates ?? [])],
      maxVmpl: HCL_VMPL_VALUE,
    };
    const snp = verifySnp(vtpm.hcl.hwReport, snpOptions);
    appendChecks(log, snp);
    if (snp.tcbStatus !== undefined) tcbStatus = snp.tcbStatus;
    const report = reportOf(vtpm.hcl.hwReport, snp.claims);
    checkVarDataBinding(vtpm.hcl, report?.reportData, log);
    if (report !== undefined) claims = azSnpClaims(report);
  } else {
    log.fail(
      "azure.report_data_binding",
      "SNP REPORT_DATA = SHA-256(var data)",
      "not checked: HCL report unreadable",
    );
  }
  addVtpmClaims(claims, evidence, vtpm);
  return {
    tee: "az-snp-vtpm",
    valid: log.failures.length === 0,
    claims,
    // The SNP verifier's status: it already says "Unknown" when the report's authenticity or TCB binding failed.
    tcbStatus,
    checks: log.checks,
    failures: log.failures,
  };
}

/** Parses Trustee's az-snp-vtpm JSON (text or bytes) and verifies it. Throws AzureFormatError when unreadable. */
export function verifyAzSnpVtpm(
  evidence: string | Uint8Array | unknown,
  options: AzSnpVerifyOptions = {},
): VerifyResult {
  return verifyAzSnpVtpmEvidence(parseAzSnpVtpmEvidence(jsonOf(evidence)), options);
}
