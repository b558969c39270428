/**
 * Minimal DER navigation for X.509 certificates and CRLs with asn1js alone (pkijs' schema matching
 * costs milliseconds per CRL; these structures are fixed by RFC 5280 §4.1 and §5.1).
 */
import * as asn1js from "asn1js";

export class DerError extends Error {}

export function decodeDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || parsed.offset !== bytes.byteLength)
    throw new DerError(`${what} is not valid DER`);
  return parsed.result;
}

export function children(node: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence) && !(node instanceof asn1js.Constructed))
    throw new DerError(`${what} is not a SEQUENCE`);
  return node.valueBlock.value;
}

/** The encoded bytes of a decoded node (tag, length and content). */
export function encoded(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array(node.valueBeforeDecodeView);
}

export function isContextTag(node: asn1js.AsnType | undefined, n: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === n;
}

export function timeOf(node: asn1js.AsnType | undefined, what: string): Date {
  if (node instanceof asn1js.UTCTime || node instanceof asn1js.GeneralizedTime) return node.toDate();
  throw new DerError(`${what} is not a Time`);
}

/** Extensions (RFC 5280 Extensions) as OID → extnValue contents. */
export function extensionMap(extensions: asn1js.AsnType | undefined, what: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const ext of children(extensions, what)) {
    const parts = children(ext, `${what} entry`);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid instanceof asn1js.ObjectIdentifier && value instanceof asn1js.OctetString) {
      out.set(oid.valueBlock.toString(), new Uint8Array(value.valueBlock.valueHexView));
    }
  }
  return out;
}

export interface CertificateParts {
  subjectDer: Uint8Array;
  extensions: Map<string, Uint8Array>;
}

/** Subject Name bytes and extensions of a DER certificate. */
export function certificateParts(der: Uint8Array): CertificateParts {
  const tbs = children(children(decodeDer(der, "certificate"), "certificate")[0], "tbsCertificate");
  // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, …, [3] extensions.
  const base = isContextTag(tbs[0], 0) ? 1 : 0;
  const subject = tbs[base + 4];
  if (!subject) throw new DerError("certificate has no subject");
  const extWrapper = tbs.find((n) => isContextTag(n, 3));
  const extensions = extWrapper
    ? extensionMap(children(extWrapper, "extensions")[0], "extensions")
    : new Map<string, Uint8Array>();
  return { subjectDer: encoded(subject), extensions };
}
