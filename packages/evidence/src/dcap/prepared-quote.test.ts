/**
 * Decoding per call (prepared-quote.ts), the per-part caches and the shared check records
 * (check-names.ts) must not change any verdict or result: an identical quote gets an equal result, a
 * changed quote gets the verdict its bytes deserve, time is judged on every call, and results stay
 * independent of each other.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BytesCache } from "./cache.ts";
import { checkName, DcapCheckLog } from "./check-names.ts";
import { splitPemChainCached } from "./pck.ts";
import { prepareQuote } from "./prepared-quote.ts";
import { verifyTdx } from "./verify.ts";
import { loadCollateral, loadQuote } from "./test-support.ts";
import type { VerifyResult } from "../types.ts";

const TDX = loadQuote("tdx/dcapqvl/tdx_quote.bin");
const TDX_COL = loadCollateral("tdx/dcapqvl/tdx_quote_collateral.json");
const TDX_NOW = new Date("2025-07-01T00:00:00Z");
const failed = (r: VerifyResult): string[] => r.failures.map((f) => f.check);
const body = (r: VerifyResult): Record<string, unknown> =>
  (r.claims["quote"] as { body: Record<string, unknown> }).body;

test("an identical quote in another array gets an equal result; nothing is kept per quote", () => {
  const first = verifyTdx(new Uint8Array(TDX), { now: TDX_NOW, collateral: TDX_COL });
  const copy = new Uint8Array(TDX);
  assert.notEqual(prepareQuote(copy), prepareQuote(copy), "decoded afresh on every call");
  const again = verifyTdx(copy, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(failed(first), []);
  assert.deepEqual(again, first);
});

test("the PEM PCK chain shared by quotes of one platform is split once, found by its exact bytes", () => {
  const a = prepareQuote(new Uint8Array(TDX)).q.certification.pckCertData;
  const b = prepareQuote(new Uint8Array(TDX)).q.certification.pckCertData;
  assert.notEqual(a.buffer, b.buffer);
  const split = splitPemChainCached(a);
  assert.equal(splitPemChainCached(b), split, "one entry for equal bytes in another array");
  const changed = new Uint8Array(b);
  changed[changed.length - 40]! ^= 1; // inside the last certificate's base64 (before its END line)
  assert.notEqual(
    (() => {
      try {
        return splitPemChainCached(changed);
      } catch {
        return undefined;
      }
    })(),
    split,
    "changed bytes are never answered from the entry",
  );
});

test("decoding reads the caller's bytes: changing them changes the verdict and claims", () => {
  const quote = new Uint8Array(TDX);
  const before = verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(failed(before), []);
  // REPORT_DATA[0] of the TD report (header 48 + body offset 520): signed, so the quote signature fails.
  quote[48 + 520]! ^= 0xff;
  const after = verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(failed(after), ["tdx.quote.signature"]);
  assert.notEqual(body(after)["report_data"], body(before)["report_data"]);
  assert.equal((after.claims["report_data"] as string).slice(0, 2), (TDX[568]! ^ 0xff).toString(16));
  quote[48 + 520]! ^= 0xff;
  assert.deepEqual(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL }), before);
});

test("a quote in a SharedArrayBuffer is decoded from a private copy and verifies", () => {
  const shared = new Uint8Array(new SharedArrayBuffer(TDX.length));
  shared.set(TDX);
  const prepared = prepareQuote(shared);
  assert.ok(!(prepared.q.signedRegion.buffer instanceof SharedArrayBuffer));
  assert.deepEqual(failed(verifyTdx(shared, { now: TDX_NOW, collateral: TDX_COL })), []);
});

test("a cached quote is still judged against `now` (chain validity, collateral freshness)", () => {
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL })), []);
  const late = failed(verifyTdx(TDX, { now: new Date("2060-01-01T00:00:00Z"), collateral: TDX_COL }));
  assert.ok(late.includes("tdx.pck.chain"), late.join());
  const stale = failed(verifyTdx(TDX, { now: new Date("2025-12-01T00:00:00Z"), collateral: TDX_COL }));
  assert.ok(stale.includes("tdx.collateral.tcb_info.freshness"), stale.join());
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL })), []);
});

test("results of a cached quote are independent objects", () => {
  const a = verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL });
  const expected = structuredClone(a);
  body(a)["mr_td"] = "changed";
  (a.claims["td_attributes"] as Record<string, boolean>)["debug"] = true;
  a.claims["report_data"] = "changed";
  a.checks.push({ check: "x", ok: false });
  assert.throws(() => {
    (a.checks[0] as { ok: boolean }).ok = false; // shared pass records are frozen
  }, TypeError);
  const b = verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(b, expected);
});

test("a quote with over 64 KiB of zero padding verifies, decoded afresh each time", () => {
  const padded = new Uint8Array(TDX.length + 70 * 1024);
  padded.set(TDX);
  assert.notEqual(prepareQuote(padded), prepareQuote(padded), "not kept");
  const r = verifyTdx(padded, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(failed(r), []);
  padded[padded.length - 1] = 1;
  assert.deepEqual(failed(verifyTdx(padded, { now: TDX_NOW, collateral: TDX_COL })), ["tdx.trailing_bytes"]);
});

test("a malformed quote is reported on every call, never cached as a success", () => {
  const short = TDX.subarray(0, 600);
  for (let i = 0; i < 2; i++) assert.deepEqual(failed(verifyTdx(short, { now: TDX_NOW })), ["tdx.format"]);
});

test("checkName returns one string per name; DcapCheckLog passes are equal, frozen records", () => {
  assert.equal(checkName("tdx", "pck.chain"), "tdx.pck.chain");
  assert.equal(checkName("sgx", "pck.chain"), "sgx.pck.chain");
  const log = new DcapCheckLog();
  log.pass("tdx.pck.chain");
  log.pass("tdx.pck.chain");
  log.pass("tdx.tcb.level", "UpToDate");
  log.fail("tdx.debug", "a production TD", "debug TD");
  assert.deepEqual(log.checks, [
    { check: "tdx.pck.chain", ok: true },
    { check: "tdx.pck.chain", ok: true },
    { check: "tdx.tcb.level", ok: true, detail: "UpToDate" },
    { check: "tdx.debug", ok: false, detail: "expected a production TD, got debug TD" },
  ]);
  assert.ok(Object.isFrozen(log.checks[0]));
  assert.deepEqual(log.failures, [{ check: "tdx.debug", expected: "a production TD", actual: "debug TD" }]);
});

test("a numeric-sample BytesCache still compares all bytes", () => {
  const cache = new BytesCache<string, number>(8, () => 7); // every input in one bucket
  const a = new Uint8Array([1, 2, 3]);
  assert.equal(
    cache.getOrSet(a, () => "a"),
    "a",
  );
  assert.equal(
    cache.getOrSet(new Uint8Array([1, 2, 4]), () => "b"),
    "b",
  );
  assert.equal(
    cache.getOrSet(new Uint8Array([1, 2, 3]), () => "again"),
    "a",
  );
});

test("the remembered attestation-key binding answers only for equal inputs", () => {
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL })), []);
  const quote = new Uint8Array(TDX);
  const authData = prepareQuote(quote).q.certification.qeAuthData;
  assert.ok(authData.length > 0);
  quote[authData.byteOffset]! ^= 1; // QE auth data: hashed into the QE REPORT_DATA, signed by nothing else
  assert.deepEqual(failed(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL })), [
    "tdx.qe_report.binding",
  ]);
  quote[authData.byteOffset]! ^= 1;
  assert.deepEqual(failed(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL })), []);
});
