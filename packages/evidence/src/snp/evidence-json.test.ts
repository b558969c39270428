/** Trustee's SNP evidence JSON: the real AS e2e sample, re-encoding exactness, and malformed input. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { decodeSnpEvidenceJson, verifySnpEvidenceJson } from "./evidence-json.ts";

const text = readFileSync(vectorPath("trustee", "snp", "evidence.json"), "utf8");
const NOW = new Date("2026-06-01T00:00:00Z");

test("Trustee's e2e evidence.json re-encodes to the exact signed report bytes", () => {
  const decoded = decodeSnpEvidenceJson(text);
  assert.deepEqual(
    Buffer.from(decoded.report),
    readFileSync(vectorPath("snp", "trustee_genoa_v3", "report.bin")),
  );
  assert.deepEqual(
    decoded.certificates.map((c) => c.certType),
    ["VCEK"],
  );
  assert.deepEqual(
    Buffer.from(decoded.certificates[0]!.der),
    readFileSync(vectorPath("snp", "trustee_genoa_v3", "vcek.der")),
  );
});

test("Trustee's e2e evidence.json verifies with the built-in Genoa chain and yields Trustee's claims", () => {
  const r = verifySnpEvidenceJson(text, { now: NOW });
  assert.deepEqual(r.failures, []);
  assert.equal(r.valid, true);
  assert.equal(r.tcbStatus, "UpToDate");
  assert.equal(r.claims.product, "Genoa");
  assert.equal(
    r.claims.measurement,
    "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e",
  );
  assert.equal(r.claims.reported_tcb_bootloader, 10);
  assert.equal(r.claims.reported_tcb_microcode, 25);
  assert.equal(r.claims.policy_debug_allowed, false);
  assert.equal(r.claims.init_data, "00".repeat(32));
});

test("report data binding and tampering through the JSON path", () => {
  const json = JSON.parse(text) as { attestation_report: { report_data: number[]; measurement: number[] } };
  const expected = Uint8Array.from(json.attestation_report.report_data);
  assert.equal(verifySnpEvidenceJson(text, { now: NOW, expectedReportData: expected }).valid, true);
  json.attestation_report.measurement[0] ^= 1;
  const tampered = verifySnpEvidenceJson(JSON.stringify(json), { now: NOW });
  assert.deepEqual(
    tampered.failures.map((f) => f.check),
    ["snp.signature"],
  );
});

test("cert_chain null: the VCEK can come from options.certificates instead", () => {
  const json = JSON.parse(text) as { cert_chain: unknown };
  json.cert_chain = null;
  const none = verifySnpEvidenceJson(JSON.stringify(json), { now: NOW });
  assert.deepEqual(
    none.failures.map((f) => f.check),
    ["snp.cert.present"],
  );
  const withCert = verifySnpEvidenceJson(JSON.stringify(json), {
    now: NOW,
    certificates: [readFileSync(vectorPath("snp", "trustee_genoa_v3", "vcek.der"))],
  });
  assert.equal(withCert.valid, true);
});

test("malformed evidence JSON is the failure snp.evidence.format, never a throw", () => {
  const cases: string[] = [
    "not json",
    "[]",
    "{}",
    JSON.stringify({ attestation_report: { version: 3 } }),
    text.replace('"vmpl":0', '"vmpl":-1'),
    text.replace('"vmpl":0', '"vmpl":"0"'),
    text.replace('"sig_algo":1', '"sig_algo":1.5'),
    text.replace('"cert_chain":[', '"cert_chain":{"x":['),
  ];
  const short = JSON.parse(text) as { attestation_report: { report_data: number[] } };
  short.attestation_report.report_data.pop();
  cases.push(JSON.stringify(short));
  const big = JSON.parse(text) as { attestation_report: { measurement: number[] } };
  big.attestation_report.measurement[0] = 256;
  cases.push(JSON.stringify(big));
  for (const c of cases) {
    const r = verifySnpEvidenceJson(c, { now: NOW });
    assert.equal(r.valid, false, c.slice(0, 60));
    assert.deepEqual(
      r.failures.map((f) => f.check),
      ["snp.evidence.format"],
      c.slice(0, 60),
    );
  }
});
