/**
 * A minimal DER encoder for the vendor-private certificate extensions (AMD VCEK OIDs, Intel SGX extension).
 * Only definite-length, minimal encodings are produced (X.690 §10: DER), which is what real vendor certificates
 * carry and what strict parsers (go-sev-guest, dcap-qvl) expect.
 */

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  octetString: 0x04,
  oid: 0x06,
  enumerated: 0x0a,
  ia5String: 0x16,
  sequence: 0x30,
} as const;

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derTlv(tag: number, value: Uint8Array): Uint8Array {
  const length = encodeLength(value.length);
  const out = new Uint8Array(1 + length.length + value.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(value, 1 + length.length);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Two's-complement minimal big-endian content bytes of a non-negative integer. */
function unsignedContent(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`DER integer out of range: ${value}`);
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  if (bytes.length === 0) bytes.push(0);
  if (bytes[0]! & 0x80) bytes.unshift(0); // keep it positive: 128 → 02 02 00 80 (as AMD's ucodeSPL ≥ 128)
  return Uint8Array.from(bytes);
}

export function derInteger(value: number): Uint8Array {
  return derTlv(TAG.integer, unsignedContent(value));
}

export function derEnumerated(value: number): Uint8Array {
  return derTlv(TAG.enumerated, unsignedContent(value));
}

export function derBoolean(value: boolean): Uint8Array {
  return derTlv(TAG.boolean, Uint8Array.of(value ? 0xff : 0x00));
}

export function derOctetString(value: Uint8Array): Uint8Array {
  return derTlv(TAG.octetString, value);
}

export function derIa5String(value: string): Uint8Array {
  if (!/^[\x00-\x7f]*$/.test(value)) throw new RangeError("IA5String must be ASCII");
  return derTlv(TAG.ia5String, new Uint8Array(Buffer.from(value, "latin1")));
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  return derTlv(TAG.sequence, concatBytes(...items));
}

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19: first two arcs combined, base-128 big-endian arcs). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((s) => {
    if (!/^\d+$/.test(s)) throw new RangeError(`bad OID ${dotted}`);
    return Number(s);
  });
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const body: number[] = [];
  const push = (arc: number): void => {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    body.push(...chunk);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return derTlv(TAG.oid, Uint8Array.from(body));
}
