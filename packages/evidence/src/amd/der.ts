/**
 * The few DER shapes AMD puts inside its VCEK/VLEK extension values (evidence.md §2.2): INTEGER for the SPLs and
 * structVersion, IA5String for productName and cspId, and hwID either raw or as an OCTET STRING. A tiny strict
 * reader is enough and keeps verification free of a generic ASN.1 parse per call.
 */

export interface DerTlv {
  tag: number;
  value: Uint8Array;
}

/** Reads exactly one TLV spanning the whole input; undefined if the input is anything else. */
export function readSingleTlv(input: Uint8Array): DerTlv | undefined {
  if (input.length < 2) return undefined;
  const tag = input[0]!;
  let length = input[1]!;
  let offset = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // DER: long form only when needed, at most 4 length bytes for anything we read here.
    if (count === 0 || count > 4 || input.length < 2 + count) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[2 + i]!;
    if (length < 0x80) return undefined;
    offset += count;
  }
  if (offset + length !== input.length) return undefined;
  return { tag, value: input.subarray(offset, offset + length) };
}

const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_IA5STRING = 0x16;

/** A non-negative DER INTEGER of at most 6 bytes of magnitude (SPLs are u8); undefined if malformed. */
export function readDerUnsigned(input: Uint8Array): number | undefined {
  const tlv = readSingleTlv(input);
  if (!tlv || tlv.tag !== TAG_INTEGER || tlv.value.length === 0) return undefined;
  const v = tlv.value;
  if (v[0]! & 0x80) return undefined; // negative
  // Minimal encoding: a leading zero byte only when the next byte has its top bit set.
  if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) return undefined;
  const magnitude = v[0] === 0 ? v.subarray(1) : v;
  if (magnitude.length > 6) return undefined;
  let n = 0;
  for (const b of magnitude) n = n * 256 + b;
  return n;
}

export function readDerIa5String(input: Uint8Array): string | undefined {
  const tlv = readSingleTlv(input);
  if (!tlv || tlv.tag !== TAG_IA5STRING) return undefined;
  for (const b of tlv.value) if (b > 0x7f) return undefined;
  return Buffer.from(tlv.value).toString("latin1");
}

/**
 * hwID: KDS certificates carry the raw bytes (64, or 8 on Turin) as the extension value; some certificates wrap
 * them in an OCTET STRING. Trustee accepts both (snp/mod.rs `get_oid_octets`); so do we. Raw wins when the length
 * is one of the expected ones, exactly as Trustee decides.
 */
export function readHwId(input: Uint8Array): Uint8Array | undefined {
  if (input.length === 64 || input.length === 8) return new Uint8Array(input);
  const tlv = readSingleTlv(input);
  if (!tlv || tlv.tag !== TAG_OCTET_STRING) return undefined;
  if (tlv.value.length !== 64 && tlv.value.length !== 8) return undefined;
  return new Uint8Array(tlv.value);
}

/** Header of the TLV at `offset`: where its value starts and where the TLV ends; undefined if it overruns. */
export function tlvAt(
  input: Uint8Array,
  offset: number,
): { tag: number; valueStart: number; end: number } | undefined {
  if (offset + 2 > input.length) return undefined;
  const tag = input[offset]!;
  let length = input[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || valueStart + count > input.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[valueStart + i]!;
    valueStart += count;
  }
  const end = valueStart + length;
  if (end > input.length) return undefined;
  return { tag, valueStart, end };
}
