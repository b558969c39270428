/** applyTdxEventLog on a TDX VerifyResult: claim added on a match, named failure otherwise. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { VerifyResult } from "../types.ts";
import { applyTdxEventLog } from "./index.ts";
import { OVMF_LOG as OVMF, OVMF_RTMRS_HEX } from "./ovmf-vector.ts";

const RTMRS = [...OVMF_RTMRS_HEX];

function tdxResult(rtmrs: string[]): VerifyResult {
  const body = Object.fromEntries(rtmrs.map((r, i) => [`rtmr_${i}`, r]));
  return {
    tee: "tdx",
    valid: true,
    claims: { quote: { header: {}, body } },
    checks: [{ check: "tdx.signature", ok: true }],
    failures: [],
  };
}

test("a matching log adds uefi_event_logs and keeps the result valid", () => {
  const before = tdxResult(RTMRS);
  const after = applyTdxEventLog(before, OVMF.toString("base64"));
  assert.equal(after.valid, true);
  assert.equal((after.claims["uefi_event_logs"] as unknown[]).length, 20);
  assert.equal(after.checks.length, 6);
  assert.equal(before.claims["uefi_event_logs"], undefined); // input untouched
});

test("a mismatching quote RTMR invalidates the result and names the register", () => {
  const after = applyTdxEventLog(
    tdxResult([RTMRS[0]!, RTMRS[1]!, "ab".repeat(48), RTMRS[3]!]),
    OVMF.toString("base64"),
  );
  assert.equal(after.valid, false);
  assert.deepEqual(
    after.failures.map((f) => f.check),
    ["tdx.eventlog.rtmr2"],
  );
  assert.equal(after.claims["uefi_event_logs"], undefined);
});

test("no log changes nothing; a non-string log or missing RTMR claims fail", () => {
  const base = tdxResult(RTMRS);
  assert.equal(applyTdxEventLog(base, null), base);
  assert.equal(applyTdxEventLog(base, undefined), base);
  assert.deepEqual(
    applyTdxEventLog(base, 42).failures.map((f) => f.check),
    ["tdx.eventlog.encoding"],
  );
  const noQuote: VerifyResult = { ...base, claims: {} };
  assert.deepEqual(
    applyTdxEventLog(noQuote, OVMF.toString("base64")).failures.map((f) => f.check),
    ["tdx.eventlog.rtmrs"],
  );
});
