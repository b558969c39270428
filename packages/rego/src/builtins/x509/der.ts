/**
 * A minimal DER (X.690) reader: enough to walk X.509 certificates, CSRs and keys. Errors carry Go's
 * encoding/asn1 wording ("asn1: structure error: …") since OPA surfaces those messages.
 */
export class DerError extends Error {}

export interface Tlv {
  /** Full identifier octet (class | constructed | tag number < 31). */
  tag: number;
  /** Offset of the identifier octet in the buffer. */
  start: number;
  /** Offset of the contents. */
  contentStart: number;
  /** Offset just past the contents. */
  end: number;
  buf: Buffer;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP: 0x1e,
  UNIVERSAL: 0x1c,
  NUMERIC: 0x12,
} as const;

export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError("asn1: syntax error: data truncated");
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("asn1: structure error: high-tag-number form not supported");
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError("asn1: structure error: length too large");
    if (p + n > limit) throw new DerError("asn1: syntax error: data truncated");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > limit) throw new DerError("asn1: syntax error: data truncated");
  return { tag, start: offset, contentStart: p, end: p + len, buf };
}

/** The children of a constructed value. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.end;) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) {
    throw new DerError(
      `asn1: structure error: tags don't match (${tag & 0x1f} vs {class:${(t?.tag ?? 0) >> 6} tag:${(t?.tag ?? 0) & 0x1f}}) ${what}`,
    );
  }
  return t;
}

export const bytesOf = (t: Tlv): Buffer => t.buf.subarray(t.start, t.end);
export const contentOf = (t: Tlv): Buffer => t.buf.subarray(t.contentStart, t.end);

/** Parses a single DER value spanning the whole buffer (trailing data is an error, as Go). */
export function parseDer(buf: Buffer): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError("x509: trailing data");
  return t;
}

export function integer(t: Tlv): bigint {
  const c = contentOf(t);
  if (c.length === 0) return 0n;
  let v = BigInt("0x" + c.toString("hex"));
  if (c[0]! & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

export function oid(t: Tlv): number[] {
  const c = contentOf(t);
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    v = v * 128 + (c[i]! & 0x7f);
    if (!(c[i]! & 0x80)) {
      if (out.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        out.push(first, v - first * 40);
      } else out.push(v);
      v = 0;
    }
  }
  return out;
}

export function bitString(t: Tlv): { bytes: Buffer; unused: number } {
  const c = contentOf(t);
  return { bytes: c.subarray(1), unused: c[0] ?? 0 };
}

/** A string-valued ASN.1 type as text (BMPString is UTF-16BE). */
export function stringValue(t: Tlv): string {
  const c = contentOf(t);
  if (t.tag === TAG.BMP) {
    let s = "";
    for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
    return s;
  }
  if (t.tag === TAG.T61) return c.toString("latin1");
  return c.toString("utf8");
}

/** UTCTime / GeneralizedTime as an RFC 3339 string as Go's time.Time marshals it. */
export function timeValue(t: Tlv): string {
  const s = contentOf(t).toString("latin1");
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string;
  if (t.tag === TAG.UTC_TIME) {
    m = /^(\d\d)(\d{10})Z$/.exec(s);
    if (!m) throw new DerError("asn1: time did not serialize back to the original value and may be invalid");
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    rest = m[2]!;
  } else {
    m = /^(\d{4})(\d{10})(\.\d+)?Z$/.exec(s);
    if (!m) throw new DerError("asn1: time did not serialize back to the original value and may be invalid");
    year = Number(m[1]);
    rest = m[2]! + (m[3] ?? "");
  }
  const [mo, d, h, mi, se] = [0, 2, 4, 6, 8].map((i) => rest.slice(i, i + 2));
  const frac = rest.length > 10 ? rest.slice(10).replace(/0+$/, "") : "";
  return `${String(year).padStart(4, "0")}-${mo}-${d}T${h}:${mi}:${se}${frac === "." ? "" : frac}Z`;
}
