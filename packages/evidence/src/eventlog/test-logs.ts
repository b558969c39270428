/**
 * Test support: builds synthetic TCG2 crypto-agile logs byte by byte, so tests can hit each
 * field with absurd values and check replay against a hand-computed extend chain.
 */

export interface SyntheticEvent {
  index: number;
  type: number;
  /** [algorithm id, digest bytes] pairs. */
  digests: [number, Uint8Array][];
  data: Uint8Array;
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** The EV_NO_ACTION Spec ID header declaring `algorithms` as [id, size] pairs. */
export function specIdHeader(
  algorithms: [number, number][] = [[0x000c, 48]],
  vendorInfo = new Uint8Array(0),
): Buffer {
  const spec = Buffer.concat([
    Buffer.from("Spec ID Event03\0", "latin1"),
    u32(0), // platformClass
    Buffer.from([0, 2, 0, 2]), // specVersionMinor, specVersionMajor, specErrata, uintnSize
    u32(algorithms.length),
    ...algorithms.flatMap(([id, size]) => [u16(id), u16(size)]),
    Buffer.from([vendorInfo.length]),
    vendorInfo,
  ]);
  return Buffer.concat([u32(0), u32(0x3), Buffer.alloc(20), u32(spec.length), spec]);
}

export function encodeEvent(e: SyntheticEvent): Buffer {
  return Buffer.concat([
    u32(e.index),
    u32(e.type),
    u32(e.digests.length),
    ...e.digests.flatMap(([id, d]) => [u16(id), Buffer.from(d)]),
    u32(e.data.length),
    Buffer.from(e.data),
  ]);
}

/** Header + events + the 0xFF fill the CCEL ACPI area has after the last event. */
export function buildLog(events: SyntheticEvent[], header: Buffer = specIdHeader()): Buffer {
  return Buffer.concat([header, ...events.map(encodeEvent), Buffer.alloc(16, 0xff)]);
}

export { u16, u32 };
