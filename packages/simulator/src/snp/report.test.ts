import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { parseAmdCertificate, parseSnpReport, verifySnp } from "@cocoon/evidence";
import { sharedSimulator } from "../test/fixture.ts";
import { decodeSnpFields } from "./codec.ts";
import { CERT_TABLE_GUID, decodeCertTable } from "./cert-table.ts";
import { SimulatorInputError } from "../errors.ts";
import { encodeSnpTcb } from "../amd/products.ts";

const measurement = Buffer.alloc(48, 0xab);
const hostData = Buffer.alloc(32, 0xcd);
const reportData = Buffer.from("nonce-1234");
const tcb = { bootloader: 3, tee: 0, snp: 8, microcode: 115 };

test("SNP v5 report: every field we set decodes back with our own table decoder", async () => {
  const sim = await sharedSimulator();
  const amd = await sim.amd("Milan");
  const { report } = await sim.snpReport({
    version: 5,
    measurement,
    hostData,
    reportData,
    tcb,
    vmpl: 1,
    guestSvn: 7,
  });
  assert.equal(report.length, 0x4a0);
  const f = decodeSnpFields(report);
  assert.equal(f["version"], 5);
  assert.equal(f["guestSvn"], 7);
  assert.equal(f["policy"], 0x30000n);
  assert.equal(f["vmpl"], 1);
  assert.equal(f["signatureAlgo"], 1);
  assert.equal(f["keyInfo"], 0);
  assert.deepEqual(f["measurement"], new Uint8Array(measurement));
  assert.deepEqual(f["hostData"], new Uint8Array(hostData));
  const padded = new Uint8Array(64);
  padded.set(reportData);
  assert.deepEqual(f["reportData"], padded);
  assert.deepEqual(f["reportedTcb"], encodeSnpTcb("Milan", tcb));
  assert.deepEqual(f["currentTcb"], encodeSnpTcb("Milan", tcb));
  assert.deepEqual(f["chipId"], amd.chipId);
  assert.equal(f["cpuidFamId"], 0x19);
  assert.equal(f["cpuidModId"], 0x01);
  assert.deepEqual(f["reportIdMa"], new Uint8Array(32).fill(0xff));
  assert.equal(f["launchMitVector"], 0n);
  // R and S: 48 significant little-endian bytes, the 24 high bytes zero (evidence.md §1.5).
  assert.ok((f["signatureR"] as Uint8Array).subarray(48).every((b) => b === 0));
  assert.ok((f["signatureS"] as Uint8Array).subarray(48).every((b) => b === 0));
  assert.ok(
    report.subarray(0x330).every((b) => b === 0),
    "signature tail reserved",
  );
});

test("SNP report parses with @cocoon/evidence's parser with no reserved-field violations (v2, v3, v5)", async () => {
  const sim = await sharedSimulator();
  for (const version of [2, 3, 5] as const) {
    const { report } = await sim.snpReport({ version, measurement, hostData, reportData, tcb, debug: true });
    const parsed = parseSnpReport(report, { product: "Milan" });
    assert.equal(parsed.version, version);
    assert.deepEqual(parsed.reservedViolations, []);
    assert.equal(parsed.guestPolicy.debugAllowed, true);
    assert.equal(parsed.guestPolicy.reservedBit17, true);
    assert.equal(parsed.keyInfo.signingKey, "VCEK");
    assert.equal(parsed.product, "Milan");
    assert.deepEqual({ ...parsed.reportedTcb, raw: "" }, { ...tcb, raw: "" });
    assert.equal(Buffer.from(parsed.measurement).toString("hex"), measurement.toString("hex"));
    if (version >= 3) assert.deepEqual(parsed.cpuid, { family: 0x19, model: 0x01, stepping: 0x01 });
    else assert.equal(parsed.cpuid, undefined);
  }
});

test("VCEK carries AMD's extensions with the report's TCB and CHIP_ID, and chains ASK → ARK (RSA-PSS)", async () => {
  const sim = await sharedSimulator();
  const amd = await sim.amd("Milan");
  const out = await sim.snpReport({ tcb });
  const vcek = parseAmdCertificate(out.leaf);
  assert.equal(vcek.subjectCn, "SIMULATED SEV-VCEK");
  assert.equal(vcek.issuerCn, "SIMULATED SEV-Milan");
  assert.equal(vcek.amd.structVersion, 0);
  assert.equal(vcek.amd.productName, "Milan-B0");
  assert.equal(vcek.amd.blSPL, 3);
  assert.equal(vcek.amd.teeSPL, 0);
  assert.equal(vcek.amd.snpSPL, 8);
  assert.equal(vcek.amd.ucodeSPL, 115);
  assert.equal(vcek.amd.fmcSPL, undefined);
  assert.deepEqual(vcek.amd.hwId, amd.chipId);
  assert.deepEqual(vcek.amd.malformed, []);
  // ucodeSPL 115 < 128 is encoded 02 01 73, exactly as the genuine Milan VCEK (evidence.md §2.2).
  assert.equal(vcek.amd.raw["1.3.6.1.4.1.3704.1.3.8"], "020173");
  assert.equal(vcek.amd.raw["1.3.6.1.4.1.3704.1.3.4"], "020100");
  assert.equal(vcek.publicKey.asymmetricKeyDetails?.namedCurve, "secp384r1");
  const ask = new X509Certificate(out.intermediate);
  const ark = new X509Certificate(out.ark);
  assert.ok(new X509Certificate(out.leaf).verify(ask.publicKey));
  assert.ok(ask.verify(ark.publicKey));
  assert.ok(ark.verify(ark.publicKey));
  assert.match(ark.subject, /CN=SIMULATED ARK-Milan/);
  assert.equal(ark.publicKey.asymmetricKeyDetails?.modulusLength, 4096);
  assert.ok(ask.ca && ark.ca);
});

test("the auxblob certificate table lists VCEK, ASK, ARK under the GHCB GUIDs", async () => {
  const sim = await sharedSimulator();
  const out = await sim.snpReport({});
  const entries = decodeCertTable(out.certTable);
  assert.deepEqual(
    entries.map((e) => e.guid),
    [CERT_TABLE_GUID.vcek, CERT_TABLE_GUID.ask, CERT_TABLE_GUID.ark],
  );
  assert.deepEqual(entries[0]!.data, out.leaf);
  assert.deepEqual(entries[2]!.data, out.ark);
  assert.throws(() => decodeCertTable(out.certTable.subarray(0, 30)), SimulatorInputError);
});

test("round trip: verifySnp accepts the report only when the simulated ARK is trusted, and says simulated", async () => {
  const sim = await sharedSimulator();
  const trust = await sim.trustAnchors(["Milan"]);
  const out = await sim.snpReport({ measurement, hostData, reportData, tcb });
  const certificates = [out.leaf, out.intermediate];
  const ok = verifySnp(out.report, {
    trust,
    certificates,
    expectedReportData: reportData,
    expectedMeasurement: measurement,
  });
  assert.deepEqual(ok.failures, []);
  assert.equal(ok.valid, true);
  assert.equal(ok.simulated, true);
  assert.equal(ok.claims["simulated"], true);
  assert.equal(ok.tcbStatus, "UpToDate");

  // The ARK-signed CRL the simulated KDS would serve is accepted as collateral.
  const crl = await (await sim.amd("Milan")).crl(new Date());
  const withCrl = verifySnp(out.report, {
    trust,
    certificates,
    collateral: { crls: [crl] },
    requireCrl: true,
  });
  assert.deepEqual(withCrl.failures, []);
  assert.ok(withCrl.checks.some((c) => c.check === "snp.cert.crl" && c.ok));

  const untrusted = verifySnp(out.report, { certificates: [out.leaf, out.intermediate, out.ark] });
  assert.equal(untrusted.valid, false);
  assert.ok(untrusted.failures.some((f) => f.check === "snp.cert.chain"));

  const tampered = Uint8Array.from(out.report);
  tampered[0x90] ^= 1; // one bit of MEASUREMENT
  const bad = verifySnp(tampered, { trust, certificates });
  assert.ok(bad.failures.some((f) => f.check === "snp.signature"));
});

test("a debug guest verifies cryptographically but fails the debug policy unless allowed", async () => {
  const sim = await sharedSimulator();
  const trust = await sim.trustAnchors(["Milan"]);
  const out = await sim.snpReport({ debug: true });
  const result = verifySnp(out.report, { trust, certificates: [out.leaf, out.intermediate] });
  assert.deepEqual(
    result.failures.map((f) => f.check),
    ["snp.policy.debug"],
  );
  assert.equal(
    verifySnp(out.report, { trust, certificates: [out.leaf, out.intermediate], allowDebug: true }).valid,
    true,
  );
});

test("Turin: Turin TCB layout, 8-byte hwID, fmcSPL and no spl_4 on the VCEK; verifies", async () => {
  const sim = await sharedSimulator();
  const turinTcb = { fmc: 2, bootloader: 1, tee: 0, snp: 3, microcode: 9 };
  const out = await sim.snpReport({ product: "Turin", tcb: turinTcb, version: 3 });
  const parsed = parseSnpReport(out.report);
  assert.equal(parsed.product, "Turin");
  assert.equal(parsed.reportedTcb.fmc, 2);
  assert.equal(parsed.reportedTcb.snp, 3);
  assert.ok(parsed.chipId.subarray(8).every((b) => b === 0));
  const vcek = parseAmdCertificate(out.leaf);
  assert.equal(vcek.amd.structVersion, 1);
  assert.equal(vcek.amd.productName, "Turin");
  assert.equal(vcek.amd.fmcSPL, 2);
  assert.equal(vcek.amd.hwId?.length, 8);
  assert.equal(vcek.amd.raw["1.3.6.1.4.1.3704.1.3.4"], undefined);
  const trust = await sim.trustAnchors(["Turin"]);
  const result = verifySnp(out.report, { trust, certificates: [out.leaf, out.intermediate] });
  assert.deepEqual(result.failures, []);
});

test("VLEK-signed report (as on AWS): KEY_INFO says VLEK, cert table has the VLEK GUID, and it verifies", async () => {
  const sim = await sharedSimulator();
  const out = await sim.snpReport({ signer: "VLEK", reportData, version: 3 });
  const parsed = parseSnpReport(out.report);
  assert.equal(parsed.keyInfo.signingKey, "VLEK");
  assert.equal(out.signer, "VLEK");
  assert.deepEqual(
    decodeCertTable(out.certTable).map((e) => e.guid),
    [CERT_TABLE_GUID.vlek, CERT_TABLE_GUID.ask, CERT_TABLE_GUID.ark],
  );
  const vlek = parseAmdCertificate(out.leaf);
  assert.equal(vlek.amd.cspId, "CN=simulated-csp.cocoon-simulator.invalid");
  assert.equal(vlek.amd.hwId, undefined);
  const trust = await sim.trustAnchors(["Milan"]);
  const result = verifySnp(out.report, {
    trust,
    certificates: [out.leaf, out.intermediate],
    expectedReportData: reportData,
  });
  assert.deepEqual(result.failures, []);
  assert.equal(result.simulated, true);
  // A VLEK-signed report with the VCEK chain instead fails (wrong signer).
  const vcekOut = await sim.snpReport({});
  const mixed = verifySnp(out.report, { trust, certificates: [vcekOut.leaf, vcekOut.intermediate] });
  assert.equal(mixed.valid, false);
  await assert.rejects(sim.snpReport({ signer: "NONE" as "VCEK" }), SimulatorInputError);
});

test("bad sizes and values are typed SimulatorInputErrors", async () => {
  const sim = await sharedSimulator();
  await assert.rejects(sim.snpReport({ measurement: new Uint8Array(47) }), SimulatorInputError);
  await assert.rejects(sim.snpReport({ hostData: new Uint8Array(33) }), SimulatorInputError);
  await assert.rejects(sim.snpReport({ reportData: new Uint8Array(65) }), SimulatorInputError);
  await assert.rejects(sim.snpReport({ vmpl: 4 }), SimulatorInputError);
  await assert.rejects(
    sim.snpReport({ tcb: { bootloader: 256, tee: 0, snp: 0, microcode: 0 } }),
    SimulatorInputError,
  );
  await assert.rejects(
    sim.snpReport({ tcb: { fmc: 1, bootloader: 1, tee: 0, snp: 0, microcode: 0 } }),
    SimulatorInputError,
  );
  await assert.rejects(sim.snpReport({ version: 6 as 5 }), SimulatorInputError);
});
