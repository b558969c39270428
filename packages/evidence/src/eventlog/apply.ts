/**
 * Wiring helper for the TDX verifier: run the event-log step on a finished TDX VerifyResult,
 * taking the RTMRs from its `quote.body.rtmr_0..3` claims, appending the `tdx.eventlog.*` checks
 * and adding the `uefi_event_logs` claim — what Trustee's verify_evidence does after quote
 * verification (deps/verifier/src/tdx/mod.rs).
 */
import { CheckLog, type VerifyResult } from "../types.ts";
import { UEFI_EVENT_LOGS_CLAIM } from "./claims.ts";
import { checkTdxEventLog } from "./verify.ts";

const HEX48 = /^[0-9a-f]{96}$/;

/**
 * `ccEventlog` is the raw `cc_eventlog` member of the evidence JSON (anything: it is checked
 * here). Returns a new result; the input is not modified.
 */
export function applyTdxEventLog(result: VerifyResult, ccEventlog: unknown): VerifyResult {
  if (ccEventlog === undefined || ccEventlog === null || ccEventlog === "") return result;
  const log = new CheckLog();
  const claims = { ...result.claims };
  if (typeof ccEventlog !== "string") {
    log.fail("tdx.eventlog.encoding", "cc_eventlog as a base64 string or null", typeof ccEventlog);
  } else {
    const body = (result.claims["quote"] as { body?: Record<string, unknown> } | undefined)?.body;
    const rtmrs = [0, 1, 2, 3].map((i) => body?.[`rtmr_${i}`]);
    if (!rtmrs.every((r): r is string => typeof r === "string" && HEX48.test(r))) {
      log.fail("tdx.eventlog.rtmrs", "quote.body.rtmr_0..3 claims (48-byte hex)", "missing");
    } else {
      const outcome = checkTdxEventLog(
        ccEventlog,
        rtmrs.map((r) => Buffer.from(r, "hex")),
        log,
      );
      if (outcome.claims) claims[UEFI_EVENT_LOGS_CLAIM] = outcome.claims;
    }
  }
  const failures = [...result.failures, ...log.failures];
  return {
    ...result,
    claims,
    checks: [...result.checks, ...log.checks],
    failures,
    valid: failures.length === 0,
  };
}
