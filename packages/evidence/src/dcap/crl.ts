/**
 * X.509 CRLs of the Intel PKI (root CA CRL, PCK Platform/Processor CA CRLs): decoded with pkijs,
 * signature checked with node:crypto over the exact TBSCertList bytes.
 */
import { verify as cryptoVerify, type X509Certificate } from "node:crypto";
import * as pkijs from "pkijs";
import { DcapCollateralError } from "./errors.ts";
import { BoundedCache, contentKey } from "./cache.ts";

const crlCache = new BoundedCache<ParsedCrl>(64);
const crlSignatureCache = new BoundedCache<boolean>(256);
const subjectCache = new BoundedCache<Uint8Array>(1024);

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

function hexOf(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("hex");
}

/** Decode a DER CRL (cached by content: Intel's CRLs are the same for every quote of a day). */
export function parseCrl(der: Uint8Array, what: string): ParsedCrl {
  return crlCache.getOrSet(contentKey(der), () => decodeCrl(der, what));
}

function decodeCrl(der: Uint8Array, what: string): ParsedCrl {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(der);
  } catch (error) {
    throw new DcapCollateralError(`${what} is not a valid DER CRL`, { cause: String(error) });
  }
  const revoked = new Set<string>();
  for (const entry of crl.revokedCertificates ?? []) {
    revoked.add(normalizeSerial(hexOf(entry.userCertificate.valueBlock.valueHexView)));
  }
  const out: ParsedCrl = {
    der,
    tbs: new Uint8Array(crl.tbsView),
    signature: new Uint8Array(crl.signatureValue.valueBlock.valueHexView),
    signatureAlgorithm: crl.signatureAlgorithm.algorithmId,
    issuerDer: new Uint8Array(crl.issuer.valueBeforeDecode),
    thisUpdate: crl.thisUpdate.value,
    revoked,
  };
  if (crl.nextUpdate) out.nextUpdate = crl.nextUpdate.value;
  const num = crl.crlExtensions?.extensions.find((e) => e.extnID === "2.5.29.20");
  if (num?.parsedValue && typeof num.parsedValue.valueBlock?.valueDec === "number") {
    out.crlNumber = num.parsedValue.valueBlock.valueDec;
  }
  return out;
}

/** ecdsa-with-SHA256 (RFC 5758): the only algorithm Intel's PKI uses. */
const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

/** True when `issuer` signed this CRL and is named as its issuer. */
export function crlSignedBy(crl: ParsedCrl, issuer: X509Certificate, issuerSubjectDer: Uint8Array): boolean {
  return crlSignatureCache.getOrSet(contentKey(crl.der, issuer.raw, issuerSubjectDer), () =>
    checkCrlSignature(crl, issuer, issuerSubjectDer),
  );
}

function checkCrlSignature(crl: ParsedCrl, issuer: X509Certificate, issuerSubjectDer: Uint8Array): boolean {
  if (crl.signatureAlgorithm !== ECDSA_WITH_SHA256) return false;
  if (Buffer.compare(Buffer.from(crl.issuerDer), Buffer.from(issuerSubjectDer)) !== 0) return false;
  try {
    return cryptoVerify("sha256", crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}

/** The DER of a certificate's subject Name, for matching CRL issuers byte for byte. */
export function subjectDer(certDer: Uint8Array): Uint8Array {
  return subjectCache.getOrSet(contentKey(certDer), () => decodeSubject(certDer));
}

function decodeSubject(certDer: Uint8Array): Uint8Array {
  const cert = pkijs.Certificate.fromBER(certDer);
  return new Uint8Array(cert.subject.valueBeforeDecode);
}
