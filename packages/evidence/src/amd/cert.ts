/**
 * AMD SEV certificates (ARK, ASK, ASVK, VCEK, VLEK) parsed once and kept: node:crypto gives the signature,
 * validity and names; @peculiar/x509 gives the raw extension values node does not expose. Parsed certificates are
 * cached by the SHA-256 of their DER so verifying the same VCEK again costs a hash and a map lookup.
 */
import { createHash, X509Certificate as NodeX509, type KeyObject } from "node:crypto";
import { X509Certificate as PeculiarX509 } from "@peculiar/x509";
import { CocoonError, decodePemBlocks } from "@cocoon/core";
import { readDerIa5String, readDerUnsigned, readHwId } from "./der.ts";
import { BoundedCache } from "./cache.ts";

export class AmdCertificateError extends CocoonError {
  constructor(message: string, cause?: unknown) {
    super("ERR_AMD_CERTIFICATE", message, { cause });
    this.name = "AmdCertificateError";
  }
}

/** AMD's private arc for VCEK/VLEK extensions (evidence.md §2.2; go-sev-guest kds/kds.go OIDs). */
export const AMD_OID = {
  structVersion: "1.3.6.1.4.1.3704.1.1",
  productName: "1.3.6.1.4.1.3704.1.2",
  blSPL: "1.3.6.1.4.1.3704.1.3.1",
  teeSPL: "1.3.6.1.4.1.3704.1.3.2",
  snpSPL: "1.3.6.1.4.1.3704.1.3.3",
  ucodeSPL: "1.3.6.1.4.1.3704.1.3.8",
  /** Turin and later (virtee/snpguest src/verify.rs). */
  fmcSPL: "1.3.6.1.4.1.3704.1.3.9",
  hwID: "1.3.6.1.4.1.3704.1.4",
  /** VLEK only: the CSP the VLEK was provisioned to. */
  cspId: "1.3.6.1.4.1.3704.1.5",
} as const;

const AMD_ARC = "1.3.6.1.4.1.3704.1.";

/** The AMD extensions of a VCEK/VLEK. A field is undefined when absent; `malformed` lists present-but-unreadable ones. */
export interface AmdKeyExtensions {
  structVersion?: number;
  productName?: string;
  blSPL?: number;
  teeSPL?: number;
  snpSPL?: number;
  ucodeSPL?: number;
  fmcSPL?: number;
  hwId?: Uint8Array;
  cspId?: string;
  /** Every extension under 1.3.6.1.4.1.3704.1, OID → hex of the extension value. */
  raw: Record<string, string>;
  malformed: string[];
}

export interface AmdCertificate {
  der: Uint8Array;
  /** SHA-256 of the DER, lowercase hex: the identity used for pinning and caching. */
  sha256: string;
  x509: NodeX509;
  subject: string;
  issuer: string;
  subjectCn: string;
  issuerCn: string;
  notBefore: Date;
  notAfter: Date;
  /** Serial number, uppercase hex without leading zeros stripped (as node prints it). */
  serialNumber: string;
  publicKey: KeyObject;
  /** Subject equals issuer (a self-signed root candidate; the signature is checked separately). */
  selfIssued: boolean;
  amd: AmdKeyExtensions;
}

function commonName(dn: string): string {
  for (const line of dn.split("\n")) if (line.startsWith("CN=")) return line.slice(3);
  return "";
}

function parseAmdExtensions(der: Uint8Array): AmdKeyExtensions {
  const out: AmdKeyExtensions = { raw: {}, malformed: [] };
  const cert = new PeculiarX509(der);
  for (const ext of cert.extensions) {
    if (!ext.type.startsWith(AMD_ARC)) continue;
    const value = new Uint8Array(ext.value);
    out.raw[ext.type] = Buffer.from(value).toString("hex");
    const int = (): number | undefined => {
      const n = readDerUnsigned(value);
      if (n === undefined) out.malformed.push(ext.type);
      return n;
    };
    switch (ext.type) {
      case AMD_OID.structVersion:
        out.structVersion = int();
        break;
      case AMD_OID.productName: {
        const s = readDerIa5String(value);
        if (s === undefined) out.malformed.push(ext.type);
        else out.productName = s;
        break;
      }
      case AMD_OID.blSPL:
        out.blSPL = int();
        break;
      case AMD_OID.teeSPL:
        out.teeSPL = int();
        break;
      case AMD_OID.snpSPL:
        out.snpSPL = int();
        break;
      case AMD_OID.ucodeSPL:
        out.ucodeSPL = int();
        break;
      case AMD_OID.fmcSPL:
        out.fmcSPL = int();
        break;
      case AMD_OID.hwID: {
        const id = readHwId(value);
        if (id === undefined) out.malformed.push(ext.type);
        else out.hwId = id;
        break;
      }
      case AMD_OID.cspId: {
        const s = readDerIa5String(value);
        if (s === undefined) out.malformed.push(ext.type);
        else out.cspId = s;
        break;
      }
      default:
        break; // reserved SPLs (3.4–3.7) and future fields: kept in `raw` only
    }
  }
  return out;
}

const parsed = new BoundedCache<string, AmdCertificate>(512);

/**
 * The certificate last parsed from each caller-owned DER array, so a verifier handed the same VCEK buffer for every
 * report skips even the SHA-256. A hit still requires the array's current bytes to equal the certificate's own DER
 * copy, so a reused or mutated buffer can never return another certificate (a 1–2 KB compare is cheaper than the
 * hash). Weak: an entry goes with the caller's array.
 */
const byInput = new WeakMap<Uint8Array, AmdCertificate>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Parse one certificate given as DER bytes or PEM text/bytes. Throws AmdCertificateError on anything unreadable. */
export function parseAmdCertificate(input: Uint8Array | string): AmdCertificate {
  if (typeof input !== "string") {
    const seen = byInput.get(input);
    if (seen && sameBytes(seen.der, input)) return seen;
  }
  let der: Uint8Array;
  if (typeof input === "string" || looksLikePem(input)) {
    const text = typeof input === "string" ? input : Buffer.from(input).toString("latin1");
    let blocks;
    try {
      blocks = decodePemBlocks(text).filter((b) => b.label === "CERTIFICATE");
    } catch (error) {
      throw new AmdCertificateError("certificate PEM is not valid base64", error);
    }
    if (blocks.length !== 1)
      throw new AmdCertificateError(`expected one PEM CERTIFICATE, found ${blocks.length}`);
    der = new Uint8Array(blocks[0]!.der);
  } else {
    der = input;
  }
  const hash = sha256Hex(der);
  const hit = parsed.get(hash);
  if (hit) {
    if (der === input) byInput.set(input, hit);
    return hit;
  }
  let x509: NodeX509;
  let amd: AmdKeyExtensions;
  try {
    x509 = new NodeX509(der);
    amd = parseAmdExtensions(der);
  } catch (error) {
    throw new AmdCertificateError("not a readable X.509 certificate (DER)", error);
  }
  const cert: AmdCertificate = {
    der: new Uint8Array(der),
    sha256: hash,
    x509,
    subject: x509.subject,
    issuer: x509.issuer,
    subjectCn: commonName(x509.subject),
    issuerCn: commonName(x509.issuer),
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
    serialNumber: x509.serialNumber.toUpperCase(),
    publicKey: x509.publicKey,
    selfIssued: x509.subject === x509.issuer,
    amd,
  };
  parsed.set(hash, cert);
  if (der === input) byInput.set(input, cert);
  return cert;
}

/** Every certificate in a PEM bundle (e.g. a KDS cert_chain: ASK then ARK). */
export function parseAmdCertificates(pem: string): AmdCertificate[] {
  let blocks;
  try {
    blocks = decodePemBlocks(pem).filter((b) => b.label === "CERTIFICATE");
  } catch (error) {
    throw new AmdCertificateError("certificate PEM is not valid base64", error);
  }
  if (blocks.length === 0) throw new AmdCertificateError("no PEM CERTIFICATE found");
  return blocks.map((b) => parseAmdCertificate(new Uint8Array(b.der)));
}

function looksLikePem(bytes: Uint8Array): boolean {
  // "-----BEGIN" possibly after whitespace; DER certificates start with 0x30 ("0", neither whitespace nor "-").
  if (bytes[0] === 0x30) return false;
  const head = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  return head.trimStart().startsWith("-----BEGIN");
}
