/**
 * The `uefi_event_logs` claim: Trustee's serialisation of each parsed event (deps/eventlog
 * src/lib.rs `EventlogEntry`), field for field, so Trustee's Rego policies (which read e.g. the
 * kernel command line and boot application paths from it) run unchanged.
 */
import type { EventDetails } from "./details.ts";
import type { CcEvent } from "./parse.ts";
import { base64, hex } from "./text.ts";

/**
 * One `uefi_event_logs` entry. Trustee builds its claims through serde_json::Value, whose maps
 * are sorted by key, so every object here has its keys in sorted order too: the JSON text then
 * matches Trustee's byte for byte (checked against deps/eventlog/test_data/*_out.json).
 */
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

/** Copy with absent fields omitted and keys sorted at every depth (AAEL `data.content` is free JSON). */
function orderedDetails(details: EventDetails): EventDetails {
  return sortKeysDeep(details) as EventDetails;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  // Code-unit order; serde_json sorts by UTF-8 bytes, which differs only for keys mixing astral
  // characters with U+E000..U+FFFF — irrelevant for the ASCII keys event logs carry.
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeysDeep(v);
  }
  return out;
}
