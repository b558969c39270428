/**
 * X.509 CRLs of the Intel PKI (root CA CRL, PCK Platform/Processor CA CRLs): decoded with asn1js (der.ts),
 * signature checked with node:crypto over the exact TBSCertList bytes.
 */
import { verify as cryptoVerify, type X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import {
  certificateParts,
  children,
  decodeDer,
  DerError,
  encoded,
  extensionMap,
  isContextTag,
  timeOf,
} from "./der.ts";
import { DcapCollateralError } from "./errors.ts";
import { bufferView, BytesMemo, IdentityMemo } from "./cache.ts";

const crlCache = new BytesMemo<ParsedCrl>(64);
/** Per cached CRL, per issuer certificate (both immutable, so identity is content): signature valid? */
const crlSignatureCache = new IdentityMemo<ParsedCrl, WeakMap<X509Certificate, boolean>>();
const subjectCache = new IdentityMemo<X509Certificate, Uint8Array>();

export interface ParsedCrl {
  der: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: string;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Serial numbers of revoked certificates, upper-case hex without leading zeros. */
  revoked: Set<string>;
  /** CRL number extension (2.5.29.20) when present. */
  crlNumber?: number;
}

/** Normalise a certificate serial for comparisons: upper-case hex without leading zeros. */
export function normalizeSerial(hex: string): string {
  const s = hex.replace(/^0+/, "").toUpperCase();
  return s === "" ? "0" : s;
}

const serials = new IdentityMemo<X509Certificate, string>();

/** A certificate's serial, normalised as CRL entries are (remembered per immutable certificate). */
export function certificateSerial(cert: X509Certificate): string {
  return serials.getOrSet(cert, () => normalizeSerial(cert.serialNumber));
}

function hexOf(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("hex");
}

/** Decode a DER CRL (cached by content: Intel's CRLs are the same for every quote of a day). */
export function parseCrl(der: Uint8Array, what: string): ParsedCrl {
  return crlCache.getOrSet(der, () => decodeCrl(new Uint8Array(der), what));
}

function decodeCrl(der: Uint8Array, what: string): ParsedCrl {
  try {
    // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue } (RFC 5280 §5.1)
    const [tbsNode, algNode, sigNode] = children(decodeDer(der, what), what);
    if (!tbsNode || !(sigNode instanceof asn1js.BitString))
      throw new DerError(`${what} is not a CertificateList`);
    const tbs = children(tbsNode, "tbsCertList");
    let i = tbs[0] instanceof asn1js.Integer ? 1 : 0; // optional version
    i++; // signature AlgorithmIdentifier
    const issuer = tbs[i++];
    if (!issuer) throw new DerError(`${what} has no issuer`);
    const thisUpdate = timeOf(tbs[i++], "thisUpdate");
    let nextUpdate: Date | undefined;
    if (tbs[i] instanceof asn1js.UTCTime || tbs[i] instanceof asn1js.GeneralizedTime)
      nextUpdate = timeOf(tbs[i++], "nextUpdate");
    const revoked = new Set<string>();
    if (tbs[i] instanceof asn1js.Sequence) {
      for (const entry of children(tbs[i++], "revokedCertificates")) {
        const serial = children(entry, "revokedCertificate")[0];
        if (!(serial instanceof asn1js.Integer)) throw new DerError("revoked entry without a serial number");
        revoked.add(normalizeSerial(hexOf(serial.valueBlock.valueHexView)));
      }
    }
    const out: ParsedCrl = {
      der,
      tbs: encoded(tbsNode),
      signature: new Uint8Array(sigNode.valueBlock.valueHexView),
      signatureAlgorithm: algorithmOid(algNode),
      issuerDer: encoded(issuer),
      thisUpdate,
      revoked,
    };
    if (nextUpdate) out.nextUpdate = nextUpdate;
    if (isContextTag(tbs[i], 0)) {
      const num = extensionMap(children(tbs[i], "crlExtensions")[0], "crlExtensions").get("2.5.29.20");
      const value = num ? asn1js.fromBER(num).result : undefined;
      if (value instanceof asn1js.Integer) out.crlNumber = value.valueBlock.valueDec;
    }
    return out;
  } catch (error) {
    throw new DcapCollateralError(`${what} is not a valid DER CRL`, { cause: String(error) });
  }
}

function algorithmOid(node: asn1js.AsnType | undefined): string {
  const oid = children(node, "AlgorithmIdentifier")[0];
  return oid instanceof asn1js.ObjectIdentifier ? oid.valueBlock.toString() : "";
}

/** ecdsa-with-SHA256 (RFC 5758): the only algorithm Intel's PKI uses. */
const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

/** True when `issuer` signed this CRL and is named (byte for byte) as its issuer. */
export function crlSignedBy(crl: ParsedCrl, issuer: X509Certificate): boolean {
  const verdicts = crlSignatureCache.getOrSet(crl, () => new WeakMap<X509Certificate, boolean>());
  let ok = verdicts.get(issuer);
  if (ok === undefined) {
    ok = checkCrlSignature(crl, issuer);
    verdicts.set(issuer, ok);
  }
  return ok;
}

function checkCrlSignature(crl: ParsedCrl, issuer: X509Certificate): boolean {
  if (crl.signatureAlgorithm !== ECDSA_WITH_SHA256) return false;
  if (!bufferView(crl.issuerDer).equals(subjectDer(issuer))) return false;
  try {
    return cryptoVerify("sha256", crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}

/** The DER of a certificate's subject Name, for matching CRL issuers byte for byte. */
export function subjectDer(cert: X509Certificate): Uint8Array {
  return subjectCache.getOrSet(cert, () => certificateParts(new Uint8Array(cert.raw)).subjectDer);
}
