/** CC event log (CCEL / TCG2 crypto-agile, with AAEL entries): parse, replay into RTMRs, Trustee claims. */
export { EventLogFormatError } from "./errors.ts";
export { parseCcEventLog, parseCcEventLogWithHeader } from "./parse.ts";
export type { CcEvent, CcEventDigest, CcEventLog, SpecIdAlgorithm } from "./parse.ts";
export type { EventDetails, AaelEventEntry } from "./details.ts";
export { parseAaelEntry } from "./details.ts";
export { replayMeasurementRegister, replayRtmrs, TDX_RTMR_MR_INDEXES } from "./replay.ts";
export { eventLogClaims, UEFI_EVENT_LOGS_CLAIM } from "./claims.ts";
export type { UefiEventLogEntry } from "./claims.ts";
export { verifyEventLogAgainstRtmrs, checkTdxEventLog } from "./verify.ts";
export type { TdxEventLogResult } from "./verify.ts";
export type { HashAlgorithmName } from "./tcg.ts";
export {
  AAEL_DEFAULT_PCR,
  AAEL_ONLY_LOG_HEADER,
  AaelEntryError,
  aaelEntryText,
  assembleCcEventLog,
  ccelEnd,
  encodeAaelEvent,
  tdxCcMrIndexForPcr,
} from "./aael.ts";
export type { AaelEntry } from "./aael.ts";
export { applyTdxEventLog } from "./apply.ts";
