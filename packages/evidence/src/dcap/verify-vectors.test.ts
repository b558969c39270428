/**
 * Every DCAP vector verified against its *.expected.json: signature checks, collateral signatures,
 * the TCB levels Intel's QVL semantics select, the converged status and advisory IDs. Consistent
 * collateral windows are verified completely at a time pinned inside the window; "mixed" collateral
 * (README: no common freshness window) at the window's latest start, where only freshness may fail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyDcapQuote } from "./verify.ts";
import {
  DCAP_EXPECTED_FILES,
  loadCollateral,
  loadExpected,
  loadQuote,
  pinnedTime,
  type ExpectedVector,
  type TcbEvaluation,
} from "./test-support.ts";
import type { VerifyResult } from "../types.ts";

function detail(r: VerifyResult, check: string): string | undefined {
  return r.checks.find((c) => c.check === check && c.ok)?.detail;
}

/** go-tdx-guest's SPR_E4 vector ends with "extra bytes(only for testing purpose)": only zero padding is accepted (F25). */
function hasNonZeroTrailing(e: ExpectedVector): boolean {
  const bytes = loadQuote(e.quote_file);
  return bytes.subarray(bytes.length - e.trailing_bytes_after_quote).some((b) => b !== 0);
}

function assertSignatureChecksPass(r: VerifyResult, e: ExpectedVector): void {
  const p = r.tee;
  const garbage = hasNonZeroTrailing(e);
  assert.equal(
    r.failures.some((f) => f.check === `${p}.trailing_bytes`),
    garbage,
    "trailing bytes judged",
  );
  for (const c of [
    `${p}.pck.chain`,
    `${p}.qe_report.signature`,
    `${p}.qe_report.binding`,
    `${p}.quote.signature`,
    `${p}.header.qe_vendor_id`,
  ]) {
    assert.ok(
      r.checks.some((x) => x.check === c && x.ok),
      `${c} passes`,
    );
  }
}

/** DEBUG: TD_ATTRIBUTES bit 0, or SGX ATTRIBUTES bit 1 (first byte of the hex). */
function isDebug(e: ExpectedVector): boolean {
  const td = e.report["td_attributes"];
  if (typeof td === "string") return (parseInt(td.slice(0, 2), 16) & 0x01) !== 0;
  return (parseInt(String(e.report["attributes"]).slice(0, 2), 16) & 0x02) !== 0;
}

/** Failures allowed for mixed-date collateral: only freshness, and the PCK CRL when the collateral was assembled from another platform's files. */
const MIXED_ALLOWED = /\.(freshness|collateral\.pck_crl\.signature)$/;

function checkEvaluation(r: VerifyResult, ev: TcbEvaluation): void {
  const p = r.tee;
  assert.ok(
    r.checks.some((c) => c.check === `${p}.collateral.tcb_info.signature` && c.ok) ===
      ev.collateral_signatures.tcb_info_sig_ok,
  );
  assert.ok(
    r.checks.some((c) => c.check === `${p}.collateral.qe_identity.signature` && c.ok) ===
      ev.collateral_signatures.qe_identity_sig_ok,
  );
  assert.equal(r.claims["tcb_eval_num"], ev.tcbEvaluationDataNumber);
  assert.equal(detail(r, `${p}.qe_identity.tcb_level`), ev.qe_tcb_status ?? undefined);
  assert.ok(
    r.checks.some((c) => c.check === `${p}.qe_identity.match` && c.ok) ===
      (ev.qe_identity_checks.mrsigner && ev.qe_identity_checks.isvprodid),
  );
  const platform = p === "tdx" ? ev.tdx_tcb_level_status : ev.sgx_tcb_level_status;
  assert.equal(detail(r, `${p}.tcb.level`), platform ?? undefined, "platform TCB level");
  if (p === "tdx") {
    const mod = detail(r, "tdx.tdx_module.identity");
    if (ev.tdx_module_identity && ev.tdx_module_status)
      assert.equal(mod, `${ev.tdx_module_identity}: ${ev.tdx_module_status}`);
    else assert.equal(mod, "module major SVN 0: no identity");
  }
  if (ev.crl.pck_revoked === false) assert.ok(!r.failures.some((f) => f.check === `${p}.pck.revocation`));
  if (ev.expected_status_intel_qvl_semantics.startsWith("TCB_NOT_SUPPORTED")) {
    assert.equal(r.tcbStatus, "Unknown");
    assert.equal(r.valid, false);
    assert.ok(r.failures.some((f) => f.check === `${p}.tcb.level` && f.actual.includes("TCB_NOT_SUPPORTED")));
  } else {
    assert.equal(r.tcbStatus, ev.expected_status_intel_qvl_semantics);
    assert.deepEqual(r.advisoryIds, [...ev.advisory_ids].sort());
    assert.equal(r.claims["tcb_status"], ev.expected_status_intel_qvl_semantics);
    assert.deepEqual(r.claims["advisory_ids"], [...ev.advisory_ids].sort());
  }
}

for (const file of DCAP_EXPECTED_FILES) {
  const e = loadExpected(file);
  if (e.tcb_evaluations.length === 0) {
    test(`${file}: signatures verify; no collateral ⇒ TCB Unknown and collateral.missing`, () => {
      const now = new Date(Date.parse(e.pck.validity[0]) + 86400_000);
      const r = verifyDcapQuote(loadQuote(e.quote_file), { now });
      assertSignatureChecksPass(r, e);
      assert.equal(r.tcbStatus, "Unknown");
      assert.equal(r.valid, false);
      // Without collateral the only other failure can be the debug policy (trustee/occlum_quote.dat is a debug enclave).
      const expectedFailures = [`${r.tee}.collateral.missing`];
      if (isDebug(e)) expectedFailures.push(`${r.tee}.debug`);
      // trustee/tdx_quote_5.dat is bound to a service TD: rejected by default, as dcap-qvl does (F24).
      if (/[1-9a-f]/.test(String(e.report["mr_service_td"] ?? "")))
        expectedFailures.push(`${r.tee}.mr_service_td`);
      assert.deepEqual(r.failures.map((f) => f.check).sort(), expectedFailures.sort());
      const missing = r.failures.find((f) => f.check === `${r.tee}.collateral.missing`);
      assert.ok(missing);
      assert.match(missing.actual, /tcbInfo, qeIdentity, rootCaCrl, pckCrl/);
      assert.equal(r.simulated, undefined);
    });
  }
  for (const ev of e.tcb_evaluations) {
    test(`${file} with ${ev.collateral.slice(0, 60)}: ${ev.expected_status_intel_qvl_semantics}`, () => {
      const now = pinnedTime(ev.verification_time_window);
      const debug = isDebug(e);
      const r = verifyDcapQuote(loadQuote(e.quote_file), {
        now,
        collateral: loadCollateral(ev.collateral),
        allowDebug: debug,
      });
      assertSignatureChecksPass(r, e);
      checkEvaluation(r, ev);
      const notSupported = ev.expected_status_intel_qvl_semantics.startsWith("TCB_NOT_SUPPORTED");
      const unexpected = r.failures.filter((f) => {
        if (notSupported && f.check.endsWith(".tcb.level")) return false;
        if (f.check.endsWith(".trailing_bytes") && hasNonZeroTrailing(e)) return false;
        return ev.verification_time_window.consistent || !MIXED_ALLOWED.test(f.check);
      });
      assert.deepEqual(unexpected, [], "no failures beyond the expected ones");
      if (ev.verification_time_window.consistent && !notSupported) {
        assert.equal(r.valid, true);
        assert.equal(r.claims["collateral_expiration_status"], "0");
      }
    });
  }
}
