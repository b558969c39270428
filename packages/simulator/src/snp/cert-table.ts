/**
 * The extended-report certificate table that SNP_GET_EXT_REPORT and configfs-tsm `auxblob` return
 * (research/evidence.md §1.7; go-sev-guest abi/abi.go `CertTable`): entries of {GUID 16 bytes in RFC 4122 textual
 * byte order, offset u32 LE, length u32 LE}, ended by an all-zero entry, offsets relative to the table start.
 */
import { SimulatorInputError } from "../errors.ts";

/** GUIDs from the GHCB spec, as in go-sev-guest abi.go l.104-121. */
export const CERT_TABLE_GUID = {
  vcek: "63da758d-e664-4564-adc5-f4b93be8accd",
  vlek: "a8074bc2-a25a-483e-aae6-39c045a0b8a1",
  ask: "4ab7b379-bbac-4fe4-a02f-05aef327c782",
  ark: "c0b406a4-a803-4952-9743-3fb6014cd0ae",
} as const;

const ENTRY_SIZE = 24;

export interface CertTableEntry {
  guid: string;
  data: Uint8Array;
}

function guidBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new SimulatorInputError(`bad GUID ${guid}`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

function guidText(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function encodeCertTable(entries: readonly CertTableEntry[]): Uint8Array {
  const headerSize = (entries.length + 1) * ENTRY_SIZE;
  const total = headerSize + entries.reduce((n, e) => n + e.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = headerSize;
  entries.forEach((entry, i) => {
    out.set(guidBytes(entry.guid), i * ENTRY_SIZE);
    view.setUint32(i * ENTRY_SIZE + 16, offset, true);
    view.setUint32(i * ENTRY_SIZE + 20, entry.data.length, true);
    out.set(entry.data, offset);
    offset += entry.data.length;
  });
  return out;
}

/** Decode a table, bounds-checking every entry (a host-supplied table is untrusted input). */
export function decodeCertTable(table: Uint8Array): CertTableEntry[] {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const entries: CertTableEntry[] = [];
  for (let at = 0; ; at += ENTRY_SIZE) {
    if (at + ENTRY_SIZE > table.length)
      throw new SimulatorInputError("certificate table has no terminating entry");
    const guid = table.subarray(at, at + 16);
    const offset = view.getUint32(at + 16, true);
    const length = view.getUint32(at + 20, true);
    if (guid.every((b) => b === 0) && offset === 0 && length === 0) return entries;
    if (offset + length > table.length) {
      throw new SimulatorInputError(`certificate table entry ${entries.length} points outside the table`);
    }
    entries.push({ guid: guidText(guid), data: table.slice(offset, offset + length) });
  }
}
