/**
 * Azure TDX CVM evidence (az-tdx-vtpm): Trustee's v0 and v1 vectors, the raw HCL report + TD quote pair, and the
 * F26 reject cases. No Intel collateral overlapping this quote's dates is in the shared vectors, so the DCAP part
 * reports `tdx.collateral.missing` (never fail-open) while every signature and binding check passes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { parseHclReport, varDataSha256 } from "./hcl.ts";
import { parseAzTdxVtpmEvidence, type AzTdxVtpmEvidence } from "./evidence-json.ts";
import { verifyAzTdxVtpm, verifyAzTdxVtpmEvidence } from "./az-tdx.ts";
import { AzureFormatError } from "./errors.ts";
import { hclReportVector, tpmQuoteVector } from "./testing/vectors.ts";
import { parseTpmsAttest } from "../tpm/attest.ts";
import { collateralFromQvlJson, splitPcsSignedBody } from "../dcap/collateral.ts";

const NOW = new Date("2026-06-01T00:00:00Z");
const CHALLENGE = Buffer.from("challenge");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const tdExpected = JSON.parse(readFileSync(vectorPath("azure", "tdx", "td-quote.expected.json"), "utf8")) as {
  header: {
    version: number;
    att_key_type: number;
    tee_type: number;
    qe_vendor_id: string;
    user_data: string;
  };
  report: Record<string, string>;
  checks: Record<string, boolean>;
};
/** td-quote.expected.json report field → the Trustee-style claim name under quote.body. */
const BODY_CLAIM: Record<string, string> = {
  tee_tcb_svn: "tcb_svn",
  mr_seam: "mr_seam",
  mr_signer_seam: "mrsigner_seam",
  seam_attributes: "seam_attributes",
  td_attributes: "td_attributes",
  xfam: "xfam",
  mr_td: "mr_td",
  mr_config_id: "mr_config_id",
  mr_owner: "mr_owner",
  mr_owner_config: "mr_owner_config",
  rtmr0: "rtmr_0",
  rtmr1: "rtmr_1",
  rtmr2: "rtmr_2",
  rtmr3: "rtmr_3",
  report_data: "report_data",
};
/** Trustee az_tdx_vtpm test: claims.tpm.pcr00 of evidence-v0/v1. */
const PCR00 = "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273";

const SIGNATURE_AND_BINDING_CHECKS = [
  "azure.hcl.format",
  "azure.hcl.signature",
  "azure.hcl.report_type",
  "azure.hcl.hash_type",
  "azure.var_data.format",
  "azure.ak_pub",
  "azure.tpm.signature",
  "azure.tpm.nonce",
  "azure.tpm.pcr_digest",
  "azure.report_data_binding",
  "azure.tdreport.match",
  "tdx.pck.chain",
  "tdx.qe_report.signature",
  "tdx.qe_report.binding",
  "tdx.quote.signature",
];

for (const name of ["evidence-v0", "evidence-v1"]) {
  describe(`azure/tdx/${name}.json`, () => {
    const text = readFileSync(vectorPath("azure", "tdx", `${name}.json`), "utf8");

    test("decodes: HCL (report type 4, TDREPORT), var data bound into the TD quote", () => {
      const ev = parseAzTdxVtpmEvidence(JSON.parse(text));
      assert.equal(ev.version, name === "evidence-v0" ? 0 : 1);
      const hcl = parseHclReport(ev.hclReport);
      assert.equal(hcl.igvm.reportType, 4);
      assert.equal(hcl.hwReport.length, 1024);
      assert.equal(hex(varDataSha256(hcl)), tdExpected.report.report_data.slice(0, 64));
      assert.equal(hex(parseTpmsAttest(ev.tpmQuote.message).extraData), hex(CHALLENGE));
      assert.equal(ev.tdQuote.length, 5006);
    });

    test("every signature and binding check passes; only the absent collateral is reported", () => {
      const result = verifyAzTdxVtpm(text, { expectedReportData: CHALLENGE, now: NOW });
      for (const check of SIGNATURE_AND_BINDING_CHECKS) {
        const found = result.checks.filter((c) => c.check === check);
        assert.ok(found.length > 0 && found.every((c) => c.ok), `${check} passed`);
      }
      assert.deepEqual(
        result.failures.map((f) => f.check),
        ["tdx.collateral.missing"],
      );
      assert.equal(result.valid, false);
      assert.equal(result.tcbStatus, "Unknown");
      assert.equal(result.tee, "az-tdx-vtpm");
      assert.equal(result.claims["report_data"], hex(CHALLENGE));
      assert.equal((result.claims["tpm"] as Record<string, string>)["pcr00"], PCR00);
      // The TD quote inside, field by field against td-quote.expected.json.
      const quote = result.claims["quote"] as {
        header: Record<string, string>;
        body: Record<string, string>;
      };
      for (const [field, claim] of Object.entries(BODY_CLAIM)) {
        assert.equal(quote.body[claim], tdExpected.report[field], field);
      }
      assert.equal(quote.header["vendor_id"], tdExpected.header.qe_vendor_id);
      assert.equal(quote.header["user_data"], tdExpected.header.user_data);
      assert.equal(quote.header["tee_type"], "81000000");
      const passed = (name: string) => result.checks.some((c) => c.check === name && c.ok);
      assert.equal(passed("tdx.pck.chain"), tdExpected.checks["pck_chain_to_intel_root"]);
      assert.equal(passed("tdx.qe_report.signature"), tdExpected.checks["qe_report_signature_by_pck"]);
      assert.equal(
        passed("tdx.qe_report.binding"),
        tdExpected.checks["qe_report_data_binds_sha256_attkey_qeauth"],
      );
      assert.equal(passed("tdx.quote.signature"), tdExpected.checks["quote_signature_by_attestation_key"]);
    });
  });
}

function pair(): AzTdxVtpmEvidence {
  return {
    version: 1,
    hclReport: hclReportVector("tdx"),
    tdQuote: new Uint8Array(readFileSync(vectorPath("azure", "tdx", "td-quote.bin"))),
    tpmQuote: tpmQuoteVector("tdx"),
  };
}

function failed(ev: AzTdxVtpmEvidence, nonce: Uint8Array = CHALLENGE): string[] {
  const result = verifyAzTdxVtpmEvidence(ev, { expectedReportData: nonce, now: NOW });
  return [...new Set(result.failures.map((f) => f.check))]
    .filter((c) => c !== "tdx.collateral.missing")
    .sort();
}

describe("Trustee's az-tdx-vtpm hcl-report.bin + td-quote.bin + tpm-quote-v1.json", () => {
  test("the pair verifies (collateral aside)", () => {
    assert.deepEqual(failed(pair()), []);
  });

  test("F26: var data changed (hcl[0x880] += 1) fails the TD quote REPORTDATA binding", () => {
    const ev = pair();
    ev.hclReport[0x880]! += 1;
    assert.ok(failed(ev).includes("azure.report_data_binding"));
  });

  test("F26: TPM signature, PCR value, nonce, report type are each named", () => {
    const sig = pair();
    sig.tpmQuote.signature[0]! ^= 1;
    assert.deepEqual(failed(sig), ["azure.tpm.signature"]);
    const pcr = pair();
    pcr.tpmQuote.pcrs[0]![0]! ^= 1;
    assert.deepEqual(failed(pcr), ["azure.tpm.pcr_digest"]);
    assert.deepEqual(failed(pair(), Buffer.from("egnellahc")), ["azure.tpm.nonce"]);
    const type = pair();
    type.hclReport[0x4c8] = 2;
    assert.ok(failed(type).includes("azure.hcl.report_type"));
  });

  test("a TDREPORT that is not the TD quote's is rejected (azure.tdreport.match)", () => {
    const ev = pair();
    ev.hclReport[0x20 + 528]! ^= 1; // TDINFO.MRTD
    assert.deepEqual(failed(ev), ["azure.tdreport.match"]);
  });

  test("a tampered TD quote fails the DCAP quote signature", () => {
    const ev = pair();
    ev.tdQuote[48 + 136]! ^= 1; // MRTD in the signed body
    const f = failed(ev);
    assert.ok(f.includes("tdx.quote.signature"), f.join());
    assert.ok(f.includes("azure.tdreport.match"), f.join());
  });
});

test("unreadable az-tdx-vtpm evidence is a typed AzureFormatError", () => {
  for (const bad of [
    "{",
    "{}",
    '{"version":1}',
    '{"tpm_quote":{"signature":[256],"message":[],"pcrs":[]}}',
  ]) {
    assert.throws(() => verifyAzTdxVtpm(bad), AzureFormatError, bad);
  }
});

test("with the mixed collateral of td-quote.expected.json: OutOfDate, its advisories, only freshness fails", () => {
  const expected = JSON.parse(readFileSync(vectorPath("azure", "tdx", "td-quote.expected.json"), "utf8")) as {
    tcb_evaluations: { expected_status_intel_qvl_semantics: string; advisory_ids: string[] }[];
  };
  const evaluation = expected.tcb_evaluations[0]!;
  // tcbInfo from teekit (issued 2025-09-29) + QE identity and CRLs from dcap-qvl (valid to 2025-07-19): no instant
  // satisfies both windows (the expected file says so), so freshness fails whichever time is chosen.
  const qvl = collateralFromQvlJson(
    readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote_collateral.json"), "utf8"),
  );
  const tcbInfo = splitPcsSignedBody(
    readFileSync(vectorPath("tdx", "teekit", "tcbInfo-tdx-00806f050000.json"), "utf8"),
    "tcbInfo",
  );
  const collateral = { ...qvl, tcbInfo: tcbInfo.text, tcbInfoSignature: tcbInfo.signature };
  const result = verifyAzTdxVtpm(readFileSync(vectorPath("azure", "tdx", "evidence-v1.json")), {
    expectedReportData: CHALLENGE,
    now: new Date("2025-07-01T00:00:00Z"),
    collateral,
  });
  assert.equal(result.tcbStatus, evaluation.expected_status_intel_qvl_semantics);
  assert.deepEqual(result.advisoryIds, evaluation.advisory_ids);
  assert.deepEqual(
    result.failures.map((f) => f.check),
    ["tdx.collateral.tcb_info.freshness"],
  );
});
