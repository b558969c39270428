/**
 * The PCK certificate chain carried in a quote (certification data type 5) and the Intel SGX
 * extensions of the PCK leaf (OID 1.2.840.113741.1.13.1; research/evidence.md §4.4; Intel "SGX PCK
 * Certificate and CRL Profile").
 */
import { X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import { certificateParts } from "./der.ts";
import { DcapFormatError } from "./errors.ts";
import { BoundedCache, BytesCache, bytesListKey } from "./cache.ts";

const SGX_EXTENSIONS_OID = "1.2.840.113741.1.13.1";

/**
 * Split a PEM certificate chain. A trailing NUL (C string terminator, go-tdx-guest TestParsePckChain)
 * and whitespace are allowed after the last certificate; any other byte outside a PEM block is rejected (F25).
 */
export function splitPemChain(data: Uint8Array, what = "PCK certificate chain"): Uint8Array[] {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  const text = Buffer.from(data.subarray(0, end)).toString("latin1");
  const re = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;
  const ders: Uint8Array[] = [];
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (text.slice(last, m.index).trim() !== "") {
      throw new DcapFormatError(`${what}: unexpected bytes before certificate ${ders.length + 1}`);
    }
    ders.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")));
    last = re.lastIndex;
  }
  if (text.slice(last).trim() !== "")
    throw new DcapFormatError(`${what}: unexpected bytes after the last certificate`);
  if (ders.length === 0) throw new DcapFormatError(`${what}: no PEM certificate found`);
  return ders;
}

/** A PEM chain split into DERs, with the exact-content key of those DERs (for `verifyChain`'s cache). */
export interface SplitChain {
  ders: Uint8Array[];
  key: string;
  /** The SGX extensions of `ders[0]`, filled in by the first caller that decodes them. */
  leafExtensions?: PckExtensions;
}

function split(data: Uint8Array, what: string): SplitChain {
  // Copies, so later changes to the caller's buffer cannot reach a cached entry.
  const ders = splitPemChain(data, what).map((d) => new Uint8Array(d));
  return { ders, key: bytesListKey(ders) };
}

const pemBytesCache = new BytesCache<SplitChain>(1024);
const pemTextCache = new BoundedCache<SplitChain>(256);

/**
 * `splitPemChain` remembered by the exact bytes (the PCK chain inside a quote: the same for every
 * quote of a platform). Malformed chains are not cached: the DcapFormatError is thrown each time.
 */
export function splitPemChainCached(data: Uint8Array, what = "PCK certificate chain"): SplitChain {
  return pemBytesCache.getOrSet(data, () => split(data, what));
}

/**
 * `splitPemChain` of a collateral issuer chain given as text, remembered by the text itself (the
 * collateral object hands us the same string on every verification). The text is read as its
 * UTF-8 bytes, exactly as the uncached path did.
 */
export function splitPemTextCached(text: string, what: string): SplitChain {
  return pemTextCache.getOrSet(text, () => split(new TextEncoder().encode(text), what));
}

/** Parse DER certificates with node:crypto, turning its exceptions into a typed error. */
export function parseCertificates(ders: Uint8Array[], what: string): X509Certificate[] {
  return ders.map((der, i) => {
    try {
      return new X509Certificate(der);
    } catch (error) {
      throw new DcapFormatError(`${what}: certificate ${i + 1} is not a valid X.509 certificate`, {
        cause: String(error),
      });
    }
  });
}

export interface PckExtensions {
  ppid: Uint8Array;
  /** SGX TCB component SVNs `.2.1`–`.2.16`. */
  cpuSvnComponents: number[];
  pceSvn: number;
  cpuSvn: Uint8Array;
  pceId: Uint8Array;
  fmspc: Uint8Array;
  /** 0 Standard, 1 Scalable, 2 Scalable with integrity. */
  sgxType: number;
  platformInstanceId?: Uint8Array;
  dynamicPlatform?: boolean;
  cachedKeys?: boolean;
  smtEnabled?: boolean;
}

function bytesOf(value: asn1js.AsnType | undefined, what: string): Uint8Array {
  if (value instanceof asn1js.OctetString) return new Uint8Array(value.valueBlock.valueHexView);
  throw new DcapFormatError(`PCK extension ${what} is not an OCTET STRING`);
}

function intOf(value: asn1js.AsnType | undefined, what: string): number {
  if (value instanceof asn1js.Integer || value instanceof asn1js.Enumerated)
    return Number(value.valueBlock.valueDec);
  throw new DcapFormatError(`PCK extension ${what} is not an INTEGER`);
}

function boolOf(value: asn1js.AsnType | undefined): boolean | undefined {
  return value instanceof asn1js.Boolean ? value.valueBlock.value : undefined;
}

/** Entries of a SEQUENCE OF SEQUENCE { OID, value } as a map from OID to value. */
function oidMap(seq: asn1js.AsnType | undefined, what: string): Map<string, asn1js.AsnType> {
  if (!(seq instanceof asn1js.Sequence)) throw new DcapFormatError(`PCK extension ${what} is not a SEQUENCE`);
  const out = new Map<string, asn1js.AsnType>();
  for (const item of seq.valueBlock.value) {
    if (!(item instanceof asn1js.Sequence)) continue;
    const [oid, value] = item.valueBlock.value;
    if (oid instanceof asn1js.ObjectIdentifier && value) out.set(oid.valueBlock.toString(), value);
  }
  return out;
}

/** Decode the SGX extensions of a PCK leaf certificate (a new object, the caller's to keep). */
export function parsePckExtensions(der: Uint8Array): PckExtensions {
  return decodePckExtensions(new Uint8Array(der));
}

/**
 * The SGX extensions of a split chain's leaf, decoded once per cached chain. The object is shared
 * by every verification of that chain and never handed to callers (claims copy what they need).
 */
export function leafExtensions(split: SplitChain): PckExtensions {
  return (split.leafExtensions ??= decodePckExtensions(split.ders[0]!));
}

function decodePckExtensions(der: Uint8Array): PckExtensions {
  let value: Uint8Array | undefined;
  try {
    value = certificateParts(der).extensions.get(SGX_EXTENSIONS_OID);
  } catch (error) {
    throw new DcapFormatError("PCK certificate cannot be decoded", { cause: String(error) });
  }
  if (!value) throw new DcapFormatError(`PCK certificate has no SGX extensions (${SGX_EXTENSIONS_OID})`);
  const parsed = asn1js.fromBER(value);
  if (parsed.offset === -1) throw new DcapFormatError("PCK SGX extensions are not valid DER");
  const top = oidMap(parsed.result, "root");
  const p = SGX_EXTENSIONS_OID;
  const tcb = oidMap(top.get(`${p}.2`), "TCB");
  const cpuSvnComponents: number[] = [];
  for (let i = 1; i <= 16; i++) cpuSvnComponents.push(intOf(tcb.get(`${p}.2.${i}`), `TCB comp ${i}`));
  const out: PckExtensions = {
    ppid: bytesOf(top.get(`${p}.1`), "PPID"),
    cpuSvnComponents,
    pceSvn: intOf(tcb.get(`${p}.2.17`), "PCESVN"),
    cpuSvn: bytesOf(tcb.get(`${p}.2.18`), "CPUSVN"),
    pceId: bytesOf(top.get(`${p}.3`), "PCE-ID"),
    fmspc: bytesOf(top.get(`${p}.4`), "FMSPC"),
    sgxType: intOf(top.get(`${p}.5`), "SGX Type"),
  };
  const piid = top.get(`${p}.6`);
  if (piid instanceof asn1js.OctetString) out.platformInstanceId = bytesOf(piid, "PlatformInstanceID");
  const config = top.get(`${p}.7`);
  if (config) {
    const c = oidMap(config, "Configuration");
    const dyn = boolOf(c.get(`${p}.7.1`));
    const cached = boolOf(c.get(`${p}.7.2`));
    const smt = boolOf(c.get(`${p}.7.3`));
    if (dyn !== undefined) out.dynamicPlatform = dyn;
    if (cached !== undefined) out.cachedKeys = cached;
    if (smt !== undefined) out.smtEnabled = smt;
  }
  if (out.fmspc.length !== 6 || out.pceId.length !== 2 || out.cpuSvn.length !== 16) {
    throw new DcapFormatError("PCK SGX extensions have wrong FMSPC/PCE-ID/CPUSVN sizes");
  }
  return out;
}
