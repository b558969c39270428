import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSampleEvidence, verifySampleEvidence, SampleFormatError } from "./sample.ts";

const nonce = Buffer.from("a nonce from the verifier");
const evidence = { svn: "1", report_data: nonce.toString("base64") };

test("sample evidence: Trustee's claims, always simulated", () => {
  const result = verifySampleEvidence(parseSampleEvidence(evidence), { expectedReportData: nonce });
  assert.equal(result.valid, true);
  assert.equal(result.simulated, true);
  assert.deepEqual(result.claims, {
    svn: "1",
    report_data: nonce.toString("base64"),
    launch_digest: "abcde",
    platform_version: { major: 1, minor: 4 },
    debug: false,
  });
});

test("sample evidence: a different report_data fails sample.report_data", () => {
  const result = verifySampleEvidence(parseSampleEvidence(evidence), {
    expectedReportData: Buffer.from("other"),
  });
  assert.equal(result.valid, false);
  assert.equal(result.simulated, true);
  assert.deepEqual(
    result.failures.map((f) => f.check),
    ["sample.report_data"],
  );
  const notB64 = verifySampleEvidence(parseSampleEvidence({ svn: "1", report_data: "*" }), {
    expectedReportData: nonce,
  });
  assert.equal(notB64.failures[0]!.actual, "report_data is not base64");
});

test("sample evidence: init-data hash is reported (base64), not checked, as in Trustee", () => {
  const hash = Buffer.alloc(32, 7);
  const result = verifySampleEvidence(parseSampleEvidence({ svn: "2" }), { expectedInitDataHash: hash });
  assert.equal(result.claims["init_data"], hash.toString("base64"));
  assert.equal(result.claims["report_data"], "");
});

test("sample evidence: wrong shapes are typed errors", () => {
  for (const bad of [null, [], { report_data: "" }, { svn: 1 }, { svn: "1", report_data: 5 }]) {
    assert.throws(() => parseSampleEvidence(bad), SampleFormatError);
  }
});
