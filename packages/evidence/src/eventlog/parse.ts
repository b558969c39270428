/**
 * Parser for the confidential-computing event log (CCEL): the TCG2 "crypto agile" event log
 * (TCG PC Client Platform Firmware Profile 1.06 §10.2, EFI_TCG2_EVENT_LOG_FORMAT_TCG_2) that TDX
 * firmware publishes in the ACPI CCEL table (UEFI 2.11 §38.4) and that Trustee's TDX verifier
 * receives as `cc_eventlog`. Behaviour follows Trustee's deps/eventlog crate so the same logs are
 * accepted and decode to the same claims; every read is bounds-checked and each loop consumes
 * bytes, so bad input ends in an EventLogFormatError naming the offset and field.
 */
import { parseEventDetails, type EventDetails } from "./details.ts";
import { bytesEqual, hashWith } from "./digest.ts";
import { EventLogFormatError } from "./errors.ts";
import { ByteReader } from "./reader.ts";
import { EV_NO_ACTION, TCG_ALGORITHM_NAMES, TCG_EVENT_TYPE_NAMES } from "./tcg.ts";

export interface CcEventDigest {
  /** Trustee's algorithm name, e.g. "SHA-384". */
  alg: string;
  digest: Uint8Array;
}

export interface CcEvent {
  /** Byte offset of the event in the log. */
  offset: number;
  /** Byte length of the whole TCG_PCR_EVENT2 record. */
  length: number;
  /**
   * The CC measurement register index (the TCG_PCR_EVENT2 "PCRIndex" field). On TDX, index 0 is
   * MRTD and 1..4 are RTMR0..3 (UEFI 2.11 §38.4.1 "TDX CC MR index mapping").
   */
  index: number;
  type: number;
  /** e.g. "EV_EFI_BOOT_SERVICES_APPLICATION". */
  typeName: string;
  digests: CcEventDigest[];
  /** The raw event data. */
  data: Uint8Array;
  /** True when every digest equals the hash of `data` (false for events that measure something else). */
  digestMatchesEvent: boolean;
  details: EventDetails;
}

/** One entry of the Spec ID event's digestSizes array. */
export interface SpecIdAlgorithm {
  id: number;
  alg: string;
  size: number;
}

export interface CcEventLog {
  /** Digest algorithms and sizes declared by the TCG_EfiSpecIDEvent header. */
  algorithms: SpecIdAlgorithm[];
  events: CcEvent[];
}

/** Parse a CCEL / TCG2 crypto-agile event log into its events (the Spec ID header is not an event). */
export function parseCcEventLog(bytes: Uint8Array): CcEvent[] {
  return parseCcEventLogWithHeader(bytes).events;
}

export function parseCcEventLogWithHeader(bytes: Uint8Array): CcEventLog {
  const reader: ByteReader = new ByteReader(bytes);
  const algorithms = parseSpecIdEvent(reader);
  const sizes = new Map(algorithms.map((a) => [a.id, a]));
  const events: CcEvent[] = [];
  while (reader.remaining > 0) {
    // The CCEL ACPI area is larger than the log; firmware leaves it 0xFF- (or zero-) filled, so
    // an all-ones or all-zeros (PCRIndex, EventType) pair marks the end (Trustee lib.rs).
    if (reader.remaining < 8)
      reader.fail(
        `${reader.remaining} trailing bytes are too few for an event header`,
        "TCG_PCR_EVENT2.PCRIndex",
      );
    if (isEndMarker(bytes, reader.offset)) break;
    events.push(parseEvent(reader, sizes));
  }
  return { algorithms, events };
}

function isEndMarker(bytes: Uint8Array, offset: number): boolean {
  const first = bytes[offset];
  if (first !== 0x00 && first !== 0xff) return false;
  for (let i = 1; i < 8; i++) if (bytes[offset + i] !== first) return false;
  return true;
}

/**
 * The first event is a SHA-1-format TCG_PCR_EVENT (PFP §10.2.1): PCRIndex u32, EventType u32,
 * Digest[20], EventSize u32, Event — an EV_NO_ACTION TCG_EfiSpecIDEvent (§10.4.5.1): Signature[16],
 * platformClass u32, specVersionMinor/Major, errata, uintnSize (u8 each), numberOfAlgorithms u32,
 * digestSizes[] {algorithmId u16, digestSize u16}, vendorInfoSize u8, vendorInfo.
 */
function parseSpecIdEvent(reader: ByteReader): SpecIdAlgorithm[] {
  reader.u32("TCG_PCR_EVENT.PCRIndex");
  const type = reader.u32("TCG_PCR_EVENT.EventType");
  if (type !== EV_NO_ACTION) {
    // Trustee would go on reading the header's event data as events and fail; say so plainly.
    reader.offset -= 4;
    reader.fail(
      `first event has type ${hex32(type)}, not the EV_NO_ACTION Spec ID event`,
      "TCG_PCR_EVENT.EventType",
    );
  }
  reader.skip(20, "TCG_PCR_EVENT.Digest");
  const size = reader.u32("TCG_PCR_EVENT.EventSize");
  const spec: ByteReader = new ByteReader(reader.take(size, "TCG_PCR_EVENT.Event"), reader.position - size);
  spec.skip(24, "TCG_EfiSpecIDEvent.Signature..uintnSize");
  const count = spec.u32("TCG_EfiSpecIDEvent.numberOfAlgorithms");
  const algorithms: SpecIdAlgorithm[] = [];
  // Each entry takes 4 bytes, so an absurd count fails at the end of the event, not in a long loop.
  if (count * 4 > spec.remaining)
    spec.fail(
      `numberOfAlgorithms ${count} does not fit in the event`,
      "TCG_EfiSpecIDEvent.numberOfAlgorithms",
    );
  for (let i = 0; i < count; i++) {
    const id = spec.u16("TCG_EfiSpecIDEvent.digestSizes.algorithmId");
    const digestSize = spec.u16("TCG_EfiSpecIDEvent.digestSizes.digestSize");
    const alg = TCG_ALGORITHM_NAMES.get(id);
    if (alg === undefined)
      spec.fail(`unknown algorithm id ${hex16(id)}`, "TCG_EfiSpecIDEvent.digestSizes.algorithmId");
    algorithms.push({ id, alg, size: digestSize });
  }
  const vendorSize = spec.u8("TCG_EfiSpecIDEvent.vendorInfoSize");
  spec.skip(vendorSize, "TCG_EfiSpecIDEvent.vendorInfo");
  if (spec.remaining !== 0)
    spec.fail(`${spec.remaining} unexpected bytes after vendorInfo`, "TCG_PCR_EVENT.EventSize");
  return algorithms;
}

/**
 * TCG_PCR_EVENT2 (PFP §10.2.2): PCRIndex u32, EventType u32, Digests (TPML_DIGEST_VALUES: count
 * u32, then {hashAlg u16, digest[size from the Spec ID event]}), EventSize u32, Event.
 */
function parseEvent(reader: ByteReader, sizes: ReadonlyMap<number, SpecIdAlgorithm>): CcEvent {
  const offset = reader.position;
  const index = reader.u32("TCG_PCR_EVENT2.PCRIndex");
  const type = reader.u32("TCG_PCR_EVENT2.EventType");
  const typeName = TCG_EVENT_TYPE_NAMES.get(type);
  if (typeName === undefined) {
    reader.offset -= 4;
    reader.fail(`unknown event type ${hex32(type)}`, "TCG_PCR_EVENT2.EventType");
  }
  const count = reader.u32("TPML_DIGEST_VALUES.count");
  // Each digest takes at least 2 bytes: an absurd count fails here instead of looping.
  if (count * 2 > reader.remaining)
    reader.fail(`digest count ${count} does not fit in the log`, "TPML_DIGEST_VALUES.count");
  const digests: CcEventDigest[] = [];
  for (let i = 0; i < count; i++) {
    const id = reader.u16("TPMT_HA.hashAlg");
    const alg = sizes.get(id);
    if (alg === undefined) {
      reader.offset -= 2;
      reader.fail(`digest algorithm ${hex16(id)} is not declared by the Spec ID event`, "TPMT_HA.hashAlg");
    }
    digests.push({ alg: alg.alg, digest: reader.take(alg.size, "TPMT_HA.digest") });
  }
  const size = reader.u32("TCG_PCR_EVENT2.EventSize");
  const dataOffset = reader.position;
  const data = reader.take(size, "TCG_PCR_EVENT2.Event");
  const digestMatchesEvent = digestsMatch(data, digests, dataOffset);
  const details = parseEventDetails(typeName, data, dataOffset);
  const length = reader.position - offset;
  return { offset, length, index, type, typeName, digests, data, digestMatchesEvent, details };
}

/** Trustee's `compare_digests`: stops at the first mismatch; a non-hash algorithm rejects the log. */
function digestsMatch(data: Uint8Array, digests: CcEventDigest[], at: number): boolean {
  for (const d of digests) {
    const computed = hashWith(d.alg, data);
    if (computed === undefined) {
      throw new EventLogFormatError(`${d.alg} is not a digest algorithm`, {
        offset: at,
        field: "TPMT_HA.hashAlg",
      });
    }
    if (!bytesEqual(computed, d.digest)) return false;
  }
  return true;
}

const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, "0")}`;
const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, "0")}`;
