/**
 * Checking a CC event log against the RTMRs of a verified TDX quote, the way Trustee's TDX
 * verifier does (deps/verifier/src/tdx/mod.rs): decode the base64 `cc_eventlog`, parse it, replay
 * MR index 1..4 with SHA-384 and require RTMR0..3 to match; then expose the events as the
 * `uefi_event_logs` claim. Results go to a CheckLog; nothing here throws on bad evidence.
 */
import { isCocoonError } from "@cocoon/core";
import type { CheckLog } from "../types.ts";
import { eventLogClaims, type UefiEventLogEntry } from "./claims.ts";
import { parseCcEventLog, type CcEvent } from "./parse.ts";
import { replayRtmrs } from "./replay.ts";
import { bytesEqual } from "./digest.ts";
import { hex } from "./text.ts";

/**
 * Record `tdx.eventlog.rtmr0`..`rtmr3`: the quote's RTMR (expected) against the replayed value
 * (actual). Returns true when all four match.
 */
export function verifyEventLogAgainstRtmrs(
  events: readonly CcEvent[],
  rtmrs: readonly Uint8Array[],
  log: CheckLog,
): boolean {
  if (rtmrs.length !== 4) {
    log.fail("tdx.eventlog.rtmrs", "4 RTMR values from the quote", `${rtmrs.length}`);
    return false;
  }
  const replayed = replayRtmrs(events, "SHA-384");
  let ok = true;
  for (let i = 0; i < 4; i++) {
    const quoted = rtmrs[i]!;
    ok =
      log.expect(`tdx.eventlog.rtmr${i}`, bytesEqual(quoted, replayed[i]!), hex(quoted), hex(replayed[i]!)) &&
      ok;
  }
  return ok;
}

export interface TdxEventLogResult {
  /** The parsed events, when the log was present and decodable. */
  events?: CcEvent[];
  /** The `uefi_event_logs` claim value: present when the log was present, decodable and matched the RTMRs. */
  claims?: UefiEventLogEntry[];
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The whole TDX event-log step for the `cc_eventlog` member of Trustee TDX evidence. A null or
 * empty log is allowed and yields no claim (Trustee only warns); a log that is not canonical
 * padded base64 (Trustee uses the STANDARD engine), does not parse, or does not replay to the
 * quote's RTMRs fails `tdx.eventlog.*` checks.
 */
export function checkTdxEventLog(
  ccEventlog: string | null | undefined,
  rtmrs: readonly Uint8Array[],
  log: CheckLog,
): TdxEventLogResult {
  if (ccEventlog === null || ccEventlog === undefined || ccEventlog === "") return {};
  if (!STRICT_BASE64.test(ccEventlog)) {
    log.fail("tdx.eventlog.encoding", "standard padded base64", "invalid base64");
    return {};
  }
  let events: CcEvent[];
  try {
    events = parseCcEventLog(Buffer.from(ccEventlog, "base64"));
  } catch (err) {
    if (!isCocoonError(err)) throw err;
    log.fail("tdx.eventlog.parse", "a valid CC event log", err.message);
    return {};
  }
  log.pass("tdx.eventlog.parse", `${events.length} events`);
  if (!verifyEventLogAgainstRtmrs(events, rtmrs, log)) return { events };
  return { events, claims: eventLogClaims(events) };
}
