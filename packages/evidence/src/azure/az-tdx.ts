/**
 * Azure TDX confidential VM evidence ("az-tdx-vtpm"), verified as Trustee deps/verifier/src/az_tdx_vtpm
 * (@78962cd) does, each step a named check: the HCL report and vTPM quote (vtpm-checks.ts), the TD quote by the
 * DCAP verifier (PCK chain to the pinned Intel root, QE, quote signature, collateral and TCB), and the TD quote's
 * REPORTDATA = SHA-256(var data). Cocoon also checks that the TDREPORT inside the HCL report is the one the TD
 * quote was made from (same REPORTDATA and MRTD), which Trustee does not.
 */
import { CheckLog, type VerifyResult } from "../types.ts";
import { verifyTdx, type DcapVerifyOptions } from "../dcap/verify.ts";
import { parseDcapQuote, type TdReport } from "../dcap/quote.ts";
import { HCL_REPORT_TYPE_TDX, type HclReport } from "./hcl.ts";
import { checkVarDataBinding } from "./vtpm-checks.ts";
import {
  addVtpmClaims,
  appendChecks,
  checkVtpmEvidence,
  withoutVtpmBindings,
  type VtpmBindings,
} from "./vtpm-evidence.ts";
import { jsonOf, parseAzTdxVtpmEvidence, type AzTdxVtpmEvidence } from "./evidence-json.ts";

export type AzTdxVerifyOptions = DcapVerifyOptions & Pick<VtpmBindings, "expectedInitDataHash">;

/**
 * TDREPORT_STRUCT offsets (Intel TDX Module ABI spec, TDG.MR.REPORT): REPORTMACSTRUCT.REPORTDATA at 0x80 (64
 * bytes); TDINFO_STRUCT starts at 512 with ATTRIBUTES(8), XFAM(8), MRTD(48).
 */
const TDREPORT_REPORTDATA = 0x80;
const TDREPORT_MRTD = 512 + 16;

function tdBody(quote: Uint8Array): TdReport | undefined {
  try {
    const q = parseDcapQuote(quote);
    return q.tee === "tdx" ? (q.body as TdReport) : undefined;
  } catch {
    return undefined;
  }
}

function checkTdReportMatchesQuote(hcl: HclReport, body: TdReport | undefined, log: CheckLog): void {
  if (body === undefined) {
    log.fail(
      "azure.tdreport.match",
      "the HCL TDREPORT matching the TD quote",
      "not checked: TD quote unreadable",
    );
    return;
  }
  const rd = hcl.hwReport.subarray(TDREPORT_REPORTDATA, TDREPORT_REPORTDATA + 64);
  const mrtd = hcl.hwReport.subarray(TDREPORT_MRTD, TDREPORT_MRTD + 48);
  const same =
    Buffer.from(rd).equals(Buffer.from(body.reportData)) && Buffer.from(mrtd).equals(Buffer.from(body.mrTd));
  log.expect(
    "azure.tdreport.match",
    same,
    `TDREPORT REPORTDATA/MRTD equal to the TD quote's (${Buffer.from(body.mrTd).toString("hex").slice(0, 16)}…)`,
    `REPORTDATA ${Buffer.from(rd).toString("hex").slice(0, 16)}…, MRTD ${Buffer.from(mrtd).toString("hex").slice(0, 16)}…`,
  );
}

export function verifyAzTdxVtpmEvidence(
  evidence: AzTdxVtpmEvidence,
  options: AzTdxVerifyOptions = {},
): VerifyResult {
  const log = new CheckLog();
  const vtpm = checkVtpmEvidence(evidence, HCL_REPORT_TYPE_TDX, options, log);
  // The TD quote's REPORTDATA is the var-data hash, not the nonce: checked here, not passed to the DCAP verifier.
  const tdx = verifyTdx(evidence.tdQuote, withoutVtpmBindings(options));
  appendChecks(log, tdx);
  const body = tdBody(evidence.tdQuote);
  checkVarDataBinding(vtpm.hcl, body?.reportData, log);
  if (vtpm.hcl !== undefined) checkTdReportMatchesQuote(vtpm.hcl, body, log);

  const claims = addVtpmClaims({ ...tdx.claims }, evidence, vtpm);
  const result: VerifyResult = {
    tee: "az-tdx-vtpm",
    valid: log.failures.length === 0,
    claims,
    tcbStatus: tdx.tcbStatus ?? "Unknown",
    checks: log.checks,
    failures: log.failures,
  };
  if (tdx.advisoryIds !== undefined) result.advisoryIds = tdx.advisoryIds;
  if (tdx.simulated !== undefined) result.simulated = tdx.simulated;
  return result;
}

/** Parses Trustee's az-tdx-vtpm JSON (text or bytes) and verifies it. Throws AzureFormatError when unreadable. */
export function verifyAzTdxVtpm(
  evidence: string | Uint8Array | unknown,
  options: AzTdxVerifyOptions = {},
): VerifyResult {
  return verifyAzTdxVtpmEvidence(parseAzTdxVtpmEvidence(jsonOf(evidence)), options);
}
