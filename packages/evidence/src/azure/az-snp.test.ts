/**
 * Azure SNP CVM evidence (az-snp-vtpm): every vector in vectors/azure/snp checked field by field against its
 * *.expected.json, Trustee's own test assertions, and the reject cases of research/evidence.md §6 (F9, F10, F26).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { vectorPath } from "@cocoon/core";
import { parseSnpReport } from "../snp/report.ts";
import { parseAmdCertificate } from "../amd/cert.ts";
import { parseTpmsAttest } from "../tpm/attest.ts";
import { parseHclReport, varDataSha256 } from "./hcl.ts";
import { parseVarData } from "./var-data.ts";
import { parseAzSnpVtpmEvidence, type AzSnpVtpmEvidence } from "./evidence-json.ts";
import { verifyAzSnpVtpm, verifyAzSnpVtpmEvidence } from "./az-snp.ts";
import { AzureFormatError } from "./errors.ts";
import { hclReportVector, tpmQuoteVector } from "./testing/vectors.ts";
import type { VerifyResult } from "../types.ts";

/** Inside every VCEK's validity (2025-01-24 … 2032) and the AMD roots'. */
const NOW = new Date("2026-06-01T00:00:00Z");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const CHALLENGE = Buffer.from("challenge");

interface Expected {
  evidence_version: number;
  hcl_sig: string;
  hcl_header: number[];
  igvm: number[];
  snp: {
    version: number;
    vmpl: number;
    policy: string;
    gen: string;
    cpuid: { fam: number; mod: number; step: number };
    reported_tcb: { bl: number; tee: number; snp: number; ucode: number; raw: string };
    measurement: string;
    report_data: string;
    host_data: string;
    chip_id: string;
  };
  var_data_sha256: string;
  report_data_binds_var_data: boolean;
  user_data: string;
  vm_configuration: Record<string, unknown>;
  vcek_product: string;
  vcek_issuer: string;
  snp_sig: { ok: boolean };
  vcek_tcb_match: boolean;
  vcek_chip_match: boolean;
  vcek_chain_ok: boolean;
  tpm_sig_ok: boolean;
  tpm_nonce_hex: string;
  pcr_select: { alg: number; bitmap: string }[];
  pcr_digest_ok: boolean;
  pcr00: string;
  pcr08: string;
}

function checkOk(result: VerifyResult, name: string): boolean {
  const found = result.checks.filter((c) => c.check === name);
  assert.ok(found.length > 0, `check ${name} was run`);
  return found.every((c) => c.ok);
}

for (const name of ["evidence-v0", "evidence-v1", "evidence-v2", "evidence-genoa"]) {
  describe(`azure/snp/${name}.json`, () => {
    const expected = JSON.parse(
      readFileSync(vectorPath("azure", "snp", `${name}.expected.json`), "utf8"),
    ) as Expected;
    const text = readFileSync(vectorPath("azure", "snp", `${name}.json`), "utf8");
    const evidence = parseAzSnpVtpmEvidence(JSON.parse(text));
    const nonce = Buffer.from(expected.tpm_nonce_hex, "hex");

    test("decodes field by field as the expected file says", () => {
      assert.equal(evidence.version, expected.evidence_version);
      const hcl = parseHclReport(evidence.hclReport);
      const sig = Buffer.alloc(4);
      sig.writeUInt32LE(hcl.signature);
      assert.equal(sig.toString("latin1"), expected.hcl_sig);
      const view = new DataView(hcl.raw.buffer, hcl.raw.byteOffset);
      assert.deepEqual(
        Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4, true)),
        expected.hcl_header,
      );
      assert.deepEqual(
        [hcl.signature, hcl.version, hcl.reportSize, hcl.requestType, hcl.status],
        expected.hcl_header.slice(0, 5),
      );
      const ig = hcl.igvm;
      assert.deepEqual(
        [ig.dataSize, ig.version, ig.reportType, ig.reportDataHashType, ig.variableDataSize],
        expected.igvm,
      );
      assert.equal(hex(varDataSha256(hcl)), expected.var_data_sha256);
      const varData = parseVarData(hcl.varData);
      assert.equal(varData.userData, expected.user_data);
      assert.deepEqual(varData.vmConfiguration, expected.vm_configuration);

      const report = parseSnpReport(hcl.hwReport);
      const s = expected.snp;
      assert.equal(report.version, s.version);
      assert.equal(report.vmpl, s.vmpl);
      assert.equal(`0x${report.policy.toString(16)}`, s.policy);
      assert.equal(report.product, s.gen);
      assert.deepEqual(report.cpuid, { family: s.cpuid.fam, model: s.cpuid.mod, stepping: s.cpuid.step });
      assert.deepEqual(
        [
          report.reportedTcb.bootloader,
          report.reportedTcb.tee,
          report.reportedTcb.snp,
          report.reportedTcb.microcode,
        ],
        [s.reported_tcb.bl, s.reported_tcb.tee, s.reported_tcb.snp, s.reported_tcb.ucode],
      );
      assert.equal(hex(report.measurement), s.measurement);
      assert.equal(hex(report.reportData), s.report_data);
      assert.equal(hex(report.hostData), s.host_data);
      assert.equal(hex(report.chipId), s.chip_id);
      assert.equal(
        hex(report.reportData.subarray(0, 32)) === expected.var_data_sha256,
        expected.report_data_binds_var_data,
      );

      const attest = parseTpmsAttest(evidence.tpmQuote.message);
      assert.equal(hex(attest.extraData), expected.tpm_nonce_hex);
      assert.deepEqual(
        attest.quote!.pcrSelect.map((p) => ({ alg: p.hashAlg, bitmap: hex(p.bitmap) })),
        expected.pcr_select,
      );
      assert.equal(hex(evidence.tpmQuote.pcrs[0]!), expected.pcr00);
      assert.equal(hex(evidence.tpmQuote.pcrs[8]!), expected.pcr08);

      const vcek =
        evidence.version === 0
          ? new X509Certificate(Buffer.from(evidence.vcek).toString("latin1"))
          : new X509Certificate(Buffer.from(evidence.vcek));
      assert.equal(`CN=${/CN=([^\n]+)/.exec(vcek.issuer)![1]}`, expected.vcek_issuer);
      assert.equal(parseAmdCertificate(new Uint8Array(vcek.raw)).amd.productName, expected.vcek_product);
    });

    test("verifies: every check passes with the expected report data", () => {
      const result = verifyAzSnpVtpm(text, { expectedReportData: nonce, now: NOW });
      assert.deepEqual(result.failures, []);
      assert.equal(result.valid, true);
      assert.equal(result.tee, "az-snp-vtpm");
      assert.equal(result.tcbStatus, "UpToDate");
      assert.equal(checkOk(result, "snp.signature"), expected.snp_sig.ok);
      assert.equal(checkOk(result, "snp.cert.tcb"), expected.vcek_tcb_match);
      assert.equal(checkOk(result, "snp.cert.hwid"), expected.vcek_chip_match);
      assert.equal(checkOk(result, "snp.cert.chain"), expected.vcek_chain_ok);
      assert.equal(checkOk(result, "azure.tpm.signature"), expected.tpm_sig_ok);
      assert.equal(checkOk(result, "azure.tpm.pcr_digest"), expected.pcr_digest_ok);
      assert.equal(checkOk(result, "azure.report_data_binding"), expected.report_data_binds_var_data);
      assert.equal(checkOk(result, "snp.vmpl"), true);
      if (expected.evidence_version === 2) assert.equal(checkOk(result, "azure.user_data"), true);
      // Trustee's claims (az_snp_vtpm tests): report_data = hex nonce, tpm.pcr00, init_data = hex PCR8.
      assert.equal(result.claims["report_data"], expected.tpm_nonce_hex);
      const tpm = result.claims["tpm"] as Record<string, string>;
      assert.equal(Object.keys(tpm).length, 24);
      assert.equal(tpm["pcr00"], expected.pcr00);
      assert.equal(result.claims["init_data"], expected.pcr08);
      assert.equal(
        result.claims["measurement"],
        Buffer.from(expected.snp.measurement, "hex").toString("base64"),
      );
      assert.equal(result.claims["reported_tcb_snp"], String(expected.snp.reported_tcb.snp));
      assert.equal(result.claims["policy_debug_allowed"], "false");
    });

    test("F10: a different nonce fails azure.tpm.nonce (and v2 user-data)", () => {
      const wrong = Buffer.from(nonce);
      wrong[0]! ^= 1;
      const result = verifyAzSnpVtpm(text, { expectedReportData: wrong, now: NOW });
      const failed = result.failures.map((f) => f.check).sort();
      assert.deepEqual(
        failed,
        expected.evidence_version === 2 ? ["azure.tpm.nonce", "azure.user_data"] : ["azure.tpm.nonce"],
      );
    });
  });
}

/** Trustee's unit-test pair: hcl-report.bin (Milan v2 report) + tpm-quote-v1.json, VCEK+ASK+ARK in vcek.pem. */
function trusteePair(): AzSnpVtpmEvidence {
  return {
    version: 1,
    hclReport: hclReportVector("snp"),
    tpmQuote: tpmQuoteVector("snp"),
    vcek: new Uint8Array(readFileSync(vectorPath("azure", "snp", "vcek.pem"))),
  };
}

/**
 * This genuine report has COMMITTED_TCB (ucode 115) below CURRENT_TCB (ucode 210): provisional firmware, which
 * Cocoon's SNP policy rejects by default (Trustee's Azure verifier does not look); the tests of the other
 * checks accept it explicitly.
 */
const PAIR_OPTIONS = { expectedReportData: CHALLENGE, now: NOW, allowProvisionalFirmware: true };

function failedChecks(evidence: AzSnpVtpmEvidence, nonce: Uint8Array = CHALLENGE): string[] {
  const result = verifyAzSnpVtpmEvidence(evidence, { ...PAIR_OPTIONS, expectedReportData: nonce });
  return [...new Set(result.failures.map((f) => f.check))].sort();
}

describe("Trustee's hcl-report.bin + tpm-quote-v1.json (Milan v2 report)", () => {
  test("verifies, the v2 report's product taken from the VCEK", () => {
    const result = verifyAzSnpVtpmEvidence(trusteePair(), PAIR_OPTIONS);
    assert.deepEqual(result.failures, []);
    const strict = verifyAzSnpVtpmEvidence(trusteePair(), { expectedReportData: CHALLENGE, now: NOW });
    assert.deepEqual(
      strict.failures.map((f) => f.check),
      ["snp.tcb.committed"],
    );
    // research/evidence.md §5.5: Milan v2 report, VMPL0, REPORTED_TCB bl3 tee0 snp8 uc115, PCR0 f3a7e99a5f819a03…
    assert.equal((result.claims["tpm"] as Record<string, string>)["pcr00"]!.slice(0, 16), "f3a7e99a5f819a03");
    const report = parseSnpReport(parseHclReport(trusteePair().hclReport).hwReport, { product: "Milan" });
    assert.equal(report.version, 2);
    assert.equal(report.vmpl, 0);
    assert.deepEqual(
      [
        report.reportedTcb.bootloader,
        report.reportedTcb.tee,
        report.reportedTcb.snp,
        report.reportedTcb.microcode,
      ],
      [3, 0, 8, 115],
    );
    assert.equal(result.claims["reported_tcb_microcode"], "115");
  });

  test("F26: var data changed (hcl[0x6e0] += 1) breaks the REPORT_DATA binding", () => {
    const ev = trusteePair();
    ev.hclReport[0x6e0]! += 1;
    assert.deepEqual(failedChecks(ev), ["azure.report_data_binding"]);
  });

  test("F26: HCLAkPub damaged (hcl[0x540] = 0) is named, and the binding fails too", () => {
    const ev = trusteePair();
    ev.hclReport[0x540] = 0;
    const failed = failedChecks(ev);
    assert.ok(failed.includes("azure.report_data_binding"));
    assert.ok(failed.includes("azure.var_data.format") || failed.includes("azure.ak_pub"), failed.join());
    assert.ok(failed.includes("azure.tpm.signature"));
  });

  test("F13/F26: SNP report TCB changed (hcl[0x1a6] = 0) fails the VCEK TCB binding and the signature", () => {
    const ev = trusteePair();
    ev.hclReport[0x1a6] = 0;
    const failed = failedChecks(ev);
    assert.ok(failed.includes("snp.cert.tcb"), failed.join());
    assert.ok(failed.includes("snp.signature"), failed.join());
  });

  test("F26: TPM quote signature bit flip (sig[0] ^= 1) fails azure.tpm.signature only", () => {
    const ev = trusteePair();
    ev.tpmQuote.signature[0]! ^= 1;
    assert.deepEqual(failedChecks(ev), ["azure.tpm.signature"]);
  });

  test("F26: a PCR value changed (pcrs[0][0] ^= 1) fails azure.tpm.pcr_digest only", () => {
    const ev = trusteePair();
    ev.tpmQuote.pcrs[0]![0]! ^= 1;
    assert.deepEqual(failedChecks(ev), ["azure.tpm.pcr_digest"]);
  });

  test("F10: the nonce reversed fails azure.tpm.nonce", () => {
    assert.deepEqual(failedChecks(trusteePair(), Buffer.from("challenge").reverse()), ["azure.tpm.nonce"]);
  });

  test("F26: hash type ≠ SHA-256 and report type ≠ SNP are rejected by name", () => {
    const hashType = trusteePair();
    hashType.hclReport[0x4cc] = 2;
    assert.deepEqual(failedChecks(hashType), ["azure.hcl.hash_type"]);
    const reportType = trusteePair();
    reportType.hclReport[0x4c8] = 4;
    assert.ok(failedChecks(reportType).includes("azure.hcl.report_type"));
    const magic = trusteePair();
    magic.hclReport[0] = 0x58;
    assert.deepEqual(failedChecks(magic), ["azure.hcl.signature"]);
  });

  test("F9: VMPL ≠ 0 in the SNP report is rejected (snp.vmpl), the signature breaks too", () => {
    const ev = trusteePair();
    ev.hclReport[0x20 + 0x30] = 1; // SNP report VMPL (u32 at 0x030)
    const failed = failedChecks(ev);
    assert.ok(failed.includes("snp.vmpl"), failed.join());
    assert.ok(failed.includes("snp.signature"), failed.join());
  });

  test("init-data: PCR8 must equal SHA-256(0^32 ‖ init-data hash)", () => {
    const ev = trusteePair();
    const result = verifyAzSnpVtpmEvidence(ev, {
      ...PAIR_OPTIONS,
      expectedInitDataHash: Buffer.alloc(32, 1),
    });
    assert.deepEqual(
      result.failures.map((f) => f.check),
      ["azure.init_data"],
    );
  });

  test("F1: a truncated HCL report is a named failure, not an exception", () => {
    const ev = trusteePair();
    ev.hclReport = ev.hclReport.subarray(0, 0x400);
    const failed = failedChecks(ev);
    assert.ok(failed.includes("azure.hcl.format"), failed.join());
  });
});

test("unreadable az-snp-vtpm evidence is a typed AzureFormatError", () => {
  for (const bad of ["not json", "[]", "{}", '{"version":3}', '{"version":1,"tpm_quote":{}}']) {
    assert.throws(() => verifyAzSnpVtpm(bad), AzureFormatError, bad);
  }
  const v1 = JSON.parse(readFileSync(vectorPath("azure", "snp", "evidence-v1.json"), "utf8")) as Record<
    string,
    unknown
  >;
  assert.throws(() => verifyAzSnpVtpm({ ...v1, hcl_report: "***" }), AzureFormatError);
  assert.throws(
    () => verifyAzSnpVtpm({ ...v1, tpm_quote: { ...(v1["tpm_quote"] as object), pcrs: ["00"] } }),
    /pcrs\[0\] is 1 bytes/,
  );
});
