/**
 * The DCAP reject cases of research/evidence.md §6 (F1–F7, F10, F16–F25), each produced by mutating
 * a genuine vector or its collateral; every case names the specific check that must fail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyDcapQuote, verifySgx, verifyTdx, type DcapVerifyOptions } from "./verify.ts";
import { dcapChainCacheSize } from "./chain.ts";
import { clearDcapVerificationCache } from "./cache.ts";
import { loadCollateral, loadQuote } from "./test-support.ts";
import { parseDcapQuote } from "./quote.ts";
import { DcapFormatError } from "./errors.ts";
import type { VerifyResult } from "../types.ts";

const TDX = loadQuote("tdx/dcapqvl/tdx_quote.bin");
const TDX_COL = loadCollateral("tdx/dcapqvl/tdx_quote_collateral.json");
const TDX_NOW = new Date("2025-07-01T00:00:00Z");
const SGX = loadQuote("sgx/dcapqvl/sgx_quote.bin");
const SGX_COL = loadCollateral("sgx/dcapqvl/sgx_quote_collateral.json");
const SGX_NOW = new Date("2025-07-01T00:00:00Z");
const V5 = loadQuote("tdx/gotdx/quote_v5_sample.dat");
const V5_NOW = new Date("2026-02-05T00:00:00Z");

function mutate(bytes: Uint8Array, f: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  f(copy, new DataView(copy.buffer));
  return copy;
}

const failed = (r: VerifyResult): string[] => r.failures.map((f) => f.check);

function tdx(quote: Uint8Array, extra: DcapVerifyOptions = {}): VerifyResult {
  return verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL, ...extra });
}

test("baselines: the genuine TDX and SGX quotes verify completely", () => {
  const t = tdx(TDX);
  assert.deepEqual(t.failures, []);
  assert.equal(t.valid, true);
  const s = verifySgx(SGX, { now: SGX_NOW, collateral: SGX_COL });
  assert.deepEqual(s.failures, []);
  assert.equal(s.tcbStatus, "ConfigurationAndSWHardeningNeeded");
});

test("F1 truncated or inconsistent lengths are format failures, never exceptions", () => {
  for (const len of [0, 10, 47, 600, 700, 1000, 4900]) {
    const r = tdx(TDX.subarray(0, len));
    assert.deepEqual(failed(r), ["tdx.format"], `length ${len}`);
    assert.equal(r.valid, false);
  }
  const hugeSig = mutate(TDX, (_b, v) => v.setUint32(632, 0xffffffff, true));
  assert.match(tdx(hugeSig).failures[0]!.actual, /signature_data_len/);
  const hugeCert = mutate(TDX, (_b, v) => v.setUint32(766, 0x7fffffff, true));
  assert.deepEqual(failed(tdx(hugeCert)), ["tdx.format"]);
  const hugeAuth = mutate(TDX, (_b, v) => v.setUint16(1218, 0xffff, true));
  assert.deepEqual(failed(tdx(hugeAuth)), ["tdx.format"]);
  assert.throws(() => parseDcapQuote(TDX.subarray(0, 100)), DcapFormatError);
});

test("F2 unknown versions, body types and sizes are rejected", () => {
  for (const version of [1, 2, 6, 0xffff]) {
    const r = tdx(mutate(TDX, (_b, v) => v.setUint16(0, version, true)));
    assert.deepEqual(failed(r), ["tdx.format"]);
    assert.match(r.failures[0]!.actual, /unsupported quote version/);
  }
  // v3 is SGX only.
  assert.deepEqual(failed(verifyDcapQuote(mutate(SGX, (_b, v) => v.setUint32(4, 0x81, true)))), [
    "dcap.format",
  ]);
  // v5 body descriptor: unknown type, wrong size, type inconsistent with tee_type.
  assert.match(
    verifyTdx(mutate(V5, (_b, v) => v.setUint16(48, 9, true))).failures[0]!.actual,
    /unknown v5 body type 9/,
  );
  assert.match(
    verifyTdx(mutate(V5, (_b, v) => v.setUint32(50, 584, true))).failures[0]!.actual,
    /must have size 648/,
  );
  assert.match(
    verifyTdx(mutate(V5, (_b, v) => v.setUint16(48, 1, true))).failures[0]!.actual,
    /must have size 384/,
  );
  // Unknown tee_type.
  assert.deepEqual(failed(tdx(mutate(TDX, (_b, v) => v.setUint32(4, 0x82, true)))), ["tdx.format"]);
  // An SGX v3 quote handed to verifyTdx, a TDX quote to verifySgx.
  assert.ok(failed(verifyTdx(SGX, { now: SGX_NOW, collateral: SGX_COL })).includes("tdx.tee_type"));
  assert.ok(failed(verifySgx(TDX, { now: TDX_NOW, collateral: TDX_COL })).includes("sgx.tee_type"));
});

test("F3 attestation key type other than ECDSA P-256 is named as such", () => {
  const r = tdx(mutate(TDX, (_b, v) => v.setUint16(2, 3, true)));
  assert.ok(failed(r).includes("tdx.header.att_key_type"));
  assert.ok(failed(r).includes("tdx.quote.signature"), "the header is signed too");
});

test("F4 any bit of the signed region or of the signature breaks the quote signature only", () => {
  for (const off of [0 + 28, 48 + 136, 631, 636, 699]) {
    const r = tdx(mutate(TDX, (b) => (b[off]! ^= 0x01)));
    assert.ok(failed(r).includes("tdx.quote.signature"), `offset ${off}`);
    assert.ok(!failed(r).includes("tdx.pck.chain"));
  }
  const s = verifySgx(
    mutate(SGX, (b) => (b[100]! ^= 0x80)),
    { now: SGX_NOW, collateral: SGX_COL },
  );
  assert.deepEqual(failed(s), ["sgx.quote.signature"]);
});

test("F7 debug TDs and enclaves fail unless options.allowDebug", () => {
  const q4 = loadQuote("tdx/trustee/tdx_quote_4.dat");
  const col = loadCollateral("tdx/derived_collateral/gotdx_50806f000000.json");
  const now = new Date("2025-05-07T00:00:00Z");
  const strict = verifyTdx(q4, { now, collateral: col });
  const debug = strict.failures.find((f) => f.check === "tdx.debug");
  assert.ok(debug);
  assert.equal(debug.actual, "debug TD");
  assert.equal((strict.claims["td_attributes"] as Record<string, boolean>)["debug"], true);
  const allowed = verifyTdx(q4, { now, collateral: col, allowDebug: true });
  assert.ok(!failed(allowed).includes("tdx.debug"));
  // SGX: setting ATTRIBUTES.DEBUG also breaks the signature; both are reported.
  const s = verifySgx(
    mutate(SGX, (b) => (b[48 + 48]! |= 0x02)),
    { now: SGX_NOW, collateral: SGX_COL },
  );
  assert.ok(failed(s).includes("sgx.debug"));
  assert.ok(failed(s).includes("sgx.quote.signature"));
});

test("F10 REPORT_DATA is compared exactly (zero-padded to 64 bytes)", () => {
  const rd = parseDcapQuote(TDX).body.reportData;
  assert.deepEqual(failed(tdx(TDX, { expectedReportData: rd })), []);
  const wrong = new Uint8Array(rd);
  wrong[63]! ^= 1;
  const r = tdx(TDX, { expectedReportData: wrong });
  assert.deepEqual(failed(r), ["tdx.report_data"]);
  assert.deepEqual(failed(tdx(TDX, { expectedReportData: rd.subarray(0, 32) })), ["tdx.report_data"]);
  const sgxRd = Buffer.from("Hello, world!");
  assert.deepEqual(
    failed(verifySgx(SGX, { now: SGX_NOW, collateral: SGX_COL, expectedReportData: sgxRd })),
    [],
  );
});

test("F16 without the genuine root, or with a root that is not pinned, the chains fail", () => {
  const r = tdx(TDX, { trust: { genuineRoots: false } });
  assert.ok(failed(r).includes("tdx.pck.chain"));
  assert.ok(failed(r).includes("tdx.collateral.tcb_info.chain"));
  assert.match(
    r.failures.find((f) => f.check === "tdx.pck.chain")!.actual,
    /no trusted Intel root|untrusted root/,
  );
});

test("F17 expired certificates (now = 2053) fail the PCK chain", () => {
  const r = tdx(TDX, { now: new Date("2053-01-01T00:00:00Z") });
  assert.ok(failed(r).includes("tdx.pck.chain"));
  assert.match(r.failures.find((f) => f.check === "tdx.pck.chain")!.actual, /not valid at 2053/);
});

test("F18 stale CRLs and a PCK CRL from another CA are rejected", () => {
  const stale = tdx(TDX, { now: new Date("2025-08-01T00:00:00Z") });
  assert.ok(failed(stale).includes("tdx.collateral.pck_crl.freshness"));
  assert.ok(
    !failed(stale).includes("tdx.collateral.root_crl.freshness"),
    "the root CRL is issued for a year",
  );
  assert.ok(
    failed(tdx(TDX, { now: new Date("2030-01-01T00:00:00Z") })).includes("tdx.collateral.root_crl.freshness"),
  );
  assert.equal(stale.claims["collateral_expiration_status"], "1");
  // The SGX collateral's PCK CRL is the Processor CA's; this quote's PCK comes from the Platform CA.
  const other = tdx(TDX, { collateral: { ...TDX_COL, pckCrl: SGX_COL.pckCrl! } });
  assert.ok(failed(other).includes("tdx.collateral.pck_crl.signature"));
  // A root CRL that is not signed by the root (here: a PCK CRL in its place).
  const notRoot = tdx(TDX, { collateral: { ...TDX_COL, rootCaCrl: TDX_COL.pckCrl! } });
  assert.ok(failed(notRoot).includes("tdx.collateral.root_crl.signature"));
});

test("F19 collateral expired, not yet issued, tampered, re-serialised or with a wrong issuer chain", () => {
  const early = tdx(TDX, { now: new Date("2025-06-19T10:20:00Z") });
  assert.ok(failed(early).includes("tdx.collateral.qe_identity.freshness"), "QE identity issued 10:32");
  const expired = tdx(TDX, { now: new Date("2025-07-25T00:00:00Z") });
  assert.ok(failed(expired).includes("tdx.collateral.tcb_info.freshness"));
  const tampered = tdx(TDX, {
    collateral: {
      ...TDX_COL,
      tcbInfo: TDX_COL.tcbInfo!.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18'),
    },
  });
  assert.ok(failed(tampered).includes("tdx.collateral.tcb_info.signature"));
  assert.equal(tampered.tcbStatus, "Unknown");
  const pretty = tdx(TDX, {
    collateral: { ...TDX_COL, tcbInfo: JSON.stringify(JSON.parse(TDX_COL.tcbInfo!), null, 2) },
  });
  assert.ok(failed(pretty).includes("tdx.collateral.tcb_info.signature"));
  const qeTampered = tdx(TDX, {
    collateral: { ...TDX_COL, qeIdentity: TDX_COL.qeIdentity!.replace('"isvprodid":2', '"isvprodid":3') },
  });
  assert.ok(failed(qeTampered).includes("tdx.collateral.qe_identity.signature"));
  // The PCK CRL issuer chain (PCK Platform CA) is not Intel's TCB signing chain.
  const wrongChain = tdx(TDX, {
    collateral: { ...TDX_COL, tcbInfoIssuerChain: TDX_COL.pckCrlIssuerChain! },
  });
  const chainFailure = wrongChain.failures.find((f) => f.check === "tdx.collateral.tcb_info.chain");
  assert.ok(chainFailure);
  assert.match(chainFailure.actual, /signed by "Intel SGX PCK Platform CA", not "Intel SGX TCB Signing"/);
  const badSig = tdx(TDX, { collateral: { ...TDX_COL, tcbInfoSignature: "00".repeat(64) } });
  assert.ok(failed(badSig).includes("tdx.collateral.tcb_info.signature"));
  const shortSig = tdx(TDX, { collateral: { ...TDX_COL, tcbInfoSignature: "zz" } });
  assert.ok(failed(shortSig).includes("tdx.collateral.tcb_info.signature"));
});

test("missing collateral never fails open: the absent pieces are named and the TCB status is Unknown", () => {
  const none = verifyTdx(TDX, { now: TDX_NOW });
  assert.deepEqual(failed(none), ["tdx.collateral.missing"]);
  assert.equal(none.tcbStatus, "Unknown");
  assert.equal(none.valid, false);
  const partial = tdx(TDX, { collateral: { ...TDX_COL, pckCrl: undefined as unknown as Uint8Array } });
  const missing = partial.failures.find((f) => f.check === "tdx.collateral.missing")!;
  assert.equal(missing.actual, "missing: pckCrl");
  assert.equal(partial.tcbStatus, "Unknown");
  const noTcb = tdx(TDX, { collateral: { ...TDX_COL, tcbInfo: undefined as unknown as string } });
  assert.equal(noTcb.failures.find((f) => f.check === "tdx.collateral.missing")!.actual, "missing: tcbInfo");
  assert.equal(noTcb.tcbStatus, "Unknown");
});

test("F20 collateral of the wrong TEE or platform is rejected", () => {
  const r = tdx(TDX, { collateral: SGX_COL });
  assert.ok(failed(r).includes("tdx.collateral.tcb_info.id"));
  assert.ok(failed(r).includes("tdx.collateral.qe_identity.id"));
  assert.equal(r.tcbStatus, "Unknown");
  // Another TDX platform's tcbInfo (FMSPC 00806f050000).
  const other = tdx(TDX, {
    collateral: loadCollateral(
      "tcbInfo tdx/teekit/tcbInfo-tdx-00806f050000.json (+ QE identity/CRLs from tdx/dcapqvl/tdx_quote_collateral.json; x",
    ),
  });
  const fm = other.failures.find((f) => f.check === "tdx.tcb.fmspc")!;
  assert.equal(fm.expected, "00806f050000");
  assert.equal(fm.actual, "b0c06f000000");
});

test("F21 QE report signature, attestation key binding and QE vendor are each checked", () => {
  const qeSig = tdx(mutate(TDX, (b) => (b[1154]! ^= 0x01)));
  assert.deepEqual(failed(qeSig), ["tdx.qe_report.signature"]);
  const qeBody = tdx(mutate(TDX, (b) => (b[770 + 320]! ^= 0x01)));
  assert.ok(failed(qeBody).includes("tdx.qe_report.signature"));
  assert.ok(failed(qeBody).includes("tdx.qe_report.binding"));
  const auth = tdx(mutate(TDX, (b) => (b[1220]! ^= 0x01)));
  assert.deepEqual(failed(auth), ["tdx.qe_report.binding"]);
  const attKey = tdx(mutate(TDX, (b) => (b[700]! ^= 0x01)));
  assert.ok(failed(attKey).includes("tdx.qe_report.binding"));
  assert.ok(failed(attKey).includes("tdx.quote.signature"));
  const vendor = tdx(mutate(TDX, (b) => (b[12]! ^= 0x01)));
  assert.ok(failed(vendor).includes("tdx.header.qe_vendor_id"));
});

test("F22 no matching TCB level is a failure with status Unknown", () => {
  const q = loadQuote("tdx/dcapqvl/tdx_quote_outdated.bin");
  const r = verifyTdx(q, {
    now: new Date("2026-03-01T00:00:00Z"),
    collateral: loadCollateral("tdx/dcapqvl/tdx_quote_outdated_collateral.json"),
  });
  assert.deepEqual(failed(r), ["tdx.tcb.level"]);
  assert.equal(r.tcbStatus, "Unknown");
});

test("F24 TD attributes: reserved bits, SEPT_VE_DISABLE on request, MR_SERVICETD", () => {
  const reserved = tdx(mutate(TDX, (b) => (b[48 + 120]! |= 0x02)));
  assert.ok(failed(reserved).includes("tdx.td_attributes.reserved"));
  const azure = loadQuote("tdx/teekit/tdx-v4-azure");
  const strictSept = verifyTdx(azure, { now: TDX_NOW, requireSeptVeDisable: true });
  assert.ok(failed(strictSept).includes("tdx.td_attributes.sept_ve_disable"));
  assert.ok(!failed(verifyTdx(azure, { now: TDX_NOW })).includes("tdx.td_attributes.sept_ve_disable"));
  const svc = verifyTdx(
    mutate(V5, (b) => (b[54 + 600]! = 1)),
    { now: V5_NOW },
  );
  assert.ok(failed(svc).includes("tdx.mr_service_td"));
  assert.ok(
    !failed(
      verifyTdx(
        mutate(V5, (b) => (b[54 + 600]! = 1)),
        { now: V5_NOW, allowMrServiceTd: true },
      ),
    ).includes("tdx.mr_service_td"),
  );
});

test("F25 trailing bytes: zero padding accepted, anything else rejected; cert data type must be 5", () => {
  const padded = new Uint8Array(TDX.length + 100);
  padded.set(TDX);
  assert.deepEqual(failed(tdx(padded)), []);
  const junk = new Uint8Array(padded);
  junk[junk.length - 1] = 0x41;
  assert.deepEqual(failed(tdx(junk)), ["tdx.trailing_bytes"]);
  const type4 = tdx(mutate(TDX, (_b, v) => v.setUint16(1252, 4, true)));
  assert.ok(failed(type4).includes("tdx.pck.cert_data_type"));
  // Garbage inside the PCK chain data (the final NUL replaced by a letter).
  const inner = new DataView(TDX.buffer, TDX.byteOffset).getUint32(1254, true);
  const garbage = tdx(mutate(TDX, (b) => (b[1258 + inner - 1] = 0x58)));
  assert.ok(failed(garbage).includes("tdx.pck.chain"));
  assert.match(garbage.failures.find((f) => f.check === "tdx.pck.chain")!.actual, /unexpected bytes after/);
  // Outer certification data type other than 6.
  assert.match(
    tdx(mutate(TDX, (_b, v) => v.setUint16(764, 5, true))).failures[0]!.actual,
    /certification data type 5/,
  );
});

test("verified chains are cached by DER hash without bypassing time or trust", () => {
  clearDcapVerificationCache();
  assert.equal(dcapChainCacheSize(), 0);
  assert.deepEqual(failed(tdx(TDX)), []);
  const size = dcapChainCacheSize();
  assert.ok(size >= 2, "PCK chain and TCB signing chain cached");
  assert.deepEqual(failed(tdx(TDX)), []);
  assert.equal(dcapChainCacheSize(), size, "second verification hits the cache");
  assert.ok(failed(tdx(TDX, { now: new Date("2053-01-01T00:00:00Z") })).includes("tdx.pck.chain"));
  assert.ok(failed(tdx(TDX, { trust: { genuineRoots: false } })).includes("tdx.pck.chain"));
});

test("no input makes verification throw: random mutations, truncations and odd options", () => {
  // Deterministic xorshift so a failure is reproducible.
  let x = 0x9e3779b9;
  const rand = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  for (const base of [TDX, SGX, V5]) {
    for (let i = 0; i < 150; i++) {
      const m = new Uint8Array(base.subarray(0, rand(3) === 0 ? rand(base.length) : base.length));
      for (let k = 0; k < 1 + rand(8); k++) if (m.length) m[rand(m.length)] = rand(256);
      const r = verifyDcapQuote(m, { now: TDX_NOW, collateral: TDX_COL });
      assert.equal(typeof r.valid, "boolean");
      if (!r.valid) assert.ok(r.failures.length > 0);
      const internal = r.failures.find((f) => f.check.endsWith(".internal"));
      assert.equal(internal, undefined, `unhandled: ${internal?.actual}`);
    }
  }
  const odd = verifyTdx(TDX, { now: new Date("not a date") });
  assert.deepEqual(failed(odd), ["tdx.options.now"]);
  const badShape = verifyTdx(TDX, {
    now: TDX_NOW,
    collateral: { tcbInfo: 5 } as unknown as DcapVerifyOptions["collateral"],
  });
  assert.ok(failed(badShape).includes("tdx.collateral.format"));
  const notObject = verifyTdx(TDX, {
    now: TDX_NOW,
    collateral: "x" as unknown as DcapVerifyOptions["collateral"],
  });
  assert.ok(failed(notObject).includes("tdx.collateral.format"));
  assert.deepEqual(failed(verifyTdx(new Uint8Array(), {})), ["tdx.format"]);
  assert.ok(
    failed(verifyTdx(TDX, { now: TDX_NOW, trust: { intelRoots: [new Uint8Array([1, 2, 3])] } })).includes(
      "tdx.trust",
    ),
  );
});
