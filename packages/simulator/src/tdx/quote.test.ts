import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPublicKey, verify } from "node:crypto";
import { fixedClock } from "@cocoon/core";
import { sharedSimulator, tempDir } from "../test/fixture.ts";
import { Simulator } from "../simulator.ts";
import { SimulatorInputError } from "../errors.ts";
import { sha256 } from "../keys.ts";
import { collateralToQvlJson } from "./collateral.ts";
import { ENCLAVE_REPORT_FIELDS, readFields, TD_REPORT10_FIELDS, TD_REPORT15_FIELDS } from "./layout.ts";
import { SIMULATED_QE_MRSIGNER } from "./quote.ts";
import { collateralFromQvlJson, parseDcapQuote, parsePckExtensions, verifyTdx } from "@cocoon/evidence";

const mrTd = Buffer.alloc(48, 0x11);
const mrConfigId = Buffer.alloc(48, 0x22);
const reportData = Buffer.alloc(64, 0x33);

/** Our own reading of the v4 signature data (evidence.md §4.3 absolute offsets for TDX v4). */
function readSignatureData(quote: Uint8Array) {
  const view = new DataView(quote.buffer, quote.byteOffset, quote.byteLength);
  const sigLen = view.getUint32(632, true);
  assert.equal(632 + 4 + sigLen, quote.length, "signature data length covers the rest exactly");
  assert.equal(view.getUint16(764, true), 6, "certification data type 6 (QE report)");
  const qeCertLen = view.getUint32(766, true);
  assert.equal(770 + qeCertLen, quote.length);
  const authLen = view.getUint16(1218, true);
  const innerAt = 1220 + authLen;
  assert.equal(view.getUint16(innerAt, true), 5, "inner certification data type 5 (PCK chain)");
  const pemLen = view.getUint32(innerAt + 2, true);
  return {
    signature: quote.subarray(636, 700),
    attestationKey: quote.subarray(700, 764),
    qeReport: quote.subarray(770, 1154),
    qeReportSignature: quote.subarray(1154, 1218),
    qeAuthData: quote.subarray(1220, 1220 + authLen),
    pem: Buffer.from(quote.subarray(innerAt + 6, innerAt + 6 + pemLen)).toString("ascii"),
  };
}

function spkiFromRaw(point: Uint8Array) {
  const x = Buffer.from(point.subarray(0, 32)).toString("base64url");
  const y = Buffer.from(point.subarray(32)).toString("base64url");
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" });
}

test("TDX v4 quote: header, TD report body and signature data decode at the documented offsets", async () => {
  const sim = await sharedSimulator();
  const intel = await sim.intel();
  const { quote } = await sim.tdxQuote({ mrTd, mrConfigId, reportData });
  const view = new DataView(quote.buffer, quote.byteOffset, quote.byteLength);
  assert.equal(view.getUint16(0, true), 4);
  assert.equal(view.getUint16(2, true), 2);
  assert.equal(view.getUint32(4, true), 0x81);
  assert.equal(Buffer.from(quote.subarray(12, 28)).toString("hex"), "939a7233f79c4ca9940a0db3957f0607");
  assert.deepEqual(quote.subarray(28, 44), intel.qeId);
  const body = readFields(quote, 48, TD_REPORT10_FIELDS);
  assert.deepEqual(body["mrTd"], new Uint8Array(mrTd));
  assert.deepEqual(body["mrConfigId"], new Uint8Array(mrConfigId));
  assert.deepEqual(body["reportData"], new Uint8Array(reportData));
  assert.equal(Buffer.from(body["tdAttributes"]!).toString("hex"), "0000001000000000"); // SEPT_VE_DISABLE only
  assert.equal(Buffer.from(body["teeTcbSvn"]!).toString("hex"), "06010300000000000000000000000000");

  const sd = readSignatureData(quote);
  // Quote signature by the attestation key over header ‖ body (632 bytes).
  const ak = spkiFromRaw(sd.attestationKey);
  assert.ok(verify("sha256", quote.subarray(0, 632), { key: ak, dsaEncoding: "ieee-p1363" }, sd.signature));
  // QE report binds the attestation key and is signed by the PCK leaf of the embedded chain.
  const qe = readFields(sd.qeReport, 0, ENCLAVE_REPORT_FIELDS);
  assert.deepEqual(qe["reportData"]!.subarray(0, 32), sha256(sd.attestationKey, sd.qeAuthData));
  assert.ok(qe["reportData"]!.subarray(32).every((b) => b === 0));
  assert.deepEqual(qe["mrSigner"], SIMULATED_QE_MRSIGNER);
  const certs = sd.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
  assert.equal(certs.length, 3);
  const [leaf, ca, root] = certs.map((pem) => new X509Certificate(pem));
  assert.ok(
    verify("sha256", sd.qeReport, { key: leaf!.publicKey, dsaEncoding: "ieee-p1363" }, sd.qeReportSignature),
  );
  assert.ok(leaf!.verify(ca!.publicKey) && ca!.verify(root!.publicKey) && root!.verify(root!.publicKey));
  assert.match(root!.subject, /CN=SIMULATED Intel SGX Root CA/);
  assert.match(ca!.subject, /CN=SIMULATED Intel SGX PCK Platform CA/);
});

test("TDX quote parses with @cocoon/evidence's DCAP parser; PCK SGX extensions read back", async () => {
  const sim = await sharedSimulator();
  const cpuSvn = Uint8Array.of(5, 5, 2, 2, 4, 1, 0, 7, 0, 0, 0, 0, 0, 0, 0, 1);
  const out = await sim.tdxQuote({
    mrTd,
    reportData,
    cpuSvn,
    pceSvn: 13,
    fmspc: Uint8Array.of(0x90, 0xc0, 0x6f, 0, 0, 0),
  });
  const q = parseDcapQuote(out.quote);
  assert.equal(q.header.version, 4);
  const pck = parsePckExtensions(out.pckChain[0]!);
  assert.equal(Buffer.from(pck.fmspc).toString("hex"), "90c06f000000");
  assert.equal(pck.pceSvn, 13);
  assert.equal(Buffer.from(pck.cpuSvn).toString("hex"), Buffer.from(cpuSvn).toString("hex"));
  assert.equal(Buffer.from(pck.pceId).toString("hex"), "0000");
  assert.equal(pck.sgxType, 1);
  assert.deepEqual(pck.cpuSvnComponents, Array.from(cpuSvn));
  assert.equal(pck.platformInstanceId?.length, 16);
  assert.equal(pck.ppid.length, 16);
  assert.equal(pck.dynamicPlatform, true);
});

test("collateral: TCB info and QE identity signed over their exact text by the TCB signing key", async () => {
  const sim = await sharedSimulator();
  const { collateral } = await sim.tdxQuote({ tcbStatus: "OutOfDate", advisoryIds: ["INTEL-SA-00000"] });
  const info = JSON.parse(collateral.tcbInfo) as Record<string, unknown>;
  assert.deepEqual(Object.keys(info), [
    "id",
    "version",
    "issueDate",
    "nextUpdate",
    "fmspc",
    "pceId",
    "tcbType",
    "tcbEvaluationDataNumber",
    "tdxModule",
    "tdxModuleIdentities",
    "tcbLevels",
  ]);
  assert.equal(info["id"], "TDX");
  assert.equal(info["version"], 3);
  assert.match(String(info["issueDate"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const level = (info["tcbLevels"] as Array<Record<string, unknown>>)[0]!;
  assert.equal(level["tcbStatus"], "OutOfDate");
  assert.deepEqual(level["advisoryIDs"], ["INTEL-SA-00000"]);
  const identity = JSON.parse(collateral.qeIdentity) as Record<string, unknown>;
  assert.equal(identity["id"], "TD_QE");
  assert.equal(identity["isvprodid"], 2);
  const signer = new X509Certificate(collateral.tcbInfoIssuerChain);
  assert.match(signer.subject, /CN=SIMULATED Intel SGX TCB Signing/);
  for (const [text, sig] of [
    [collateral.tcbInfo, collateral.tcbInfoSignature],
    [collateral.qeIdentity, collateral.qeIdentitySignature],
  ] as const) {
    assert.match(sig, /^[0-9a-f]{128}$/);
    assert.ok(
      verify(
        "sha256",
        Buffer.from(text),
        { key: signer.publicKey, dsaEncoding: "ieee-p1363" },
        Buffer.from(sig, "hex"),
      ),
    );
  }
});

test("round trip: verifyTdx accepts the quote only with the simulated Intel root trusted, and says simulated", async () => {
  const sim = await sharedSimulator();
  const trust = await sim.trustAnchors([]);
  const out = await sim.tdxQuote({ mrTd, mrConfigId, reportData });
  // Through the dcap-qvl QuoteCollateralV3 JSON file format, as the CLI writes it.
  const collateral = collateralFromQvlJson(collateralToQvlJson(out.collateral));
  const ok = verifyTdx(out.quote, { trust, collateral, expectedReportData: reportData });
  assert.deepEqual(ok.failures, []);
  assert.equal(ok.valid, true);
  assert.equal(ok.simulated, true);
  assert.equal(ok.tcbStatus, "UpToDate");

  const untrusted = verifyTdx(out.quote, { collateral });
  assert.equal(untrusted.valid, false);
  assert.ok(
    untrusted.failures.some((f) => f.check.startsWith("tdx.pck")),
    JSON.stringify(untrusted.failures),
  );

  const tampered = Uint8Array.from(out.quote);
  tampered[48 + 136] ^= 1; // one bit of MRTD
  assert.equal(verifyTdx(tampered, { trust, collateral }).valid, false);
});

test("a debug TD and an OutOfDate platform are reported as such by verifyTdx", async () => {
  const sim = await sharedSimulator();
  const trust = await sim.trustAnchors([]);
  const debug = await sim.tdxQuote({ debug: true });
  const r1 = verifyTdx(debug.quote, { trust, collateral: debug.collateral });
  assert.equal(r1.valid, false);
  assert.ok(
    r1.failures.some((f) => /debug/i.test(f.check)),
    JSON.stringify(r1.failures),
  );
  const old = await sim.tdxQuote({ tcbStatus: "OutOfDate" });
  const r2 = verifyTdx(old.quote, { trust, collateral: old.collateral });
  assert.equal(r2.tcbStatus, "OutOfDate");
});

test("bad sizes are typed SimulatorInputErrors", async () => {
  const sim = await sharedSimulator();
  await assert.rejects(sim.tdxQuote({ mrTd: new Uint8Array(32) }), SimulatorInputError);
  await assert.rejects(sim.tdxQuote({ mrConfigId: new Uint8Array(49) }), SimulatorInputError);
  await assert.rejects(sim.tdxQuote({ reportData: new Uint8Array(65) }), SimulatorInputError);
  await assert.rejects(sim.tdxQuote({ pceSvn: 70000 }), SimulatorInputError);
  await assert.rejects(
    sim.tdxQuote({ rtmrs: [new Uint8Array(48), new Uint8Array(47)] }),
    SimulatorInputError,
  );
});

test("TDX v5 quote (TD report 1.5): body descriptor, 702-byte signed region, verifies with verifyTdx", async () => {
  const sim = await sharedSimulator();
  const trust = await sim.trustAnchors([]);
  const teeTcbSvn2 = Uint8Array.of(7, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const out = await sim.tdxQuote({ version: 5, mrTd, reportData, teeTcbSvn2 });
  const view = new DataView(out.quote.buffer, out.quote.byteOffset, out.quote.byteLength);
  assert.equal(view.getUint16(0, true), 5);
  assert.equal(view.getUint16(48, true), 3, "body type 3 = TD report 1.5");
  assert.equal(view.getUint32(50, true), 648);
  const body = readFields(out.quote, 54, TD_REPORT15_FIELDS);
  assert.deepEqual(body["mrTd"], new Uint8Array(mrTd));
  assert.deepEqual(body["teeTcbSvn2"], teeTcbSvn2);
  assert.ok(body["mrServiceTd"]!.every((b) => b === 0));
  const sigLen = view.getUint32(702, true);
  assert.equal(702 + 4 + sigLen, out.quote.length);
  const ak = spkiFromRaw(out.quote.subarray(702 + 4 + 64, 702 + 4 + 128));
  assert.ok(
    verify(
      "sha256",
      out.quote.subarray(0, 702),
      { key: ak, dsaEncoding: "ieee-p1363" },
      out.quote.subarray(706, 770),
    ),
  );
  const q = parseDcapQuote(out.quote);
  assert.equal(q.header.version, 5);
  const result = verifyTdx(out.quote, { trust, collateral: out.collateral, expectedReportData: reportData });
  assert.deepEqual(result.failures, []);
  assert.equal(result.tcbStatus, "UpToDate");
  assert.equal(result.simulated, true);
  await assert.rejects(sim.tdxQuote({ version: 4, teeTcbSvn2 }), SimulatorInputError);
  await assert.rejects(sim.tdxQuote({ version: 6 as 5 }), SimulatorInputError);
});

test("the simulator's clock dates every certificate and collateral: a quote made 'in 2031' verifies then only", async () => {
  const when = new Date("2031-03-01T12:00:00Z");
  const sim = await Simulator.open({ stateDir: tempDir(), clock: fixedClock(when) });
  const out = await sim.tdxQuote({});
  const trust = await sim.trustAnchors([]);
  assert.deepEqual(verifyTdx(out.quote, { trust, collateral: out.collateral, now: when }).failures, []);
  const early = verifyTdx(out.quote, {
    trust,
    collateral: out.collateral,
    now: new Date("2026-01-01T00:00:00Z"),
  });
  assert.equal(early.valid, false);
  assert.ok(early.failures.some((f) => f.check.includes("pck") || f.check.includes("collateral")));
});
