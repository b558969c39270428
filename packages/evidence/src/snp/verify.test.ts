/**
 * verifySnp on every genuine vector (valid under its documented relaxations, and failing exactly those checks
 * under the secure defaults), and every SNP reject case of research/evidence.md §6 built by mutating real vectors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { verifySnp, type SnpVerifyOptions } from "./verify.ts";
import { findVector, snpVectors, type SnpVector } from "./testing/vectors.ts";
import { parseAmdCertificate } from "../amd/cert.ts";
import { readDerIa5String, readDerUnsigned } from "../amd/der.ts";
import type { VerifyResult } from "../types.ts";

const vectors = snpVectors();
const gsg = findVector("gsg_milan_v2/report");
const virtee = findVector("virtee_milan_v2/report");
const trusteeMilan = findVector("trustee_milan_v2/report");
const vlek = findVector("trustee_milan_v3_vlek/report");
const genoa = findVector("trustee_genoa_v3/report");
const gcp = findVector("teekit_gcp_milan_v5/sev-gcp");
const gcpBound = findVector("teekit_gcp_milan_v5/sev-gcp-x25519-bound");

/** A fixed "now" inside every genuine VCEK's window (VCEKs: 2022..2029+, GCP from 2025-12-05). */
const NOW = new Date("2026-06-01T00:00:00Z");

function run(v: SnpVector, extra: SnpVerifyOptions = {}, report: Uint8Array = v.report): VerifyResult {
  return verifySnp(report, { now: NOW, certificates: [v.cert], ...v.passOptions, ...extra });
}

function failedChecks(r: VerifyResult): string[] {
  return [...new Set(r.failures.map((f) => f.check))].sort();
}

function mutate(v: SnpVector, edit: (raw: Buffer) => void): Buffer {
  const raw = Buffer.from(v.report);
  edit(raw);
  return raw;
}

for (const v of vectors) {
  test(`${v.name}: genuine, valid (${v.why})`, () => {
    const r = run(v);
    assert.deepEqual(r.failures, []);
    assert.equal(r.valid, true);
    assert.equal(r.tee, "snp");
    assert.equal(r.simulated, false, "chains to a genuine AMD root");
    assert.equal(r.claims.simulated, false);
    assert.equal(r.tcbStatus, "UpToDate");
    // The checks the study recorded in expected.json all ran and passed.
    for (const check of [
      "snp.signature",
      "snp.cert.chain",
      "snp.cert.tcb",
      "snp.cert.validity",
      "snp.cert.product",
    ]) {
      assert.ok(
        r.checks.some((c) => c.check === check && c.ok),
        check,
      );
    }
    assert.equal(v.expected.checks.report_signature_valid, true);
    assert.equal(v.expected.checks.cert_chain_valid, true);
    assert.ok(
      r.checks.some(
        (c) => c.check === (v.expected.signer === "VCEK" ? "snp.cert.hwid" : "snp.cert.csp_id") && c.ok,
      ),
    );
    // Claims in Trustee's names and encodings.
    const d = v.expected.decoded;
    assert.equal(r.claims.measurement, d.measurement);
    assert.equal(r.claims.report_data, d.report_data);
    assert.equal(r.claims.init_data, d.host_data);
    assert.equal(r.claims.chip_id, d.chip_id);
    assert.equal(r.claims.reported_tcb_bootloader, d.reported_tcb.bl);
    assert.equal(r.claims.reported_tcb_tee, d.reported_tcb.tee);
    assert.equal(r.claims.reported_tcb_snp, d.reported_tcb.snp);
    assert.equal(r.claims.reported_tcb_microcode, d.reported_tcb.ucode);
    const policy = BigInt(d.policy as string);
    assert.equal(r.claims.policy_debug_allowed, ((policy >> 19n) & 1n) === 1n);
    assert.equal(r.claims.policy_migrate_ma, ((policy >> 18n) & 1n) === 1n);
    assert.equal(r.claims.policy_smt_allowed, ((policy >> 16n) & 1n) === 1n);
    assert.equal(r.claims.policy_abi_major, Number((policy >> 8n) & 0xffn));
    assert.equal(r.claims.policy_abi_minor, Number(policy & 0xffn));
    assert.equal(r.claims.platform_smt_enabled, (BigInt(d.platform_info as string) & 1n) === 1n);
    assert.equal(r.claims.platform_tsme_enabled, (BigInt(d.platform_info as string) & 2n) === 2n);
    assert.equal(r.claims.tcb_status, "UpToDate");
  });
}

test("the certificate of every vector decodes to its expected extensions and validity", () => {
  for (const v of vectors) {
    const c = parseAmdCertificate(v.cert);
    assert.equal(`CN=${c.subjectCn}`, v.expected.cert.subject_cn, v.name);
    assert.equal(`CN=${c.issuerCn}`, v.expected.cert.issuer_cn, v.name);
    assert.equal(c.notBefore.getTime(), new Date(v.expected.cert.not_before).getTime(), v.name);
    assert.equal(c.notAfter.getTime(), new Date(v.expected.cert.not_after).getTime(), v.name);
    // Every AMD extension the study listed, and no other, decoded to the listed value.
    assert.deepEqual(Object.keys(c.amd.raw).sort(), Object.keys(v.expected.cert.extensions).sort(), v.name);
    for (const [oid, value] of Object.entries(v.expected.cert.extensions)) {
      const raw = Buffer.from(c.amd.raw[oid]!, "hex");
      if (typeof value === "number") assert.equal(readDerUnsigned(raw), value, `${v.name} ${oid}`);
      else if (oid === "1.3.6.1.4.1.3704.1.4") assert.equal(Buffer.from(c.amd.hwId!).toString("hex"), value);
      else assert.equal(readDerIa5String(raw), value, `${v.name} ${oid}`);
    }
    assert.deepEqual(c.amd.malformed, []);
    const e = v.expected.cert.extensions;
    assert.equal(c.amd.productName, e["1.3.6.1.4.1.3704.1.2"]);
    assert.equal(c.amd.blSPL, e["1.3.6.1.4.1.3704.1.3.1"]);
    assert.equal(c.amd.teeSPL, e["1.3.6.1.4.1.3704.1.3.2"]);
    assert.equal(c.amd.snpSPL, e["1.3.6.1.4.1.3704.1.3.3"]);
    assert.equal(c.amd.ucodeSPL, e["1.3.6.1.4.1.3704.1.3.8"]);
    assert.equal(
      c.amd.hwId === undefined ? undefined : Buffer.from(c.amd.hwId).toString("hex"),
      e["1.3.6.1.4.1.3704.1.4"],
    );
    assert.equal(c.amd.cspId, e["1.3.6.1.4.1.3704.1.5"]);
  }
});

test("secure defaults reject exactly what each genuine vector relaxes", () => {
  const expectations: Record<string, string[]> = {
    "gsg_milan_v2/report": ["snp.policy.debug"],
    "trustee_milan_v2/report": ["snp.tcb.committed"],
    "trustee_milan_v3_vlek/report": ["snp.cert.validity", "snp.tcb.committed", "snp.vmpl"],
    "teekit_gcp_milan_v5/sev-gcp-reportdata": ["snp.vmpl"],
    "teekit_gcp_milan_v5/sev-gcp-x25519-bound": ["snp.vmpl"],
  };
  for (const v of vectors) {
    const r = verifySnp(v.report, { now: NOW, certificates: [v.cert] });
    assert.deepEqual(failedChecks(r), expectations[v.name] ?? [], v.name);
  }
});

test("F17: the AWS VLEK is valid only 2024-12-10..2025-12-10 (verification time pinned)", () => {
  assert.equal(run(vlek, { now: new Date("2025-12-10T22:00:00Z") }).valid, true);
  const after = run(vlek, { now: new Date("2025-12-11T00:00:00Z") });
  assert.deepEqual(failedChecks(after), ["snp.cert.validity"]);
  assert.match(after.failures[0]!.actual, /2025-12-10T22:14:21/);
  assert.equal(after.tcbStatus, "Unknown");
  assert.deepEqual(failedChecks(run(vlek, { now: new Date("2024-12-01T00:00:00Z") })), ["snp.cert.validity"]);
  // VCEKs: not yet valid in 2020, expired in 2053.
  assert.deepEqual(failedChecks(run(gsg, { now: new Date("2053-01-01T00:00:00Z") })), ["snp.cert.validity"]);
  assert.deepEqual(failedChecks(run(gsg, { now: new Date("2020-01-01T00:00:00Z") })), ["snp.cert.validity"]);
});

test("F3: SIGNATURE_ALGO ≠ 1, SIGNING_KEY NONE or reserved, MASK_CHIP_KEY = 1 are named failures", () => {
  const algo = run(
    gcp,
    {},
    mutate(gcp, (r) => r.writeUInt32LE(2, 0x34)),
  );
  assert.ok(failedChecks(algo).includes("snp.report.signature_algo"));
  const none = run(
    gcp,
    {},
    mutate(gcp, (r) => r.writeUInt32LE(7 << 2, 0x48)),
  );
  assert.ok(failedChecks(none).includes("snp.report.signing_key"));
  assert.match(none.failures.find((f) => f.check === "snp.report.signing_key")!.actual, /NONE/);
  const reserved = run(
    gcp,
    {},
    mutate(gcp, (r) => r.writeUInt32LE(3 << 2, 0x48)),
  );
  assert.ok(failedChecks(reserved).includes("snp.report.signing_key"));
  const masked = run(
    gcp,
    {},
    mutate(gcp, (r) => r.writeUInt32LE(2, 0x48)),
  );
  assert.ok(failedChecks(masked).includes("snp.report.mask_chip_key"));
  // VCEK-only policy rejects a VLEK-signed report.
  assert.ok(failedChecks(run(vlek, { allowedSigners: ["VCEK"] })).includes("snp.report.signing_key"));
});

test("F4: any change to the signed bytes or to R/S breaks the signature (and only that)", () => {
  // Upstream mutations: virtee report[21] ^= 0x80, Trustee report[42] += 1 (family/image id bytes).
  assert.deepEqual(
    failedChecks(
      run(
        gcp,
        {},
        mutate(gcp, (r) => (r[21] ^= 0x80)),
      ),
    ),
    ["snp.signature"],
  );
  assert.deepEqual(
    failedChecks(
      run(
        trusteeMilan,
        {},
        mutate(trusteeMilan, (r) => (r[42] = (r[42]! + 1) & 0xff)),
      ),
    ),
    ["snp.signature"],
  );
  assert.deepEqual(
    failedChecks(
      run(
        genoa,
        {},
        mutate(genoa, (r) => (r[0x29f] ^= 1)),
      ),
    ),
    ["snp.report.reserved", "snp.signature"],
  );
  assert.deepEqual(
    failedChecks(
      run(
        gcp,
        {},
        mutate(gcp, (r) => (r[0x2a0] ^= 1)),
      ),
    ),
    ["snp.signature"],
  );
  assert.deepEqual(
    failedChecks(
      run(
        gcp,
        {},
        mutate(gcp, (r) => (r[0x2e8 + 5] ^= 0x10)),
      ),
    ),
    ["snp.signature"],
  );
});

test("F5: R or S with non-zero bytes above 48 (≥ 2^384) is refused, not reduced", () => {
  const r = run(
    gcp,
    {},
    mutate(gcp, (raw) => (raw[0x2a0 + 71] = 1)),
  );
  assert.deepEqual(failedChecks(r), ["snp.signature"]);
  assert.match(r.failures[0]!.actual, /2\^384/);
  const s = run(
    gcp,
    {},
    mutate(gcp, (raw) => (raw[0x2e8 + 48] = 1)),
  );
  assert.deepEqual(failedChecks(s), ["snp.signature"]);
});

test("F6: reserved fields, POLICY bit 17 = 0, KEY_INFO bits 31:5 are rejected", () => {
  for (const edit of [
    (r: Buffer) => (r[0x04c] = 1),
    (r: Buffer) => (r[0x1eb] = 1),
    (r: Buffer) => (r[0x0a] &= ~0x02),
    (r: Buffer) => (r[0x0f] = 0x80),
    (r: Buffer) => (r[0x048] |= 0x20),
    (r: Buffer) => (r[0x400] = 1),
  ]) {
    const r = run(gcp, {}, mutate(gcp, edit));
    assert.ok(failedChecks(r).includes("snp.report.reserved"), JSON.stringify(r.failures));
    assert.equal(r.valid, false);
  }
});

test("F7: a DEBUG guest (genuine go-sev-guest report, POLICY 0xb0000) is rejected unless allowDebug", () => {
  const r = verifySnp(gsg.report, { now: NOW, certificates: [gsg.cert] });
  assert.deepEqual(failedChecks(r), ["snp.policy.debug"]);
  assert.equal(r.claims.policy_debug_allowed, true);
  assert.equal(r.tcbStatus, "UpToDate", "a policy failure does not change the TCB status");
  assert.equal(run(gsg, { allowDebug: true }).valid, true);
});

test("F8: MIGRATE_MA and SMT per policy", () => {
  const ma = run(
    gcp,
    {},
    mutate(gcp, (r) => (r[0x0a] |= 0x04)),
  );
  assert.deepEqual(failedChecks(ma), ["snp.policy.migrate_ma", "snp.signature"]);
  assert.deepEqual(
    failedChecks(
      run(
        gcp,
        { allowMigrationAgent: true },
        mutate(gcp, (r) => (r[0x0a] |= 0x04)),
      ),
    ),
    ["snp.signature"],
  );
  assert.deepEqual(failedChecks(run(gcp, { allowSmt: false })), ["snp.policy.smt"]);
  assert.deepEqual(failedChecks(run(trusteeMilan, { minimumAbi: { major: 0, minor: 0x20 } })), [
    "snp.policy.abi",
  ]);
  assert.equal(run(trusteeMilan, { minimumAbi: { major: 0, minor: 0x1f } }).valid, true);
});

test("F9: VMPL above the maximum (default 0)", () => {
  const r = verifySnp(gcpBound.report, { now: NOW, certificates: [gcpBound.cert] });
  assert.deepEqual(failedChecks(r), ["snp.vmpl"]);
  assert.deepEqual(r.failures[0], { check: "snp.vmpl", expected: "VMPL ≤ 0", actual: "1" });
});

test("F10: REPORT_DATA binding (zero-padded to 64 bytes like Trustee)", () => {
  // teekit: REPORT_DATA = SHA-512(NONCE ‖ X25519_KEY) from the .txt beside the report.
  const txt = readFileSync(vectorPath("snp", "teekit_gcp_milan_v5", "sev-gcp-x25519-bound.txt"), "utf8");
  const field = (k: string): Buffer => Buffer.from(new RegExp(`${k}=([0-9a-f]+)`).exec(txt)![1]!, "hex");
  const expected = createHash("sha512")
    .update(Buffer.concat([field("NONCE"), field("X25519_KEY")]))
    .digest();
  assert.equal(run(gcpBound, { expectedReportData: expected }).valid, true);
  const wrong = Buffer.from(expected);
  wrong[0] ^= 1;
  assert.deepEqual(failedChecks(run(gcpBound, { expectedReportData: wrong })), ["snp.report_data"]);
  // gsg: 01 02 03 04 05 then zeros: a 5-byte expectation is padded.
  assert.equal(run(gsg, { expectedReportData: Uint8Array.of(1, 2, 3, 4, 5) }).valid, true);
  assert.deepEqual(failedChecks(run(gsg, { expectedReportData: Uint8Array.of(1, 2, 3, 4, 6) })), [
    "snp.report_data",
  ]);
  assert.deepEqual(failedChecks(run(gsg, { expectedReportData: new Uint8Array(65) })), ["snp.report_data"]);
});

test("F11: MEASUREMENT, HOST_DATA and ID_KEY_DIGEST expectations", () => {
  const m = Buffer.from(gcp.expected.decoded.measurement as string, "hex");
  assert.equal(run(gcp, { expectedMeasurement: m }).valid, true);
  const m2 = Buffer.from(m);
  m2[47] ^= 1;
  assert.deepEqual(failedChecks(run(gcp, { expectedMeasurement: m2 })), ["snp.measurement"]);
  assert.deepEqual(failedChecks(run(gcp, { expectedHostData: Uint8Array.of(1) })), ["snp.host_data"]);
  assert.equal(
    run(gcp, { expectedHostData: new Uint8Array(48) }).valid,
    true,
    "a 48-byte digest is truncated to 32",
  );
  assert.deepEqual(failedChecks(run(trusteeMilan, { expectedIdKeyDigest: new Uint8Array(48) })), [
    "snp.id_key_digest",
  ]);
});

test("F12: TCB below the minimum (component-wise), and provisional firmware", () => {
  const r = run(gcp, { minimumTcb: { snp: 28 } });
  assert.deepEqual(failedChecks(r), ["snp.tcb.minimum"]);
  assert.equal(r.tcbStatus, "OutOfDate");
  // A higher microcode does not compensate a lower SNP SVN.
  assert.deepEqual(failedChecks(run(gcp, { minimumTcb: { snp: 28, microcode: 1 } })), ["snp.tcb.minimum"]);
  assert.equal(run(gcp, { minimumTcb: { bootloader: 4, tee: 0, snp: 27, microcode: 222 } }).valid, true);
  const prov = verifySnp(trusteeMilan.report, { now: NOW, certificates: [trusteeMilan.cert] });
  assert.deepEqual(failedChecks(prov), ["snp.tcb.committed"]);
  assert.equal(prov.tcbStatus, "Unknown");
});

test("F13: VCEK TCB ≠ REPORTED_TCB (report[0x180] changed; Trustee check_report_tcb_failure)", () => {
  const r = run(
    gcp,
    {},
    mutate(gcp, (raw) => (raw[0x180] += 1)),
  );
  assert.ok(failedChecks(r).includes("snp.cert.tcb"));
  assert.ok(failedChecks(r).includes("snp.signature"));
  // gsg report with the trustee VCEK: different chip and TCB.
  const pair = verifySnp(gsg.report, { now: NOW, allowDebug: true, certificates: [trusteeMilan.cert] });
  assert.deepEqual(failedChecks(pair), ["snp.cert.hwid", "snp.cert.tcb", "snp.signature"]);
});

test("F14: a VCEK of another chip (virtee report with the gsg VCEK)", () => {
  const r = verifySnp(virtee.report, { now: NOW, certificates: [gsg.cert] });
  assert.ok(failedChecks(r).includes("snp.cert.hwid"));
  assert.ok(failedChecks(r).includes("snp.signature"));
});

test("F15: product mismatches and VLEK/VCEK confusion", () => {
  // Genoa report with a Milan VCEK.
  const cross = verifySnp(genoa.report, { now: NOW, certificates: [gcp.cert] });
  assert.ok(failedChecks(cross).includes("snp.cert.product"));
  // A configured product that CPUID contradicts.
  assert.ok(failedChecks(run(gcp, { product: "Genoa" })).includes("snp.product"));
  // VLEK-signed report offered only a VCEK, and a VCEK-signed report offered only the VLEK.
  assert.deepEqual(failedChecks(verifySnp(vlek.report, { ...vlek.passOptions, certificates: [gcp.cert] })), [
    "snp.cert.present",
  ]);
  assert.deepEqual(failedChecks(verifySnp(gcp.report, { now: NOW, certificates: [vlek.cert] })), [
    "snp.cert.present",
  ]);
  // KEY_INFO claims VCEK on the VLEK report: no VCEK available.
  const relabel = verifySnp(
    mutate(vlek, (r) => r.writeUInt32LE(0, 0x48)),
    { ...vlek.passOptions, certificates: [vlek.cert] },
  );
  assert.ok(failedChecks(relabel).includes("snp.cert.present"));
  // Unknown CPUID family.
  assert.ok(
    failedChecks(
      run(
        gcp,
        {},
        mutate(gcp, (r) => (r[0x188] = 0x17)),
      ),
    ).includes("snp.product"),
  );
});

test("F16: synthetic VCEKs parse (both hwID encodings) but their chain fails", () => {
  for (const file of ["vcek-invalid-legacy", "vcek-invalid-new"]) {
    const der = readFileSync(vectorPath("snp", "trustee_synthetic_vcek", `${file}.der`));
    const expected = JSON.parse(
      readFileSync(vectorPath("snp", "trustee_synthetic_vcek", `${file}.expected.json`), "utf8"),
    ) as {
      extensions: Record<string, string | number>;
    };
    const c = parseAmdCertificate(der);
    assert.equal(Buffer.from(c.amd.hwId!).toString("hex"), expected.extensions["1.3.6.1.4.1.3704.1.4"]);
    assert.equal(c.amd.snpSPL, expected.extensions["1.3.6.1.4.1.3704.1.3.3"]);
    assert.equal(c.amd.ucodeSPL, expected.extensions["1.3.6.1.4.1.3704.1.3.8"]);
    assert.deepEqual(c.amd.malformed, []);
    const r = verifySnp(trusteeMilan.report, {
      now: NOW,
      allowProvisionalFirmware: true,
      certificates: [der],
    });
    assert.ok(failedChecks(r).includes("snp.cert.chain"), file);
    assert.match(r.failures.find((f) => f.check === "snp.cert.chain")!.actual, /does not verify/);
    assert.notEqual(r.tcbStatus, "UpToDate");
  }
  // Genuine evidence with the genuine roots switched off.
  assert.deepEqual(failedChecks(run(gcp, { trust: { genuineRoots: false } })), ["snp.cert.chain"]);
});

test("F27: masked CHIP_ID with a VCEK signer cannot be bound", () => {
  const r = run(
    gcp,
    {},
    mutate(gcp, (raw) => raw.fill(0, 0x1a0, 0x1e0)),
  );
  assert.ok(failedChecks(r).includes("snp.cert.hwid"));
  assert.match(r.failures.find((f) => f.check === "snp.cert.hwid")!.actual, /masked/);
});

test("F1/F2 through verifySnp: a failure, never a throw", () => {
  const short = verifySnp(gcp.report.subarray(0, 100), { now: NOW });
  assert.deepEqual(failedChecks(short), ["snp.report.format"]);
  assert.equal(short.valid, false);
  const v6 = verifySnp(
    mutate(gcp, (r) => r.writeUInt32LE(6, 0)),
    { now: NOW },
  );
  assert.deepEqual(failedChecks(v6), ["snp.report.format"]);
  const badCert = run(gcp, { certificates: [Uint8Array.of(0x30, 0x03, 1, 2, 3)] });
  assert.ok(failedChecks(badCert).includes("snp.cert.parse"));
  assert.ok(failedChecks(badCert).includes("snp.cert.present"));
  assert.deepEqual(failedChecks(verifySnp(gcp.report, { now: NOW })), ["snp.cert.present"]);
});

test("certificates may be PEM bundles (ACI: VCEK + ASK + ARK in one file), HOST_DATA = sha256(CCE policy)", () => {
  const dir = ["aci-sidecar", "pkg", "attest", "test_data"];
  const report = readFileSync(vectorPath(...dir, "snp_report.bin"));
  const pem = readFileSync(vectorPath(...dir, "uvm_host_amd_certificate.pem"));
  const policy = Buffer.from(
    readFileSync(vectorPath(...dir, "uvm_security_policy.base64"), "utf8").trim(),
    "base64",
  );
  const r = verifySnp(report, {
    now: NOW,
    certificates: [pem],
    expectedHostData: createHash("sha256").update(policy).digest(),
  });
  assert.deepEqual(failedChecks(r), [], JSON.stringify(r.failures));
  assert.equal(r.valid, true);
  assert.equal(r.simulated, false);
  assert.equal(r.claims.product, "Milan", "v2 product comes from the VCEK productName");
});

test("chain verification is cached: verifying again does no certificate-signature work", () => {
  const leaf = parseAmdCertificate(genoa.cert);
  const original = leaf.x509.verify.bind(leaf.x509);
  let calls = 0;
  leaf.x509.verify = (key) => {
    calls++;
    return original(key);
  };
  try {
    assert.equal(run(genoa).valid, true);
    const after = calls;
    assert.equal(run(genoa).valid, true);
    assert.equal(run(genoa).valid, true);
    assert.equal(calls, after, "no VCEK signature re-verification");
  } finally {
    leaf.x509.verify = original;
  }
});

test("a cached chain is still checked against `now`, and a reused certificate buffer is never trusted stale", () => {
  const certificates = [new Uint8Array(genoa.cert)];
  const options: SnpVerifyOptions = { ...genoa.passOptions, now: NOW, certificates };
  assert.equal(verifySnp(genoa.report, options).valid, true);
  // Same options object, chain now cached: validity is re-evaluated at each call's `now`.
  const expired = verifySnp(genoa.report, { ...options, now: new Date("2100-01-01T00:00:00Z") });
  assert.deepEqual(failedChecks(expired), ["snp.cert.validity"]);
  // The caller's VCEK buffer changed in place (last signature byte): its old chain verdict must not apply.
  const der = certificates[0]!;
  der[der.length - 1] ^= 0x01;
  assert.ok(failedChecks(verifySnp(genoa.report, options)).includes("snp.cert.chain"));
  der[der.length - 1] ^= 0x01;
  assert.equal(verifySnp(genoa.report, options).valid, true);
});

test("random byte corruption never throws and never verifies (deterministic PRNG)", () => {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  for (let i = 0; i < 300; i++) {
    const raw = Buffer.from(gcp.report);
    const flips = 1 + Math.floor(next() * 4);
    for (let j = 0; j < flips; j++) raw[Math.floor(next() * raw.length)] ^= 1 + Math.floor(next() * 255);
    if (raw.equals(gcp.report)) continue;
    const r = run(gcp, {}, raw);
    assert.equal(r.valid, false, `mutation ${i}`);
    assert.ok(r.failures.length > 0);
  }
});

test("Trustee's verifier test data (trustee/snp) verifies with the same outcomes", () => {
  const dir = ["trustee", "snp"];
  const report = readFileSync(vectorPath(...dir, "test-report.bin"));
  const vcek = readFileSync(vectorPath(...dir, "test-vcek.der"));
  assert.deepEqual(failedChecks(verifySnp(report, { now: NOW, certificates: [vcek] })), [
    "snp.tcb.committed",
  ]);
  const vlekReport = readFileSync(vectorPath(...dir, "test-vlek-report.bin"));
  const vlekCert = readFileSync(vectorPath(...dir, "test-vlek.der"));
  const r = verifySnp(vlekReport, { ...vlek.passOptions, certificates: [vlekCert] });
  assert.equal(r.valid, true);
  assert.equal(r.claims.signing_key, "VLEK");
  // Trustee's check_report_tcb_failure: report[384] += 1.
  const tcbFail = Buffer.from(report);
  tcbFail[384] = (tcbFail[384]! + 1) & 0xff;
  assert.ok(failedChecks(verifySnp(tcbFail, { now: NOW, certificates: [vcek] })).includes("snp.cert.tcb"));
  // Supplying Trustee's ASK/ARK/ASVK bundle changes nothing: the pinned roots decide.
  const bundle = readFileSync(vectorPath(...dir, "milan_ask_ark_asvk.pem"));
  assert.deepEqual(
    failedChecks(
      verifySnp(report, { now: NOW, certificates: [vcek, bundle], allowProvisionalFirmware: true }),
    ),
    [],
  );
});
