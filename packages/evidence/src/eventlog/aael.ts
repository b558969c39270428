/**
 * Producing Attestation Agent event log (AAEL) entries the way the CoCo attestation agent does
 * (guest-components attestation-agent/src/eventlog/{mod,tcg2}.rs, spec: Trustee
 * kbs/docs/confidential-containers-eventlog.md), so a Cocoon guest's log is read by Trustee — and
 * by parseCcEventLog — exactly like the real agent's. Each entry "<domain> <operation> <content>"
 * is wrapped in a TCG_PCClientTaggedEvent with id "AAEL", carried by an EV_EVENT_TAG
 * TCG_PCR_EVENT2 whose one digest is the hash of that tagged event; the same digest extends the
 * register.
 */
import { CocoonError } from "@cocoon/core";
import { hashWith } from "./digest.ts";
import { ByteReader } from "./reader.ts";
import { HASH_ALGORITHMS, type HashAlgorithmName } from "./tcg.ts";

export interface AaelEntry {
  domain: string;
  operation: string;
  content: string;
}

/** An AAEL entry that breaks the AAEL format rules. */
export class AaelEntryError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_AAEL_ENTRY", message, { details });
    this.name = "AaelEntryError";
  }
}

/** The PCR the agent extends by default: 17, the first DRTM PCR (AAEL spec "Measurement API"). */
export const AAEL_DEFAULT_PCR = 17;

/**
 * TDX CC MR index for a TPM PCR index (td-shim spec "TD Event Log", UEFI 2.11 §38.4.1), as the
 * agent's TDX attester maps it: PCR 1,7 → 1 (RTMR0); 2..6 → 2 (RTMR1); 8..15 → 3 (RTMR2);
 * anything else (PCR 17 included) → 4 (RTMR3).
 */
export function tdxCcMrIndexForPcr(pcr: number): number {
  if (pcr === 1 || pcr === 7) return 1;
  if (pcr >= 2 && pcr <= 6) return 2;
  if (pcr >= 8 && pcr <= 15) return 3;
  return 4;
}

/** TCG_PCClientTaggedEvent id of AAEL entries: "AAEL" as a big-endian u32, stored little-endian. */
const AAEL_TAGGED_EVENT_ID = 0x4141454c;
const EV_EVENT_TAG = 0x6;

/**
 * The entry's text. Domain and operation must be non-empty without white space and the content
 * must not contain a line feed (AAEL spec "Event Format Requirements"), otherwise readers split it
 * differently from what was meant.
 */
export function aaelEntryText(entry: AaelEntry): string {
  for (const field of ["domain", "operation"] as const) {
    if (entry[field] === "" || /\s/.test(entry[field])) {
      throw new AaelEntryError(`AAEL ${field} must be non-empty without white space`, { field });
    }
  }
  if (entry.content.includes("\n"))
    throw new AaelEntryError("AAEL content must not contain a line feed", { field: "content" });
  return `${entry.domain} ${entry.operation} ${entry.content}`;
}

/** The TCG_PCR_EVENT2 record for one AAEL entry and the digest to extend the register with. */
export function encodeAaelEvent(
  entry: AaelEntry,
  options: { mrIndex?: number; hashAlg?: HashAlgorithmName } = {},
): { record: Uint8Array; digest: Uint8Array } {
  const mrIndex = options.mrIndex ?? tdxCcMrIndexForPcr(AAEL_DEFAULT_PCR);
  const hashAlg = options.hashAlg ?? "SHA-384";
  const text = Buffer.from(aaelEntryText(entry), "utf8");
  const tagged = Buffer.alloc(8 + text.length);
  tagged.writeUInt32LE(AAEL_TAGGED_EVENT_ID, 0);
  tagged.writeUInt32LE(text.length, 4);
  text.copy(tagged, 8);
  const digest = hashWith(hashAlg, tagged)!;
  const head = Buffer.alloc(14);
  head.writeUInt32LE(mrIndex >>> 0, 0);
  head.writeUInt32LE(EV_EVENT_TAG, 4);
  head.writeUInt32LE(1, 8); // one digest
  head.writeUInt16LE(HASH_ALGORITHMS[hashAlg].id, 12);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(tagged.length, 0);
  return { record: Buffer.concat([head, digest, size, tagged]), digest };
}

/**
 * The Spec ID header the agent puts before AAEL records when the platform has no CCEL
 * (guest-components attester/src/utils.rs EL_HEADER): EV_NO_ACTION declaring SHA-384 (48) and SM3 (32).
 */
export const AAEL_ONLY_LOG_HEADER: Uint8Array = Uint8Array.from([
  ...[0, 0, 0, 0, 3, 0, 0, 0],
  ...new Array<number>(20).fill(0),
  ...[0x25, 0, 0, 0],
  ...new Array<number>(24).fill(0),
  ...[2, 0, 0, 0, 0x0c, 0, 0x30, 0, 0x12, 0, 0x20, 0, 0],
]);

const END_FLAG = new Uint8Array(8).fill(0xff);

/**
 * The `cc_eventlog` bytes the agent sends (attester/src/utils.rs `read_eventlog`): the firmware
 * CCEL cut at its end marker, then the AAEL records, then an all-ones end flag. Without a CCEL the
 * records follow AAEL_ONLY_LOG_HEADER; with neither there is no log (undefined).
 */
export function assembleCcEventLog(
  ccel: Uint8Array | undefined,
  aaelRecords: Uint8Array | undefined,
): Uint8Array | undefined {
  const head =
    ccel !== undefined
      ? ccel.subarray(0, ccelEnd(ccel))
      : aaelRecords !== undefined
        ? AAEL_ONLY_LOG_HEADER
        : undefined;
  if (head === undefined) return undefined;
  return Buffer.concat([head, aaelRecords ?? new Uint8Array(0), END_FLAG]);
}

/**
 * Offset of the end marker of a CCEL: walks the record framing only (the agent does not decode
 * events either), with digest sizes from the Spec ID header. A log with no end marker is an error.
 */
export function ccelEnd(ccel: Uint8Array): number {
  const r: ByteReader = new ByteReader(ccel);
  r.skip(4, "TCG_PCR_EVENT.PCRIndex");
  const type = r.u32("TCG_PCR_EVENT.EventType");
  r.skip(20, "TCG_PCR_EVENT.Digest");
  const sizes = new Map<number, number>();
  const headerSize = r.u32("TCG_PCR_EVENT.EventSize");
  if (type === 3) {
    const spec: ByteReader = new ByteReader(
      r.take(headerSize, "TCG_PCR_EVENT.Event"),
      r.position - headerSize,
    );
    spec.skip(24, "TCG_EfiSpecIDEvent.Signature..uintnSize");
    const count = spec.u32("TCG_EfiSpecIDEvent.numberOfAlgorithms");
    for (let i = 0; i < count; i++)
      sizes.set(
        spec.u16("TCG_EfiSpecIDEvent.digestSizes.algorithmId"),
        spec.u16("TCG_EfiSpecIDEvent.digestSizes.digestSize"),
      );
  }
  for (;;) {
    if (r.remaining < 8) r.fail("no end marker before the end of the CCEL", "TCG_PCR_EVENT2.PCRIndex");
    const first = ccel[r.offset];
    if ((first === 0 || first === 0xff) && ccel.subarray(r.offset, r.offset + 8).every((b) => b === first))
      return r.offset;
    r.skip(8, "TCG_PCR_EVENT2.PCRIndex+EventType");
    const count = r.u32("TPML_DIGEST_VALUES.count");
    for (let i = 0; i < count; i++) {
      const id = r.u16("TPMT_HA.hashAlg");
      const size = sizes.get(id);
      if (size === undefined)
        r.fail(`digest algorithm 0x${id.toString(16)} not declared by the Spec ID event`, "TPMT_HA.hashAlg");
      r.skip(size, "TPMT_HA.digest");
    }
    r.skip(r.u32("TCG_PCR_EVENT2.EventSize"), "TCG_PCR_EVENT2.Event");
  }
}
