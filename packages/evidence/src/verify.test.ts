/** detectTee and verifyEvidence over every evidence format, from the real vectors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath, CocoonError } from "@cocoon/core";
import { detectTee, verifyEvidence, EvidenceFormatError } from "./verify.ts";
import { AzureFormatError } from "./azure/errors.ts";
import { TpmFormatError } from "./tpm/errors.ts";

const NOW = new Date("2026-06-01T00:00:00Z");
const read = (...parts: string[]): Uint8Array => new Uint8Array(readFileSync(vectorPath(...parts)));
const sgxRequest = JSON.parse(
  readFileSync(vectorPath("trustee", "as-api", "sgx-attestation-request.json"), "utf8"),
) as {
  verification_requests: { evidence: string }[];
};
const sgxJson = new Uint8Array(Buffer.from(sgxRequest.verification_requests[0]!.evidence, "base64"));
const sampleJson = new TextEncoder().encode(
  JSON.stringify({ svn: "1", report_data: Buffer.from("n").toString("base64") }),
);

describe("detectTee", () => {
  const cases: [string, Uint8Array, string][] = [
    ["raw SNP report v2", read("snp", "gsg_milan_v2", "report.bin"), "snp"],
    ["raw SNP report (Trustee test-report.bin)", read("trustee", "snp", "test-report.bin"), "snp"],
    ["Trustee SNP JSON", read("trustee", "snp", "evidence.json"), "snp"],
    ["TDX v4 quote", read("tdx", "trustee", "tdx_quote_4.dat"), "tdx"],
    ["TDX v5 quote", read("tdx", "trustee", "tdx_quote_5.dat"), "tdx"],
    ["Azure TD quote", read("azure", "tdx", "td-quote.bin"), "tdx"],
    ["SGX v3 quote", read("sgx", "trustee", "occlum_quote.dat"), "sgx"],
    ["Trustee SGX JSON", sgxJson, "sgx"],
    ["az-snp-vtpm v0", read("azure", "snp", "evidence-v0.json"), "az-snp-vtpm"],
    ["az-snp-vtpm v1", read("trustee", "az-snp-vtpm", "evidence-v1.json"), "az-snp-vtpm"],
    ["az-snp-vtpm v2", read("trustee", "az-snp-vtpm", "evidence-v2.json"), "az-snp-vtpm"],
    ["az-snp-vtpm genoa", read("trustee", "az-snp-vtpm", "evidence-genoa.json"), "az-snp-vtpm"],
    ["az-tdx-vtpm v0", read("trustee", "az-tdx-vtpm", "evidence-v0.json"), "az-tdx-vtpm"],
    ["az-tdx-vtpm v1", read("trustee", "az-tdx-vtpm", "evidence-v1.json"), "az-tdx-vtpm"],
    ["Trustee TPM", read("trustee", "tpm", "tpm_evidence.json"), "tpm"],
    ["sample", sampleJson, "sample"],
  ];
  for (const [name, bytes, tee] of cases) {
    test(`${name} → ${tee}`, () => assert.equal(detectTee(bytes), tee));
  }

  test("unrecognisable input is an EvidenceFormatError that says why", () => {
    const bad: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /unrecognised evidence \(0 bytes/],
      [new Uint8Array(100), /unrecognised evidence/],
      [new TextEncoder().encode('{"hello":1}'), /unrecognised evidence JSON \(keys: hello\)/],
      [new TextEncoder().encode("{ not json"), /does not parse/],
      [Uint8Array.of(0x7b, 0xff, 0xfe), /not valid UTF-8/],
      [read("azure", "snp", "hcl-report.bin"), /HCL report alone/],
      [read("trustee", "az-snp-vtpm", "tpm-quote.msg"), /bare TPMS_ATTEST/],
    ];
    for (const [bytes, message] of bad) {
      assert.throws(
        () => detectTee(bytes),
        (e: unknown) => e instanceof EvidenceFormatError && message.test(e.message),
      );
    }
  });
});

describe("verifyEvidence dispatches to every verifier", () => {
  test("az-snp-vtpm (the trustee copies of the vectors)", () => {
    for (const [file, nonce] of [
      ["evidence-v0.json", "6368616c6c656e6765"],
      ["evidence-v1.json", "6368616c6c656e6765"],
      [
        "evidence-v2.json",
        "982f5c6e45df0ed3f10b6f60b02f0c8390e281300f3805e2279c16168cd6ae9aa398f647caa2338748cd0fd9f5f819ef",
      ],
      [
        "evidence-genoa.json",
        "0218488bae25d2509232bf676f1a66a30d7372add909109b36016ef136f2938ca05475f8b46094de6b64270ea35d950f",
      ],
    ] as const) {
      const result = verifyEvidence(read("trustee", "az-snp-vtpm", file), {
        expectedReportData: Buffer.from(nonce, "hex"),
        now: NOW,
      });
      assert.equal(result.tee, "az-snp-vtpm");
      assert.deepEqual(result.failures, [], file);
    }
  });

  test("az-tdx-vtpm: only the absent collateral fails", () => {
    const result = verifyEvidence(read("trustee", "az-tdx-vtpm", "evidence-v1.json"), {
      expectedReportData: Buffer.from("challenge"),
      now: NOW,
    });
    assert.equal(result.tee, "az-tdx-vtpm");
    assert.deepEqual(
      result.failures.map((f) => f.check),
      ["tdx.collateral.missing"],
    );
  });

  test("tpm and sample", () => {
    const tpm = verifyEvidence(read("trustee", "tpm", "tpm_evidence.json"));
    assert.equal(tpm.tee, "tpm");
    assert.equal(tpm.valid, true);
    const sample = verifyEvidence(sampleJson, { expectedReportData: Buffer.from("n") });
    assert.equal(sample.tee, "sample");
    assert.equal(sample.simulated, true);
    assert.equal(sample.valid, true);
  });

  test("snp raw and JSON, tdx, sgx raw and JSON reach their verifiers", () => {
    const snp = verifyEvidence(read("snp", "gsg_milan_v2", "report.bin"), {
      certificates: [read("snp", "gsg_milan_v2", "vcek.der")],
      now: NOW,
    });
    assert.equal(snp.tee, "snp");
    assert.ok(snp.checks.some((c) => c.check === "snp.signature" && c.ok));
    const snpJson = verifyEvidence(read("trustee", "snp", "evidence.json"), { now: NOW });
    assert.ok(snpJson.checks.some((c) => c.check === "snp.signature" && c.ok));
    const tdx = verifyEvidence(read("tdx", "trustee", "tdx_quote_5.dat"), { now: NOW });
    assert.equal(tdx.tee, "tdx");
    assert.ok(tdx.checks.some((c) => c.check === "tdx.quote.signature" && c.ok));
    for (const bytes of [read("sgx", "trustee", "occlum_quote.dat"), sgxJson]) {
      const sgx = verifyEvidence(bytes, { now: NOW });
      assert.equal(sgx.tee, "sgx");
      assert.ok(sgx.checks.some((c) => c.check === "sgx.quote.signature" && c.ok));
    }
  });

  test("a named TEE that does not fit the bytes is a typed error or named failures, never a crash", () => {
    const azure = read("azure", "snp", "evidence-v1.json");
    assert.throws(() => verifyEvidence(azure, { tee: "tpm" }), TpmFormatError);
    assert.throws(() => verifyEvidence(azure, { tee: "az-tdx-vtpm" }), AzureFormatError);
    assert.throws(() => verifyEvidence(azure, { tee: "tdx" }), EvidenceFormatError);
    assert.throws(
      () => verifyEvidence(read("snp", "gsg_milan_v2", "report.bin"), { tee: "sample" }),
      EvidenceFormatError,
    );
    const asSnp = verifyEvidence(read("tdx", "trustee", "tdx_quote_4.dat"), { tee: "snp" });
    assert.deepEqual(
      asSnp.failures.map((f) => f.check),
      ["snp.report.format"],
    );
    const err = (() => {
      try {
        verifyEvidence(new Uint8Array(3));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof CocoonError);
    assert.equal(err.code, "ERR_EVIDENCE_FORMAT");
  });
});

describe("Trustee TDX evidence JSON with a CC event log", () => {
  const quote = Buffer.from(read("trustee", "tdx", "tdx_quote_4.dat")).toString("base64");
  const ccel = Buffer.from(read("trustee", "tdx", "CCEL_data")).toString("base64");
  const json = (extra: Record<string, unknown>) =>
    new TextEncoder().encode(JSON.stringify({ quote, ...extra }));

  test("the log is replayed against the quote's RTMRs and a mismatch names the RTMR", () => {
    // Trustee's vectors pair no quote with its own log: CCEL_data was not measured into tdx_quote_4.
    const result = verifyEvidence(json({ cc_eventlog: ccel }), { tee: "tdx", now: NOW });
    const eventlogChecks = result.checks.filter((c) => c.check.startsWith("tdx.eventlog."));
    assert.ok(eventlogChecks.length >= 4, "every RTMR is checked");
    assert.ok(result.failures.some((f) => /^tdx\.eventlog\.rtmr[0-3]$/.test(f.check)));
    assert.equal(result.valid, false);
    assert.equal(
      result.claims["uefi_event_logs"],
      undefined,
      "no event-log claims from a log that does not match",
    );
  });

  test("without a log no event-log check runs", () => {
    const result = verifyEvidence(json({}), { tee: "tdx", now: NOW });
    assert.equal(
      result.checks.some((c) => c.check.startsWith("tdx.eventlog.")),
      false,
    );
  });
});
