/**
 * The decoded-quote cache (prepared-quote.ts) and the shared check records (check-names.ts) must not
 * change any verdict or result: an identical quote gets an equal result, a changed quote is decoded
 * again, time is judged on every call, and results stay independent of each other.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { quoteSample, BytesCache } from "./cache.ts";
import { checkName, DcapCheckLog } from "./check-names.ts";
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

test("an identical quote in another array gets the same decoded entry and an equal result", () => {
  const first = verifyTdx(new Uint8Array(TDX), { now: TDX_NOW, collateral: TDX_COL });
  const copy = new Uint8Array(TDX);
  assert.equal(prepareQuote(copy), prepareQuote(new Uint8Array(TDX)), "one entry for equal bytes");
  const again = verifyTdx(copy, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(failed(first), []);
  assert.deepEqual(again, first);
});

test("the decoded entry is a private copy: changing the caller's bytes changes the verdict and claims", () => {
  const quote = new Uint8Array(TDX);
  const before = verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL });
  assert.deepEqual(failed(before), []);
  const entry = prepareQuote(quote);
  // REPORT_DATA[0] of the TD report (header 48 + body offset 520): signed, so the quote signature fails.
  quote[48 + 520]! ^= 0xff;
  const after = verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL });
  assert.ok(failed(after).includes("tdx.quote.signature"), failed(after).join());
  assert.notEqual(body(after)["report_data"], body(before)["report_data"]);
  assert.equal((after.claims["report_data"] as string).slice(0, 2), (TDX[568]! ^ 0xff).toString(16));
  assert.notEqual(prepareQuote(quote), entry, "changed bytes are another entry");
  assert.equal(entry.q.body.reportData[0], TDX[568], "the cached entry kept the original bytes");
  quote[48 + 520]! ^= 0xff;
  assert.deepEqual(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL }), before);
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

test("quoteSample: equal bytes, equal sample; a numeric-sample BytesCache still compares all bytes", () => {
  assert.equal(quoteSample(new Uint8Array(TDX)), quoteSample(TDX));
  const other = new Uint8Array(TDX);
  other[640]! ^= 1; // inside the quote signature (bytes 636..700 of a v4 TDX quote)
  assert.notEqual(quoteSample(other), quoteSample(TDX));
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
  for (const n of [0, 1, 3, 5]) assert.equal(typeof quoteSample(new Uint8Array(n)), "number");
});
