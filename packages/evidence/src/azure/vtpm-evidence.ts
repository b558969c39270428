/**
 * The steps Azure SNP and TDX vTPM verification take around their hardware verifier, the same for both (Trustee
 * az_snp_vtpm and az_tdx_vtpm `evaluate` @78962cd): check the HCL report and vTPM quote against the caller's
 * nonce and init-data hash; verify the hardware report WITHOUT them (its REPORT_DATA is the var-data hash, never
 * the nonce: research/evidence.md §5.6); keep the hardware verifier's checks in the one log; add the vTPM and
 * HCL claims last.
 */
import type { CheckLog, Claims, VerifyResult } from "../types.ts";
import { checkHclAndVtpm, hclClaims, vtpmClaims, type VtpmCheckOutput } from "./vtpm-checks.ts";
import type { AzureEvidenceVersion, AzureTpmQuote } from "./evidence-json.ts";

/** What the vTPM checks bind, and so what must not reach the hardware verifier. */
export interface VtpmBindings {
  expectedReportData?: Uint8Array;
  /** The init-data digest PCR8 must carry (Trustee verify_init_data). */
  expectedInitDataHash?: Uint8Array;
}

/** The parts of az-snp-vtpm and az-tdx-vtpm evidence the vTPM checks read. */
export interface VtpmEvidence {
  version: AzureEvidenceVersion;
  hclReport: Uint8Array;
  tpmQuote: AzureTpmQuote;
}

/** checkHclAndVtpm over the evidence, expecting an HCL report of `expectedReportType` (SNP 2, TDX 4). */
export function checkVtpmEvidence(
  evidence: VtpmEvidence,
  expectedReportType: number,
  bindings: VtpmBindings,
  log: CheckLog,
): VtpmCheckOutput {
  return checkHclAndVtpm(
    {
      version: evidence.version,
      hclReport: evidence.hclReport,
      tpmQuote: evidence.tpmQuote,
      expectedReportType,
      ...(bindings.expectedReportData === undefined
        ? {}
        : { expectedReportData: bindings.expectedReportData }),
      ...(bindings.expectedInitDataHash === undefined
        ? {}
        : { expectedInitDataHash: bindings.expectedInitDataHash }),
    },
    log,
  );
}

/** The caller's options for the hardware verifier: the vTPM bindings removed (checked by the vTPM steps). */
export function withoutVtpmBindings<T extends VtpmBindings>(options: T): Omit<T, keyof VtpmBindings> {
  const { expectedReportData: _nonce, expectedInitDataHash: _initData, ...rest } = options;
  return rest;
}

/** The hardware verifier's checks and failures, in order, appended to the Azure log. */
export function appendChecks(log: CheckLog, hardware: Pick<VerifyResult, "checks" | "failures">): void {
  for (const check of hardware.checks) log.checks.push(check);
  for (const failure of hardware.failures) log.failures.push(failure);
}

/** The vTPM claims (Trustee extend_claim), the HCL claims and `evidence_version`, added to `claims`. */
export function addVtpmClaims(claims: Claims, evidence: VtpmEvidence, vtpm: VtpmCheckOutput): Claims {
  vtpmClaims(claims, evidence.tpmQuote, vtpm.attest);
  return Object.assign(claims, hclClaims(vtpm.varData), { evidence_version: evidence.version });
}
