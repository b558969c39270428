/**
 * Extra (simulated) roots, CRLs (F18), look-alike roots (F16) and the Turin layout, with AMD-shaped hierarchies
 * generated per run (testing/fake-amd.ts): what genuine vectors cannot cover.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { verifySnp, type SnpVerifyOptions } from "./verify.ts";
import { makeFakeCrl, makeFakeHierarchy, makeSignedReport, type FakeHierarchy } from "./testing/fake-amd.ts";
import type { VerifyResult } from "../types.ts";

const NOW = new Date("2026-06-01T00:00:00Z");
const CHIP = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
const TCB = { bootloader: 4, tee: 0, snp: 22, microcode: 213 };

const failed = (r: VerifyResult): string[] => [...new Set(r.failures.map((f) => f.check))].sort();

let milan: FakeHierarchy;
let report: Buffer;

test.before(async () => {
  milan = await makeFakeHierarchy({ tcb: TCB, hwId: CHIP });
  report = makeSignedReport(milan.leafKey, { tcb: TCB, layout: "legacy", chipId: CHIP });
});

function opts(extra: SnpVerifyOptions = {}): SnpVerifyOptions {
  return {
    now: NOW,
    certificates: [milan.leaf, milan.intermediate],
    trust: { amdRoots: [milan.ark] },
    ...extra,
  };
}

test("simulator evidence fails the chain unless its root is trusted explicitly", () => {
  const untrusted = verifySnp(report, {
    now: NOW,
    certificates: [milan.leaf, milan.intermediate, milan.ark],
  });
  assert.deepEqual(failed(untrusted), ["snp.cert.chain"]);
  assert.match(untrusted.failures[0]!.actual, /not a trusted ARK/);
  assert.equal(untrusted.simulated, undefined);
  const trusted = verifySnp(report, opts());
  assert.deepEqual(trusted.failures, []);
  assert.equal(trusted.valid, true);
  assert.equal(trusted.simulated, true);
  assert.equal(trusted.claims.simulated, true);
  // Simulator-only trust: genuine roots off, simulated root on.
  assert.equal(
    verifySnp(report, opts({ trust: { amdRoots: [milan.ark], genuineRoots: false } })).valid,
    true,
  );
});

test("extra roots that are not self-signed roots, or unreadable, are reported", () => {
  const r = verifySnp(report, opts({ trust: { amdRoots: [milan.intermediate, Uint8Array.of(1, 2)] } }));
  assert.ok(failed(r).includes("snp.trust.roots"));
  assert.ok(failed(r).includes("snp.cert.chain"));
});

test("F16: a look-alike root with AMD's exact DN is not trusted", async () => {
  const fake = await makeFakeHierarchy({ tcb: TCB, hwId: CHIP, namePrefix: "" });
  const signed = makeSignedReport(fake.leafKey, { tcb: TCB, layout: "legacy", chipId: CHIP });
  const r = verifySnp(signed, { now: NOW, certificates: [fake.leaf, fake.intermediate, fake.ark] });
  assert.deepEqual(failed(r), ["snp.cert.chain"]);
  assert.match(r.failures[0]!.actual, /"ARK-Milan" \(sha256 [0-9a-f]{64}\), which is not a trusted ARK/);
});

test("F18: an ARK-signed CRL revoking the ASK or the VCEK fails verification with tcbStatus Revoked", async () => {
  const revokesAsk = await makeFakeCrl(milan, [milan.intermediateSerial]);
  const r = verifySnp(report, opts({ collateral: { crls: [revokesAsk] } }));
  assert.deepEqual(failed(r), ["snp.cert.revoked"]);
  assert.equal(r.tcbStatus, "Revoked");
  assert.equal(r.claims.tcb_status, "Revoked");
  const revokesLeaf = await makeFakeCrl(milan, [milan.leafSerial]);
  assert.deepEqual(failed(verifySnp(report, opts({ collateral: { crls: [revokesLeaf] } }))), [
    "snp.cert.revoked",
  ]);
  const clean = await makeFakeCrl(milan, ["7777"]);
  const ok = verifySnp(report, opts({ collateral: { crls: [clean] }, requireCrl: true }));
  assert.deepEqual(ok.failures, []);
  assert.ok(ok.checks.some((c) => c.check === "snp.cert.crl" && c.ok));
});

test("F18: stale, forged, missing and unreadable CRLs", async () => {
  const stale = await makeFakeCrl(
    milan,
    [],
    new Date("2025-01-01T00:00:00Z"),
    new Date("2025-02-01T00:00:00Z"),
  );
  assert.deepEqual(failed(verifySnp(report, opts({ collateral: { crls: [stale] } }))), ["snp.cert.crl"]);
  const future = await makeFakeCrl(milan, [], new Date("2027-01-01T00:00:00Z"));
  assert.deepEqual(failed(verifySnp(report, opts({ collateral: { crls: [future] } }))), ["snp.cert.crl"]);
  // Same issuer name, another key: the signature must not verify.
  const other = await makeFakeHierarchy({ tcb: TCB, hwId: CHIP });
  const forged = await makeFakeCrl(other, []);
  const r = verifySnp(report, opts({ collateral: { crls: [forged] } }));
  assert.deepEqual(failed(r), ["snp.cert.crl"]);
  assert.match(r.failures[0]!.actual, /does not verify/);
  assert.deepEqual(failed(verifySnp(report, opts({ requireCrl: true }))), ["snp.cert.crl"]);
  assert.deepEqual(failed(verifySnp(report, opts({ collateral: { crls: [Uint8Array.of(0x30, 0x00)] } }))), [
    "snp.cert.crl",
  ]);
  // A CRL of another ARK does not apply to this chain.
  const gcp = readFileSync(vectorPath("snp", "teekit_gcp_milan_v5", "sev-gcp.bin"));
  const gcpCert = readFileSync(vectorPath("snp", "teekit_gcp_milan_v5", "sev-gcp-vcek.pem"));
  const unrelated = await makeFakeCrl(milan, ["010001"]);
  assert.equal(
    verifySnp(gcp, { now: NOW, certificates: [gcpCert], collateral: { crls: [unrelated] } }).valid,
    true,
  );
});

test("AMD's RSA-PSS SHA-384 CA shape, including a PEM CRL signed with RSA-PSS", async () => {
  const pss = await makeFakeHierarchy({ tcb: TCB, hwId: CHIP, caAlgorithm: "rsa-pss", product: "Genoa" });
  const signed = makeSignedReport(pss.leafKey, {
    tcb: TCB,
    layout: "legacy",
    chipId: CHIP,
    cpuid: [0x19, 0x11, 0x01],
  });
  const base = { now: NOW, certificates: [pss.leaf, pss.intermediate], trust: { amdRoots: [pss.ark] } };
  assert.deepEqual(verifySnp(signed, base).failures, []);
  const crl = await makeFakeCrl(pss, [pss.intermediateSerial]);
  const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(crl).toString("base64")}\n-----END X509 CRL-----\n`;
  assert.deepEqual(failed(verifySnp(signed, { ...base, collateral: { crls: [pem] } })), ["snp.cert.revoked"]);
  // A Genoa chain for a Milan-CPUID report is a product mismatch.
  const milanCpu = makeSignedReport(pss.leafKey, {
    tcb: TCB,
    layout: "legacy",
    chipId: CHIP,
    cpuid: [0x19, 0x01, 0x01],
  });
  assert.ok(failed(verifySnp(milanCpu, base)).includes("snp.cert.product"));
});

test("Turin: fmcSPL and the 8-byte hwID bind the VCEK to the report", async () => {
  const tcb = { fmc: 2, bootloader: 1, tee: 0, snp: 3, microcode: 9 };
  const hw = CHIP.subarray(0, 8);
  for (const wrapHwId of [false, true]) {
    const turin = await makeFakeHierarchy({ product: "Turin", tcb, hwId: hw, wrapHwId });
    const base = {
      now: NOW,
      certificates: [turin.leaf, turin.intermediate],
      trust: { amdRoots: [turin.ark] },
    };
    const signed = makeSignedReport(turin.leafKey, {
      tcb,
      layout: "turin",
      chipId: CHIP,
      cpuid: [0x1a, 0x02, 0x00],
      version: 5,
    });
    const r = verifySnp(signed, base);
    assert.deepEqual(r.failures, [], `wrapHwId ${wrapHwId}`);
    assert.equal(r.claims.reported_tcb_fmc, 2);
    assert.equal(r.claims.product, "Turin");
    // REPORTED_TCB fmc differs from the VCEK's fmcSPL.
    const fmcOff = makeSignedReport(turin.leafKey, {
      tcb: { ...tcb, fmc: 3 },
      layout: "turin",
      chipId: CHIP,
      cpuid: [0x1a, 0x02, 0x00],
    });
    assert.deepEqual(failed(verifySnp(fmcOff, base)), ["snp.cert.tcb"]);
    // Another chip whose first 8 bytes differ.
    const otherChip = Uint8Array.from(CHIP);
    otherChip[0] ^= 0xff;
    const wrongChip = makeSignedReport(turin.leafKey, {
      tcb,
      layout: "turin",
      chipId: otherChip,
      cpuid: [0x1a, 0x02, 0x00],
    });
    assert.deepEqual(failed(verifySnp(wrongChip, base)), ["snp.cert.hwid"]);
  }
});

test("simulated VLEK: cspId required, ASVK intermediate", async () => {
  const v = await makeFakeHierarchy({ kind: "VLEK", tcb: TCB, cspId: "CN=sim.cocoon" });
  const signed = makeSignedReport(v.leafKey, { tcb: TCB, layout: "legacy", signingKey: 1 });
  const r = verifySnp(signed, {
    now: NOW,
    certificates: [v.leaf, v.intermediate],
    trust: { amdRoots: [v.ark] },
  });
  assert.deepEqual(r.failures, []);
  assert.equal(r.claims.signing_key, "VLEK");
});
