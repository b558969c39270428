/** applyTdxEventLog on a TDX VerifyResult: claim added on a match, named failure otherwise. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import type { VerifyResult } from "../types.ts";
import { applyTdxEventLog } from "./index.ts";

const OVMF = readFileSync(vectorPath("trustee", "tdx", "CCEL_data_ovmf"));
/** CCEL_data_ovmf's RTMRs (Trustee deps/eventlog/src/lib.rs `test_rtmr_integrity`). */
const RTMRS = [
  "8566f998798db09443b244c62de9a3041fb02e2e6936c4396d784bba2e90177329ec5aba3bb484404f2ab9cc90abe193",
  "775b9f6bfe99f8a31396f0d0218e67ffa796d3b96ccf961cbb0deba48c79c00f082cda1a5567c1c16305f1fc210c13c6",
  "94eaf7a7bf398ed8d888c91057ae0261802e4f3df084213a76ca7f0b5055ac9d2241de43cd58d9e8b49c503bbf25f34a",
  "0".repeat(96),
];

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
