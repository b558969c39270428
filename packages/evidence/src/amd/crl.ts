/**
 * AMD certificate revocation lists: https://kdsintf.amd.com/{vcek,vlek}/v1/<Product>/crl, DER, signed by the ARK
 * with RSASSA-PSS SHA-384 (evidence.md §2.4; go-sev-guest verify/verify.go checks it against the ARK). They list
 * revoked ASK/ASVK (and possibly VCEK/VLEK) serial numbers. Checked synchronously with node:crypto over the exact
 * tbsCertList bytes; @peculiar/x509 only reads the fields.
 */
import { verify as cryptoVerify, constants } from "node:crypto";
import { X509Crl, X509Certificate as PeculiarX509 } from "@peculiar/x509";
import { CocoonError, decodePemBlocks } from "@cocoon/core";
import { sha256Hex, type AmdCertificate } from "./cert.ts";
import { tlvAt } from "./der.ts";
import { BoundedCache } from "./cache.ts";

export class AmdCrlError extends CocoonError {
  constructor(message: string, cause?: unknown) {
    super("ERR_AMD_CRL", message, { cause });
    this.name = "AmdCrlError";
  }
}

export interface AmdCrl {
  sha256: string;
  der: Uint8Array;
  /** Issuer DN in @peculiar/x509's string form (compared with the same form of the ARK subject). */
  issuer: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** Revoked serial numbers, uppercase hex without leading zeros. */
  revoked: Set<string>;
  tbs: Uint8Array;
  signature: Uint8Array;
  hash: string;
  /** "RSA-PSS" | "ECDSA" | "RSASSA-PKCS1-v1_5" */
  algorithm: string;
  saltLength: number | undefined;
}

export function normalizeSerial(hex: string): string {
  const s = hex.toUpperCase().replace(/^0+/, "");
  return s === "" ? "0" : s;
}

/** Parse a CRL given as DER or PEM ("X509 CRL"). Throws AmdCrlError when unreadable. */
export function parseAmdCrl(input: Uint8Array | string): AmdCrl {
  let der: Uint8Array;
  const text = typeof input === "string" ? input : undefined;
  if (
    text !== undefined ||
    Buffer.from(input as Uint8Array)
      .subarray(0, 16)
      .toString("latin1")
      .includes("-----BEGIN")
  ) {
    const blocks = decodePemBlocks(text ?? Buffer.from(input as Uint8Array).toString("latin1")).filter(
      (b) => b.label === "X509 CRL",
    );
    if (blocks.length !== 1) throw new AmdCrlError(`expected one PEM X509 CRL, found ${blocks.length}`);
    der = new Uint8Array(blocks[0]!.der);
  } else {
    der = input as Uint8Array;
  }
  const hash = sha256Hex(der);
  const hit = parsedCrls.get(hash);
  if (hit) return hit;
  let crl: X509Crl;
  try {
    crl = new X509Crl(der);
  } catch (error) {
    throw new AmdCrlError("not a readable X.509 CRL (DER)", error);
  }
  // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
  const outer = tlvAt(der, 0);
  const tbsTlv = outer ? tlvAt(der, outer.valueStart) : undefined;
  if (!outer || !tbsTlv) throw new AmdCrlError("CRL structure is truncated");
  const alg = crl.signatureAlgorithm as { name: string; hash?: { name: string }; saltLength?: number };
  const hashName = alg.hash?.name?.toLowerCase().replace("-", "");
  if (!hashName) throw new AmdCrlError(`unsupported CRL signature algorithm ${alg.name}`);
  const algTlv = tlvAt(der, tbsTlv.end);
  const sigTlv = algTlv ? tlvAt(der, algTlv.end) : undefined;
  // signatureValue BIT STRING: first content byte is the count of unused bits, always 0 for signatures.
  if (!sigTlv || sigTlv.tag !== 0x03 || der[sigTlv.valueStart] !== 0)
    throw new AmdCrlError("CRL signature is malformed");
  const signature = der.slice(sigTlv.valueStart + 1, sigTlv.end);
  const parsed: AmdCrl = {
    sha256: hash,
    der: new Uint8Array(der),
    issuer: crl.issuer,
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    revoked: new Set(crl.entries.map((e) => normalizeSerial(e.serialNumber))),
    tbs: der.slice(outer.valueStart, tbsTlv.end),
    signature,
    hash: hashName,
    algorithm: alg.name,
    saltLength: alg.saltLength,
  };
  parsedCrls.set(hash, parsed);
  return parsed;
}

/** Parsed CRLs and signature verdicts by DER hash: AMD CRLs are re-sent with every verification. */
const parsedCrls = new BoundedCache<string, AmdCrl>(64);
const crlVerdicts = new BoundedCache<string, boolean>(256);

const subjectForms = new BoundedCache<string, string>(64);

/** The ARK subject in the same string form @peculiar/x509 gives CRL issuers. */
function peculiarSubject(cert: AmdCertificate): string {
  let s = subjectForms.get(cert.sha256);
  if (s === undefined) {
    s = new PeculiarX509(cert.der).subject;
    subjectForms.set(cert.sha256, s);
  }
  return s;
}

export function crlIssuedBy(crl: AmdCrl, ark: AmdCertificate): boolean {
  return crl.issuer === peculiarSubject(ark);
}

/** Verify the CRL signature with the issuer's key (RSA-PSS as AMD uses, or ECDSA / PKCS#1 for other issuers). */
export function verifyCrlSignature(crl: AmdCrl, issuer: AmdCertificate): boolean {
  const key = `${crl.sha256}:${issuer.sha256}`;
  let verdict = crlVerdicts.get(key);
  if (verdict === undefined) {
    verdict = checkCrlSignature(crl, issuer);
    crlVerdicts.set(key, verdict);
  }
  return verdict;
}

function checkCrlSignature(crl: AmdCrl, issuer: AmdCertificate): boolean {
  try {
    if (crl.algorithm === "RSA-PSS") {
      return cryptoVerify(
        crl.hash,
        crl.tbs,
        { key: issuer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: crl.saltLength ?? 20 },
        crl.signature,
      );
    }
    if (crl.algorithm === "ECDSA")
      return cryptoVerify(crl.hash, crl.tbs, { key: issuer.publicKey, dsaEncoding: "der" }, crl.signature);
    return cryptoVerify(crl.hash, crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}
