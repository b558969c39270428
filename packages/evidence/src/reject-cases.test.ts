/**
 * Reject cases of research/evidence.md §6 that the per-TEE test files left uncovered (see ../REJECT-CASES.md for
 * the full F1–F27 × TEE map). Each case mutates a genuine vector of shared/vectors (or pairs it with the wrong
 * collateral/time) and asserts the exact failing check ids through the public API.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import {
  collateralFromQvlJson,
  parseDcapQuote,
  verifyAzTdxVtpmEvidence,
  verifyEvidence,
  verifySgx,
  verifySnp,
  verifyTdx,
  type AzTdxVtpmEvidence,
  type DcapExpectedValues,
  type DcapVerifyOptions,
  type EnclaveReport,
  type TdReport,
  type VerifyResult,
} from "./index.ts";

/** The distinct failed check ids, sorted: the assertions below compare these exactly. */
function failed(r: VerifyResult): string[] {
  return [...new Set(r.failures.map((f) => f.check))].sort();
}

function mutated(bytes: Uint8Array, edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  edit(copy, new DataView(copy.buffer));
  return copy;
}

const read = (...parts: string[]): Uint8Array => new Uint8Array(readFileSync(vectorPath(...parts)));

// ---------------------------------------------------------------------------------------------------------------
// SGX: dcap-qvl's genuine SGX v3 quote with its collateral. The collateral is valid 2025-06-19T10:56Z ..
// 2025-07-19T10:01Z (tcbInfo / QE identity / PCK CRL windows, sgx_quote_collateral.json); "now" is pinned inside.
// Absolute offsets for v3: research/evidence.md §4.3 (sig len 432, QE report 564, QE sig 948, auth 1012/1014,
// inner cert data type 1046).
// ---------------------------------------------------------------------------------------------------------------
const SGX = read("sgx", "dcapqvl", "sgx_quote.bin");
const SGX_COL = collateralFromQvlJson(
  readFileSync(vectorPath("sgx", "dcapqvl", "sgx_quote_collateral.json"), "utf8"),
);
const TDX_COL = collateralFromQvlJson(
  readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote_collateral.json"), "utf8"),
);
const SGX_NOW = new Date("2025-07-01T00:00:00Z");

function sgx(quote: Uint8Array, extra: DcapVerifyOptions = {}): VerifyResult {
  return verifySgx(quote, { now: SGX_NOW, collateral: SGX_COL, ...extra });
}

describe("SGX reject cases (sgx/dcapqvl/sgx_quote.bin)", () => {
  test("baseline: the genuine quote has no failure at the pinned time", () => {
    const r = sgx(SGX);
    assert.deepEqual(r.failures, []);
    assert.equal(r.valid, true);
  });

  test("F1: truncated quote and a signature_data_len past the end are sgx.format", () => {
    for (const len of [0, 47, 431, 500, 1100, SGX.length - 1]) {
      const r = sgx(SGX.subarray(0, len));
      assert.deepEqual(failed(r), ["sgx.format"], `length ${len}`);
      assert.equal(r.valid, false);
    }
    const huge = sgx(mutated(SGX, (_b, v) => v.setUint32(432, 0xffffffff, true)));
    assert.deepEqual(failed(huge), ["sgx.format"]);
    assert.match(huge.failures[0]!.actual, /signature_data_len 4294967295 runs past the end/);
    const hugeAuth = sgx(mutated(SGX, (_b, v) => v.setUint16(1012, 0xffff, true)));
    assert.deepEqual(failed(hugeAuth), ["sgx.format"]);
  });

  test("F2: versions outside {3,4,5} and a v4 (TDX-only) header on an SGX quote are sgx.format", () => {
    for (const version of [0, 1, 2, 6]) {
      const r = sgx(mutated(SGX, (_b, v) => v.setUint16(0, version, true)));
      assert.deepEqual(failed(r), ["sgx.format"], `version ${version}`);
      assert.match(r.failures[0]!.actual, /unsupported quote version/);
    }
    assert.deepEqual(failed(sgx(mutated(SGX, (_b, v) => v.setUint16(0, 4, true)))), ["sgx.format"]);
  });

  test("F3: attestation key type ≠ 2 is sgx.header.att_key_type (the header is signed too)", () => {
    const r = sgx(mutated(SGX, (_b, v) => v.setUint16(2, 3, true)));
    assert.deepEqual(failed(r), ["sgx.header.att_key_type", "sgx.quote.signature"]);
  });

  test("F10: a different REPORT_DATA is sgx.report_data only", () => {
    // The genuine enclave's REPORT_DATA is "Hello, world!" zero-padded (dcap-qvl sample).
    assert.deepEqual(failed(sgx(SGX, { expectedReportData: Buffer.from("Hello, world!") })), []);
    assert.deepEqual(failed(sgx(SGX, { expectedReportData: Buffer.from("Hello, world?") })), [
      "sgx.report_data",
    ]);
  });

  test("F16: without the pinned Intel root the PCK chain and both collateral chains fail", () => {
    const r = sgx(SGX, { trust: { genuineRoots: false } });
    for (const check of [
      "sgx.pck.chain",
      "sgx.collateral.tcb_info.chain",
      "sgx.collateral.qe_identity.chain",
      "sgx.collateral.root_crl.signature",
    ]) {
      assert.ok(failed(r).includes(check), check);
    }
    assert.match(r.failures.find((f) => f.check === "sgx.pck.chain")!.actual, /no trusted Intel root/);
    assert.equal(r.valid, false);
  });

  test("F17: at now = 2053 the PCK chain and the TCB-signing chains are expired", () => {
    const r = sgx(SGX, { now: new Date("2053-01-01T00:00:00Z") });
    for (const check of [
      "sgx.pck.chain",
      "sgx.collateral.tcb_info.chain",
      "sgx.collateral.qe_identity.chain",
    ]) {
      assert.ok(failed(r).includes(check), check);
    }
    assert.match(r.failures.find((f) => f.check === "sgx.pck.chain")!.actual, /not valid at 2053/);
  });

  test("F18: a stale PCK CRL and a PCK CRL of another CA (the TDX vector's Platform CA CRL)", () => {
    const stale = sgx(SGX, { now: new Date("2025-07-25T00:00:00Z") });
    assert.ok(failed(stale).includes("sgx.collateral.pck_crl.freshness"));
    const other = sgx(SGX, { collateral: { ...SGX_COL, pckCrl: TDX_COL.pckCrl! } });
    assert.deepEqual(failed(other), ["sgx.collateral.pck_crl.signature"]);
  });

  test("F19: collateral expired, not yet issued, tampered and re-serialised", () => {
    assert.deepEqual(failed(sgx(SGX, { now: new Date("2025-07-25T00:00:00Z") })), [
      "sgx.collateral.pck_crl.freshness",
      "sgx.collateral.qe_identity.freshness",
      "sgx.collateral.tcb_info.freshness",
    ]);
    // Before the tcbInfo's issueDate (2025-06-19T10:56:11Z): issued in the future.
    assert.ok(
      failed(sgx(SGX, { now: new Date("2025-06-01T00:00:00Z") })).includes(
        "sgx.collateral.tcb_info.freshness",
      ),
    );
    const tampered = sgx(SGX, {
      collateral: {
        ...SGX_COL,
        tcbInfo: SGX_COL.tcbInfo!.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18'),
      },
    });
    assert.deepEqual(failed(tampered), ["sgx.collateral.tcb_info.signature"]);
    assert.equal(tampered.tcbStatus, "Unknown");
    const pretty = sgx(SGX, {
      collateral: { ...SGX_COL, qeIdentity: JSON.stringify(JSON.parse(SGX_COL.qeIdentity!), null, 2) },
    });
    assert.ok(failed(pretty).includes("sgx.collateral.qe_identity.signature"));
  });

  test("F20: TDX collateral for an SGX quote fails the tcbInfo and QE identity ids", () => {
    const r = sgx(SGX, { collateral: TDX_COL });
    assert.ok(failed(r).includes("sgx.collateral.tcb_info.id"));
    assert.ok(failed(r).includes("sgx.collateral.qe_identity.id"));
    assert.match(r.failures.find((f) => f.check === "sgx.collateral.qe_identity.id")!.actual, /TD_QE/);
    assert.equal(r.tcbStatus, "Unknown");
  });

  test("F21: QE report signature, attestation-key binding, QE MRSIGNER and QE vendor", () => {
    assert.deepEqual(failed(sgx(mutated(SGX, (b) => (b[948]! ^= 1)))), ["sgx.qe_report.signature"]);
    assert.deepEqual(failed(sgx(mutated(SGX, (b) => (b[1014]! ^= 1)))), ["sgx.qe_report.binding"]);
    // QE report MRSIGNER (report offset 128): the PCK signature breaks and the QE identity no longer matches.
    assert.deepEqual(failed(sgx(mutated(SGX, (b) => (b[564 + 128]! ^= 1)))), [
      "sgx.qe_identity.match",
      "sgx.qe_report.signature",
    ]);
    assert.deepEqual(failed(sgx(mutated(SGX, (b) => (b[12]! ^= 1)))), [
      "sgx.header.qe_vendor_id",
      "sgx.quote.signature",
    ]);
  });

  test("F25: non-zero trailing bytes and an inner certification data type ≠ 5", () => {
    const padded = new Uint8Array(SGX.length + 10);
    padded.set(SGX);
    assert.deepEqual(failed(sgx(padded)), [], "zero padding is accepted");
    padded[padded.length - 1] = 0x41;
    assert.deepEqual(failed(sgx(padded)), ["sgx.trailing_bytes"]);
    const type4 = sgx(mutated(SGX, (_b, v) => v.setUint16(1046, 4, true)));
    assert.ok(failed(type4).includes("sgx.pck.cert_data_type"));
    assert.ok(!failed(type4).includes("sgx.quote.signature"), "the certification data is not signed");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// TDX: dcap-qvl's genuine v4 quote with its collateral (valid 2025-06-19T10:32Z .. 2025-07-19, per reject.test.ts).
// TD report body offsets (research §4.2): TEE_TCB_SVN 48, MR_SEAM 64, MRSIGNER_SEAM 112, SEAM_ATTRIBUTES 160.
// ---------------------------------------------------------------------------------------------------------------
describe("TDX reject cases (tdx/dcapqvl/tdx_quote.bin)", () => {
  const TDX = read("tdx", "dcapqvl", "tdx_quote.bin");
  const NOW = new Date("2025-07-01T00:00:00Z");
  const tdx = (quote: Uint8Array): VerifyResult => verifyTdx(quote, { now: NOW, collateral: TDX_COL });

  test("F22: TDX module identity missing or mismatched is tdx.tdx_module.identity (signature breaks too)", () => {
    assert.deepEqual(failed(tdx(TDX)), []);
    const cases: [string, (b: Uint8Array) => void, RegExp][] = [
      ["MRSIGNER_SEAM", (b) => (b[112]! ^= 1), /MRSIGNER_SEAM differs/],
      ["SEAM_ATTRIBUTES", (b) => (b[160]! |= 1), /SEAM_ATTRIBUTES \(masked\) differ/],
      ["module major SVN 2 (no TDX_02)", (b) => (b[49] = 2), /no TDX module identity TDX_02/],
      ["module minor SVN below every level", (b) => (b[48] = 1), /below every TDX_01 level/],
    ];
    for (const [name, edit, message] of cases) {
      const r = tdx(mutated(TDX, edit));
      assert.deepEqual(failed(r), ["tdx.quote.signature", "tdx.tdx_module.identity"], name);
      assert.match(r.failures.find((f) => f.check === "tdx.tdx_module.identity")!.actual, message, name);
      assert.equal(r.tcbStatus, "Unknown", name);
    }
  });

  test("F11: expected TDX measurements — each mismatch names its register, matches pass", () => {
    const body = parseDcapQuote(TDX).body as TdReport;
    const wrong = new Uint8Array(48).fill(0xaa);
    const exact = {
      mrTd: body.mrTd,
      rtmrs: body.rtmr,
      mrConfigId: body.mrConfigId,
      mrOwner: body.mrOwner,
      mrOwnerConfig: body.mrOwnerConfig,
      xfam: body.xfam,
    };
    assert.deepEqual(failed(verifyTdx(TDX, { now: NOW, collateral: TDX_COL, expected: exact })), []);
    const cases: [string, DcapExpectedValues][] = [
      ["tdx.mr_td", { mrTd: wrong }],
      ["tdx.rtmr2", { rtmrs: [undefined, undefined, wrong] }],
      ["tdx.mr_config_id", { mrConfigId: wrong }],
      ["tdx.mr_owner", { mrOwner: wrong }],
      ["tdx.mr_owner_config", { mrOwnerConfig: wrong }],
      ["tdx.xfam", { xfam: new Uint8Array(8) }],
    ];
    for (const [check, expected] of cases) {
      assert.deepEqual(failed(verifyTdx(TDX, { now: NOW, collateral: TDX_COL, expected })), [check], check);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// SNP: LAUNCH_TCB below the minimum (F12). GCP Milan v5 report, VCEK valid from 2025-12-05.
// ---------------------------------------------------------------------------------------------------------------
describe("SNP reject cases (snp/teekit_gcp_milan_v5/sev-gcp.bin)", () => {
  const report = read("snp", "teekit_gcp_milan_v5", "sev-gcp.bin");
  const vcek = read("snp", "teekit_gcp_milan_v5", "sev-gcp-vcek.pem");
  const NOW = new Date("2026-06-01T00:00:00Z");
  const expected = JSON.parse(
    readFileSync(vectorPath("snp", "teekit_gcp_milan_v5", "sev-gcp.expected.json"), "utf8"),
  ) as { decoded: { reported_tcb: { snp: number }; launch_tcb: { snp: number } } };

  test("F12: a LAUNCH_TCB SNP SVN below the minimum fails snp.tcb.minimum even when REPORTED_TCB meets it", () => {
    const minimum = { snp: expected.decoded.reported_tcb.snp };
    assert.deepEqual(failed(verifySnp(report, { now: NOW, certificates: [vcek], minimumTcb: minimum })), []);
    // Legacy TCB_VERSION layout (research §1.2): byte 6 is the SNP SVN; LAUNCH_TCB is at 0x1F0.
    const lowLaunch = mutated(report, (b) => (b[0x1f0 + 6] = 0));
    const r = verifySnp(lowLaunch, { now: NOW, certificates: [vcek], minimumTcb: minimum });
    assert.deepEqual(failed(r), ["snp.signature", "snp.tcb.minimum"]);
    assert.match(r.failures.find((f) => f.check === "snp.tcb.minimum")!.actual, /LAUNCH .*below in snp/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Azure TDX: Trustee's az-tdx-vtpm pair (hcl-report.bin + td-quote.bin + tpm-quote-v1.json). No Intel collateral
// overlaps this quote, so `tdx.collateral.missing` is always reported and filtered out here (never fail-open).
// ---------------------------------------------------------------------------------------------------------------
describe("Azure TDX reject cases (azure/tdx hcl-report.bin + td-quote.bin)", () => {
  const NOW = new Date("2026-06-01T00:00:00Z");
  const CHALLENGE = Buffer.from("challenge");

  function pair(): AzTdxVtpmEvidence {
    const quote = JSON.parse(readFileSync(vectorPath("azure", "tdx", "tpm-quote-v1.json"), "utf8")) as {
      signature: string;
      message: string;
      pcrs: string[];
    };
    return {
      version: 1,
      hclReport: read("azure", "tdx", "hcl-report.bin"),
      tdQuote: read("azure", "tdx", "td-quote.bin"),
      tpmQuote: {
        signature: Buffer.from(quote.signature, "hex"),
        message: Buffer.from(quote.message, "hex"),
        pcrs: quote.pcrs.map((p) => Buffer.from(p, "hex")),
      },
    };
  }

  function azFailed(ev: AzTdxVtpmEvidence): string[] {
    const r = verifyAzTdxVtpmEvidence(ev, { expectedReportData: CHALLENGE, now: NOW });
    assert.equal(r.valid, false, "collateral is absent, so never valid");
    return failed(r).filter((c) => c !== "tdx.collateral.missing");
  }

  test("baseline: only the absent collateral fails", () => {
    assert.deepEqual(azFailed(pair()), []);
  });

  test("F1: a truncated HCL report is azure.hcl.format", () => {
    for (const len of [0, 0x20, 0x4c0, 0x4d4 + 10]) {
      const ev = pair();
      ev.hclReport = ev.hclReport.subarray(0, len);
      assert.ok(azFailed(ev).includes("azure.hcl.format"), `length ${len}`);
    }
  });

  test("F26: hash type ≠ SHA-256 is azure.hcl.hash_type", () => {
    const ev = pair();
    ev.hclReport[0x4cc] = 2; // IGVM request data: report_data_hash_type (u32 at 0x4C0 + 12)
    assert.deepEqual(azFailed(ev), ["azure.hcl.hash_type"]);
  });

  test("F26: HCLAkPub damaged in the var data: the TPM signature and the REPORTDATA binding fail", () => {
    const ev = pair();
    ev.hclReport[0x540] = 0; // inside the var-data JSON (same offset Trustee's SNP test mutates)
    const f = azFailed(ev);
    assert.ok(f.includes("azure.report_data_binding"), f.join());
    assert.ok(f.includes("azure.var_data.format") || f.includes("azure.ak_pub"), f.join());
    assert.ok(f.includes("azure.tpm.signature"), f.join());
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through the dispatcher: the same reject cases reach callers of verifyEvidence with the same check ids.
// ---------------------------------------------------------------------------------------------------------------
describe("verifyEvidence dispatches reject cases with their check ids", () => {
  test("F1 SGX/TDX truncated quotes and F4 a TDX signed-body bit flip", () => {
    assert.deepEqual(failed(verifyEvidence(SGX.subarray(0, 600), { tee: "sgx", now: SGX_NOW })), [
      "sgx.format",
    ]);
    const tdxQuote = read("tdx", "dcapqvl", "tdx_quote.bin");
    const tdxNow = new Date("2025-07-01T00:00:00Z");
    assert.deepEqual(failed(verifyEvidence(tdxQuote.subarray(0, 700), { tee: "tdx", now: tdxNow })), [
      "tdx.format",
    ]);
    const flipped = mutated(tdxQuote, (b) => (b[48 + 136]! ^= 1)); // MRTD in the signed body
    const r = verifyTdx(flipped, { now: tdxNow, collateral: TDX_COL });
    assert.deepEqual(failed(r), ["tdx.quote.signature"]);
    assert.deepEqual(failed(verifyEvidence(flipped, { now: tdxNow, collateral: TDX_COL })), failed(r));
  });

  test("F1 an oversized SNP report (1185 bytes) is snp.report.format through verifySnp and verifyEvidence", () => {
    const report = read("snp", "teekit_gcp_milan_v5", "sev-gcp.bin");
    const oversized = new Uint8Array(report.length + 1);
    oversized.set(report);
    const now = new Date("2026-06-01T00:00:00Z");
    assert.deepEqual(failed(verifySnp(oversized, { now })), ["snp.report.format"]);
    assert.deepEqual(failed(verifyEvidence(oversized, { tee: "snp", now })), ["snp.report.format"]);
  });

  test("F2 an SNP report with version 1 is snp.report.format", () => {
    const raw = mutated(read("snp", "teekit_gcp_milan_v5", "sev-gcp.bin"), (_b, v) =>
      v.setUint32(0, 1, true),
    );
    assert.deepEqual(failed(verifyEvidence(raw, { tee: "snp", now: new Date("2026-06-01T00:00:00Z") })), [
      "snp.report.format",
    ]);
  });
});

describe("SGX expected identity (F11)", () => {
  test("MRENCLAVE, MRSIGNER, ISVPRODID and a minimum ISVSVN are compared", () => {
    const body = parseDcapQuote(SGX).body as EnclaveReport;
    const exact = {
      mrEnclave: body.mrEnclave,
      mrSigner: body.mrSigner,
      isvProdId: body.isvProdId,
      minIsvSvn: body.isvSvn,
    };
    assert.deepEqual(failed(sgx(SGX, { expected: exact })), []);
    const wrong = new Uint8Array(32).fill(0x55);
    assert.deepEqual(failed(sgx(SGX, { expected: { mrEnclave: wrong } })), ["sgx.mr_enclave"]);
    assert.deepEqual(failed(sgx(SGX, { expected: { mrSigner: wrong } })), ["sgx.mr_signer"]);
    assert.deepEqual(failed(sgx(SGX, { expected: { isvProdId: body.isvProdId + 1 } })), ["sgx.isv_prod_id"]);
    assert.deepEqual(failed(sgx(SGX, { expected: { minIsvSvn: body.isvSvn + 1 } })), ["sgx.isv_svn"]);
  });
});

describe("TCB status of an unauthenticated quote", () => {
  test("a TDX quote whose signature fails reports tcbStatus Unknown, as SNP does", () => {
    const TDX = read("tdx", "dcapqvl", "tdx_quote.bin");
    const NOW = new Date("2025-07-01T00:00:00Z");
    assert.equal(verifyTdx(TDX, { now: NOW, collateral: TDX_COL }).tcbStatus, "UpToDate");
    // PCE SVN in the header (byte 10) is signed: changing it breaks the quote signature only.
    const r = verifyTdx(
      mutated(TDX, (b) => (b[10]! ^= 1)),
      { now: NOW, collateral: TDX_COL },
    );
    assert.deepEqual(failed(r), ["tdx.quote.signature"]);
    assert.equal(r.tcbStatus, "Unknown");
  });
});
