/**
 * The extended-report certificate table (SNP_GET_EXT_REPORT, configfs-tsm `auxblob`): entries of
 * {GUID 16 bytes, offset u32 LE, length u32 LE} ended by an all-zero entry, offsets from the table start
 * (research/evidence.md §1.7; go-sev-guest abi/abi.go `CertTable`, GUIDs l.104-121). The host writes this table,
 * so every offset and length is bounds-checked; the certificates in it are then checked against the pinned roots
 * like any other supplied certificate (a host-supplied ARK is never trusted for what it is).
 */
import { SnpFormatError } from "./errors.ts";

export type SnpCertTableType = "VCEK" | "VLEK" | "ASK" | "ARK" | "CRL" | "OTHER";

/** GUIDs in textual (RFC 4122) byte order, as go-sev-guest and virtee/sev (`CertType` Display) write them. */
export const SNP_CERT_TABLE_GUIDS: Record<string, SnpCertTableType> = {
  "63da758d-e664-4564-adc5-f4b93be8accd": "VCEK",
  "a8074bc2-a25a-483e-aae6-39c045a0b8a1": "VLEK",
  "4ab7b379-bbac-4fe4-a02f-05aef327c782": "ASK",
  "c0b406a4-a803-4952-9743-3fb6014cd0ae": "ARK",
  "92f81bc3-5811-4d3d-97ff-d19f88dc67ea": "CRL",
};

const ENTRY = 24;

export interface SnpCertTableEntry {
  guid: string;
  type: SnpCertTableType;
  data: Uint8Array;
}

function guidText(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Decode a certificate table. Throws SnpFormatError on a missing terminator or an entry outside the blob. */
export function decodeSnpCertTable(blob: Uint8Array): SnpCertTableEntry[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const entries: SnpCertTableEntry[] = [];
  for (let at = 0; ; at += ENTRY) {
    if (at + ENTRY > blob.length)
      throw new SnpFormatError("certificate table has no terminating all-zero entry");
    const guid = blob.subarray(at, at + 16);
    const offset = view.getUint32(at + 16, true);
    const length = view.getUint32(at + 20, true);
    if (guid.every((b) => b === 0) && offset === 0 && length === 0) return entries;
    if (offset > blob.length || length > blob.length - offset) {
      throw new SnpFormatError(
        `certificate table entry ${entries.length} (offset ${offset}, length ${length}) lies outside the ${blob.length}-byte blob`,
      );
    }
    const text = guidText(guid);
    entries.push({
      guid: text,
      type: SNP_CERT_TABLE_GUIDS[text] ?? "OTHER",
      data: blob.slice(offset, offset + length),
    });
  }
}
