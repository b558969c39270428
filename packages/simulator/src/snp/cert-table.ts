/**
 * The extended-report certificate table that SNP_GET_EXT_REPORT and configfs-tsm `auxblob` return
 * (research/evidence.md §1.7; go-sev-guest abi/abi.go `CertTable`): entries of {GUID 16 bytes in RFC 4122 textual
 * byte order, offset u32 LE, length u32 LE}, ended by an all-zero entry, offsets relative to the table start.
 */
import { decodeSnpCertTable, SnpFormatError } from "@cocoon/evidence";
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

/**
 * Decode a table with the verifier's decoder (@cocoon/evidence decodeSnpCertTable: bounds-checked, a
 * host-supplied table is untrusted input), its format errors re-thrown as SimulatorInputErrors.
 */
export function decodeCertTable(table: Uint8Array): CertTableEntry[] {
  try {
    return decodeSnpCertTable(table).map(({ guid, data }) => ({ guid, data }));
  } catch (error) {
    if (error instanceof SnpFormatError) throw new SimulatorInputError(error.message);
    throw error;
  }
}
