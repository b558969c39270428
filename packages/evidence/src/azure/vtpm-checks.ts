/**
 * The checks Azure SNP and TDX CVM evidence share (Trustee az_snp_vtpm/mod.rs `evaluate` @78962cd, steps 1–5
 * and 8; research/evidence.md §5.3 and §8 items 24, 26–28): the HCL report is well formed, its HCLAkPub signed
 * the TPM quote, the quote's nonce is the verifier's, the PCR values match the quote's digest, the hardware
 * REPORT_DATA carries SHA-256(var data), v2 user-data carries the report data, and PCR8 the init-data hash.
 */
import { createHash, type KeyObject } from "node:crypto";
import { toHex } from "@cocoon/core";
import type { CheckLog, Claims } from "../types.ts";
import { checkTpmQuote } from "../tpm/verify-quote.ts";
import { rawRsassaSha256 } from "../tpm/signature.ts";
import { pcrBank } from "../tpm/pcr.ts";
import { TPM_ALG } from "../tpm/constants.ts";
import type { TpmsAttest } from "../tpm/attest.ts";
import {
  HCL_HASH_SHA256,
  HCL_IGVM_OFFSET,
  HCL_SIGNATURE,
  HCL_VAR_DATA_OFFSET,
  parseHclReport,
  varDataSha256,
  type HclReport,
} from "./hcl.ts";
import { hclAkPub, parseVarData, type HclVarData } from "./var-data.ts";
import type { AzureEvidenceVersion, AzureTpmQuote } from "./evidence-json.ts";

/** PCR 8 holds the init-data measurement (Trustee az_snp_vtpm INITDATA_PCR). */
export const INITDATA_PCR = 8;

export interface VtpmCheckInput {
  version: AzureEvidenceVersion;
  hclReport: Uint8Array;
  tpmQuote: AzureTpmQuote;
  expectedReportType: number;
  expectedReportData?: Uint8Array;
  expectedInitDataHash?: Uint8Array;
}

export interface VtpmCheckOutput {
  hcl?: HclReport;
  varData?: HclVarData;
  attest?: TpmsAttest;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function checkHclAndVtpm(input: VtpmCheckInput, log: CheckLog): VtpmCheckOutput {
  const out: VtpmCheckOutput = {};
  try {
    out.hcl = parseHclReport(input.hclReport);
    log.pass("azure.hcl.format");
  } catch (error) {
    log.fail("azure.hcl.format", "a well-formed HCL report", message(error));
  }
  const hcl = out.hcl;
  let akPub: KeyObject | undefined;
  if (hcl !== undefined) {
    log.expect(
      "azure.hcl.signature",
      hcl.signature === HCL_SIGNATURE,
      '"HCLA" (0x414c4348)',
      `0x${hcl.signature.toString(16)}`,
    );
    // IgvmRequestData.data_size covers its 20-byte header plus the var data, and the header's report_size covers
    // everything up to the end of that (layout of azure-cvm-tooling hcl/mod.rs; holds on every Azure vector). A
    // report whose sizes disagree is not one the paravisor produced.
    const igvmSize = HCL_VAR_DATA_OFFSET - HCL_IGVM_OFFSET;
    log.expect(
      "azure.hcl.sizes",
      hcl.igvm.dataSize === igvmSize + hcl.igvm.variableDataSize &&
        hcl.reportSize === HCL_IGVM_OFFSET + hcl.igvm.dataSize &&
        hcl.reportSize <= hcl.raw.length,
      `data_size = ${igvmSize} + variable_data_size, report_size = 0x4c0 + data_size ≤ ${hcl.raw.length}`,
      `report_size ${hcl.reportSize}, data_size ${hcl.igvm.dataSize}, variable_data_size ${hcl.igvm.variableDataSize}`,
    );
    log.expect(
      "azure.hcl.report_type",
      hcl.igvm.reportType === input.expectedReportType,
      String(input.expectedReportType),
      String(hcl.igvm.reportType),
    );
    log.expect(
      "azure.hcl.hash_type",
      hcl.igvm.reportDataHashType === HCL_HASH_SHA256,
      "1 (SHA-256)",
      `${hcl.igvm.reportDataHashType} (unsupported)`,
    );
    try {
      out.varData = parseVarData(hcl.varData);
      log.pass("azure.var_data.format");
    } catch (error) {
      log.fail("azure.var_data.format", "runtime-data JSON with a keys array", message(error));
    }
    if (out.varData !== undefined) {
      try {
        akPub = hclAkPub(out.varData);
        log.pass("azure.ak_pub");
      } catch (error) {
        log.fail("azure.ak_pub", "an RSA HCLAkPub JWK in the var data", message(error));
      }
    }
  }

  const pcrs = pcrBank(TPM_ALG.SHA256, input.tpmQuote.pcrs);
  if (akPub !== undefined) {
    const checked = checkTpmQuote(
      { message: input.tpmQuote.message, signature: rawRsassaSha256(input.tpmQuote.signature), pcrs },
      {
        akPublicKey: akPub,
        ...(input.expectedReportData === undefined ? {} : { expectedNonce: input.expectedReportData }),
        prefix: "azure.tpm",
      },
      log,
    );
    if (checked.attest !== undefined) out.attest = checked.attest;
  } else {
    log.fail("azure.tpm.signature", "a TPM quote signed by HCLAkPub", "not checked: no usable HCLAkPub");
  }

  if (input.version >= 2 && out.varData !== undefined) {
    // Trustee verify_user_data: hex-decoded user-data starts with the expected report data.
    const userData = out.varData.userData;
    if (input.expectedReportData === undefined) {
      log.pass("azure.user_data", "no expected report data given: user-data not compared");
    } else if (userData === undefined || !/^(?:[0-9a-fA-F]{2})*$/.test(userData)) {
      log.fail(
        "azure.user_data",
        "a hex user-data in the var data",
        userData === undefined ? "none" : "not hex",
      );
    } else {
      const bytes = Buffer.from(userData, "hex");
      const want = Buffer.from(input.expectedReportData);
      log.expect(
        "azure.user_data",
        bytes.length >= want.length && bytes.subarray(0, want.length).equals(want),
        `user-data starting with ${toHex(want)}`,
        userData.toLowerCase(),
      );
    }
  }

  if (input.expectedInitDataHash !== undefined) {
    // Trustee verify_init_data: PCR8 == SHA-256(32 zero bytes ‖ init-data hash), i.e. one extend from zero.
    const pcr8 = input.tpmQuote.pcrs[INITDATA_PCR];
    const want = createHash("sha256").update(Buffer.alloc(32)).update(input.expectedInitDataHash).digest();
    log.expect(
      "azure.init_data",
      pcr8 !== undefined && want.equals(Buffer.from(pcr8)),
      `PCR8 = ${want.toString("hex")}`,
      pcr8 === undefined ? "no PCR8" : toHex(pcr8),
    );
  }
  return out;
}

/**
 * REPORT_DATA[0:32] of the hardware report (SNP report or TD quote) must be SHA-256(var data), the rest zero
 * (research/evidence.md §8 item 26; Trustee verify_report_data / verify_hcl_var_data compare the first 32 bytes).
 */
export function checkVarDataBinding(
  hcl: HclReport | undefined,
  reportData: Uint8Array | undefined,
  log: CheckLog,
): void {
  if (hcl === undefined || reportData === undefined) {
    log.fail(
      "azure.report_data_binding",
      "hardware REPORT_DATA = SHA-256(var data)",
      "not checked: report unreadable",
    );
    return;
  }
  const digest = varDataSha256(hcl);
  const expected = new Uint8Array(64);
  expected.set(digest);
  log.expect(
    "azure.report_data_binding",
    Buffer.from(reportData).equals(Buffer.from(expected)),
    toHex(expected),
    toHex(reportData),
  );
}

/** Trustee extend_claim: `tpm.pcrNN` (hex), `init_data` = hex PCR8, `report_data` = hex quote nonce. */
export function vtpmClaims(claims: Claims, quote: AzureTpmQuote, attest: TpmsAttest | undefined): Claims {
  const tpm: Record<string, string> = {};
  quote.pcrs.forEach((pcr, i) => {
    tpm[`pcr${String(i).padStart(2, "0")}`] = toHex(pcr);
  });
  claims["tpm"] = tpm;
  const pcr8 = quote.pcrs[INITDATA_PCR];
  if (pcr8 !== undefined) claims["init_data"] = toHex(pcr8);
  if (attest !== undefined) claims["report_data"] = toHex(attest.extraData);
  return claims;
}

/** Cocoon additions (names Trustee does not use): what the paravisor says about the VM. */
export function hclClaims(varData: HclVarData | undefined): Claims {
  if (varData === undefined) return {};
  const out: Claims = {};
  if (varData.vmConfiguration !== undefined) out["vm_configuration"] = varData.vmConfiguration;
  if (varData.userData !== undefined) out["hcl_user_data"] = varData.userData.toLowerCase();
  return out;
}
