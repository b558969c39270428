/**
 * The `uefi_event_logs` claim: Trustee's serialisation of each parsed event (deps/eventlog
 * src/lib.rs `EventlogEntry`), field for field, so Trustee's Rego policies (which read e.g. the
 * kernel command line and boot application paths from it) run unchanged.
 */
import type { EventDetails } from "./details.ts";
import type { CcEvent } from "./parse.ts";
import { base64, hex } from "./text.ts";

/** One `uefi_event_logs` entry, keys in Trustee's (serde declaration) order. */
export interface UefiEventLogEntry {
  details: EventDetails;
  digest_matches_event: boolean;
  digests: { alg: string; digest: string }[];
  /** base64 (standard, padded) of the raw event data. */
  event: string;
  index: number;
  type_name: string;
}

/** The claim key Trustee's TDX (and CSV) verifier stores these entries under. */
export const UEFI_EVENT_LOGS_CLAIM = "uefi_event_logs";

export function eventLogClaims(events: readonly CcEvent[]): UefiEventLogEntry[] {
  return events.map((e) => ({
    details: orderedDetails(e.details),
    digest_matches_event: e.digestMatchesEvent,
    digests: e.digests.map((d) => ({ alg: d.alg, digest: hex(d.digest) })),
    event: base64(e.data),
    index: e.index,
    type_name: e.typeName,
  }));
}

const DETAIL_KEYS = [
  "string",
  "unicode_name",
  "unicode_name_length",
  "variable_data",
  "variable_data_length",
  "variable_name",
  "device_paths",
  "data",
] as const;

/** Copy with keys in Trustee's order and absent fields omitted, so JSON output matches byte for byte. */
function orderedDetails(details: EventDetails): EventDetails {
  const out: Record<string, unknown> = {};
  for (const key of DETAIL_KEYS) if (details[key] !== undefined) out[key] = details[key];
  return out as EventDetails;
}
