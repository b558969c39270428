/**
 * X.509 certificates (RFC 5280) and CSRs (RFC 2986) decoded into the JSON shape of Go's x509.Certificate /
 * x509.CertificateRequest as encoding/json marshals them, which is what OPA's crypto.x509.* return:
 * exported field names, []byte as base64, enums as Go's integer constants, times as RFC 3339.
 */
import { createPublicKey } from "node:crypto";
import { RObject, type Value } from "../../value/value.ts";
import { formatIP } from "../net/ip.ts";
import {
  bitString,
  bytesOf,
  children,
  contentOf,
  DerError,
  expect,
  integer,
  oid,
  parseDer,
  readTlv,
  stringValue,
  TAG,
  timeValue,
  type Tlv,
} from "./der.ts";

const b64 = (b: Buffer): string => b.toString("base64");
const oidText = (o: number[]): string => o.join(".");

/** Go's x509.SignatureAlgorithm constants by OID (crypto/x509/x509.go signatureAlgorithmDetails). */
const SIGNATURE_ALGORITHMS: Record<string, number> = {
  "1.2.840.113549.1.1.2": 1, // MD2WithRSA
  "1.2.840.113549.1.1.4": 2, // MD5WithRSA
  "1.2.840.113549.1.1.5": 3, // SHA1WithRSA
  "1.2.840.113549.1.1.11": 4, // SHA256WithRSA
  "1.2.840.113549.1.1.12": 5, // SHA384WithRSA
  "1.2.840.113549.1.1.13": 6, // SHA512WithRSA
  "1.2.840.10040.4.3": 7, // DSAWithSHA1
  "2.16.840.1.101.3.4.3.2": 8, // DSAWithSHA256
  "1.2.840.10045.4.1": 9, // ECDSAWithSHA1
  "1.2.840.10045.4.3.2": 10, // ECDSAWithSHA256
  "1.2.840.10045.4.3.3": 11, // ECDSAWithSHA384
  "1.2.840.10045.4.3.4": 12, // ECDSAWithSHA512
  "1.3.101.112": 16, // PureEd25519
};
/** RSASSA-PSS (1.2.840.113549.1.1.10): the constant depends on the hash in the parameters. */
const PSS_BY_HASH: Record<string, number> = {
  "2.16.840.1.101.3.4.2.1": 13,
  "2.16.840.1.101.3.4.2.2": 14,
  "2.16.840.1.101.3.4.2.3": 15,
};
/** Go's x509.PublicKeyAlgorithm constants. */
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = {
  "1.2.840.113549.1.1.1": 1, // RSA
  "1.2.840.10040.4.1": 2, // DSA
  "1.2.840.10045.2.1": 3, // ECDSA
  "1.3.101.112": 4, // Ed25519
};
/** Go's x509.ExtKeyUsage constants. */
export const EXT_KEY_USAGES: Record<string, number> = {
  "2.5.29.37.0": 0,
  "1.3.6.1.5.5.7.3.1": 1,
  "1.3.6.1.5.5.7.3.2": 2,
  "1.3.6.1.5.5.7.3.3": 3,
  "1.3.6.1.5.5.7.3.4": 4,
  "1.3.6.1.5.5.7.3.5": 5,
  "1.3.6.1.5.5.7.3.6": 6,
  "1.3.6.1.5.5.7.3.7": 7,
  "1.3.6.1.5.5.7.3.8": 8,
  "1.3.6.1.5.5.7.3.9": 9,
  "1.3.6.1.4.1.311.10.3.3": 10,
  "2.16.840.1.113730.4.1": 11,
  "1.3.6.1.4.1.311.2.1.22": 12,
  "1.3.6.1.4.1.311.61.1.1": 13,
};

function signatureAlgorithm(algId: Tlv): number {
  const parts = children(algId);
  const id = oidText(oid(expect(parts[0], TAG.OID, "algorithm")));
  if (id === "1.2.840.113549.1.1.10") {
    // RSASSA-PSS-params: [0] hashAlgorithm AlgorithmIdentifier (RFC 4055 §3.1).
    const params = parts[1] ? children(parts[1]) : [];
    const hashField = params.find((p) => p.tag === 0xa0);
    const hashOid = hashField ? oidText(oid(children(children(hashField)[0]!)[0]!)) : "";
    return PSS_BY_HASH[hashOid] ?? 0;
  }
  return SIGNATURE_ALGORITHMS[id] ?? 0;
}

/** pkix.Name: the well-known attributes split out, and every attribute in Names. */
function pkixName(name: Tlv): RObject {
  const lists: Record<string, string[]> = {
    "2.5.4.6": [],
    "2.5.4.10": [],
    "2.5.4.11": [],
    "2.5.4.7": [],
    "2.5.4.8": [],
    "2.5.4.9": [],
    "2.5.4.17": [],
  };
  let serialNumber = "";
  let commonName = "";
  const names: Value[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [typeT, valueT] = children(atv);
      const type = oid(expect(typeT, TAG.OID, "attribute type"));
      const value = stringValue(valueT!);
      names.push(RObject.fromRecord({ Type: type, Value: value }));
      const key = oidText(type);
      if (lists[key]) lists[key]!.push(value);
      else if (key === "2.5.4.5") serialNumber = value;
      else if (key === "2.5.4.3") commonName = value;
    }
  }
  const list = (k: string): Value => (lists[k]!.length ? lists[k]! : null);
  return RObject.fromRecord({
    Country: list("2.5.4.6"),
    Organization: list("2.5.4.10"),
    OrganizationalUnit: list("2.5.4.11"),
    Locality: list("2.5.4.7"),
    Province: list("2.5.4.8"),
    StreetAddress: list("2.5.4.9"),
    PostalCode: list("2.5.4.17"),
    SerialNumber: serialNumber,
    CommonName: commonName,
    Names: names,
    ExtraNames: null,
  });
}

const big = (b64url: string | undefined): bigint =>
  b64url ? BigInt("0x" + (Buffer.from(b64url, "base64url").toString("hex") || "0")) : 0n;
const num = (n: bigint): number | bigint => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

/** The PublicKey field: *rsa.PublicKey {N, E}, *ecdsa.PublicKey {Curve, X, Y}, ed25519 bytes. */
function publicKeyValue(spki: Buffer, algorithm: number): Value {
  let jwk: Record<string, string | undefined>;
  try {
    jwk = createPublicKey({ key: spki, format: "der", type: "spki" }).export({ format: "jwk" }) as Record<
      string,
      string | undefined
    >;
  } catch {
    return null;
  }
  if (algorithm === 1) return RObject.fromRecord({ N: num(big(jwk.n)), E: num(big(jwk.e)) });
  // Go's curve types hide their parameters in unexported fields, so Curve marshals as {}.
  if (algorithm === 3)
    return RObject.fromRecord({ Curve: new RObject(), X: num(big(jwk.x)), Y: num(big(jwk.y)) });
  if (algorithm === 4) return Buffer.from(jwk.x ?? "", "base64url").toString("base64");
  return null;
}

interface GeneralNames {
  dns: string[];
  email: string[];
  ip: string[];
  uri: string[];
}

function generalNames(seq: Tlv): GeneralNames {
  const out: GeneralNames = { dns: [], email: [], ip: [], uri: [] };
  for (const n of children(seq)) {
    const c = contentOf(n);
    switch (n.tag) {
      case 0x81:
        out.email.push(c.toString("latin1"));
        break;
      case 0x82:
        out.dns.push(c.toString("latin1"));
        break;
      case 0x86:
        out.uri.push(c.toString("latin1"));
        break;
      case 0x87:
        if (c.length === 4) out.ip.push([...c].join("."));
        else if (c.length === 16) out.ip.push(formatIP(BigInt("0x" + c.toString("hex"))));
        else throw new DerError(`x509: cannot parse IP address of length ${c.length}`);
        break;
    }
  }
  return out;
}

/** url.URL as Go marshals it (RFC 3986 split). */
export function goURL(text: string): RObject {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(text)!;
  const authority = m[2] ?? "";
  const at = authority.lastIndexOf("@");
  return RObject.fromRecord({
    Scheme: (m[1] ?? "").toLowerCase(),
    Opaque: m[2] === undefined && m[1] !== undefined && !(m[3] ?? "").startsWith("/") ? (m[3] ?? "") : "",
    User: null,
    Host: at >= 0 ? authority.slice(at + 1) : authority,
    Path: m[2] === undefined && m[1] !== undefined && !(m[3] ?? "").startsWith("/") ? "" : (m[3] ?? ""),
    RawPath: "",
    OmitHost: false,
    ForceQuery: false,
    RawQuery: m[4] ?? "",
    Fragment: m[5] ?? "",
    RawFragment: "",
  });
}

interface Extension {
  id: number[];
  critical: boolean;
  value: Buffer;
}

function extensions(seq: Tlv | undefined): Extension[] {
  if (!seq) return [];
  return children(seq).map((e) => {
    const parts = children(e);
    const id = oid(expect(parts[0], TAG.OID, "extension id"));
    const critical =
      parts.length === 3 && parts[1]!.tag === TAG.BOOLEAN ? contentOf(parts[1]!)[0] !== 0 : false;
    const value = contentOf(expect(parts[parts.length - 1], TAG.OCTET_STRING, "extension value"));
    return { id, critical, value };
  });
}

const listOrNull = (xs: Value[]): Value => (xs.length ? xs : null);

/** Decodes the extensions Go interprets into their certificate fields. */
function extensionFields(exts: Extension[]): Record<string, Value> {
  let keyUsage = 0;
  const extKeyUsage: Value[] = [];
  const unknownEKU: Value[] = [];
  let bcValid = false;
  let isCA = false;
  let maxPathLen = 0;
  let maxPathLenZero = false;
  let ski: Value = null;
  let aki: Value = null;
  const names: GeneralNames = { dns: [], email: [], ip: [], uri: [] };
  const ocsp: Value[] = [];
  const issuers: Value[] = [];
  const crl: Value[] = [];
  const policies: Value[] = [];
  for (const e of exts) {
    const id = oidText(e.id);
    const v = () => parseDer(e.value);
    switch (id) {
      case "2.5.29.15": {
        const { bytes } = bitString(v());
        for (let i = 0; i < 9; i++)
          if (bytes[i >> 3] !== undefined && bytes[i >> 3]! & (0x80 >> (i & 7))) keyUsage |= 1 << i;
        break;
      }
      case "2.5.29.37":
        for (const o of children(v())) {
          const t = oidText(oid(o));
          if (t in EXT_KEY_USAGES) extKeyUsage.push(EXT_KEY_USAGES[t]!);
          else unknownEKU.push(oid(o));
        }
        break;
      case "2.5.29.19": {
        bcValid = true;
        maxPathLen = -1;
        for (const c of children(v())) {
          if (c.tag === TAG.BOOLEAN) isCA = contentOf(c)[0] !== 0;
          if (c.tag === TAG.INTEGER) maxPathLen = Number(integer(c));
        }
        maxPathLenZero = maxPathLen === 0;
        break;
      }
      case "2.5.29.14":
        ski = b64(contentOf(v()));
        break;
      case "2.5.29.35":
        for (const c of children(v())) if (c.tag === 0x80) aki = b64(contentOf(c));
        break;
      case "2.5.29.17": {
        const g = generalNames(v());
        names.dns.push(...g.dns);
        names.email.push(...g.email);
        names.ip.push(...g.ip);
        names.uri.push(...g.uri);
        break;
      }
      case "1.3.6.1.5.5.7.1.1":
        for (const ad of children(v())) {
          const [method, location] = children(ad);
          const m = oidText(oid(method!));
          if (location!.tag !== 0x86) continue;
          const url = contentOf(location!).toString("latin1");
          if (m === "1.3.6.1.5.5.7.48.1") ocsp.push(url);
          else if (m === "1.3.6.1.5.5.7.48.2") issuers.push(url);
        }
        break;
      case "2.5.29.31":
        for (const dp of children(v())) {
          for (const f of children(dp)) {
            if (f.tag !== 0xa0) continue;
            for (const fullName of children(f)) {
              if (fullName.tag !== 0xa0) continue;
              for (const n of children(fullName))
                if (n.tag === 0x86) crl.push(contentOf(n).toString("latin1"));
            }
          }
        }
        break;
      case "2.5.29.32":
        for (const p of children(v())) policies.push(oid(children(p)[0]!));
        break;
    }
  }
  return {
    KeyUsage: keyUsage,
    ExtKeyUsage: listOrNull(extKeyUsage),
    UnknownExtKeyUsage: listOrNull(unknownEKU),
    BasicConstraintsValid: bcValid,
    IsCA: isCA,
    MaxPathLen: maxPathLen,
    MaxPathLenZero: maxPathLenZero,
    SubjectKeyId: ski,
    AuthorityKeyId: aki,
    OCSPServer: listOrNull(ocsp),
    IssuingCertificateURL: listOrNull(issuers),
    DNSNames: listOrNull(names.dns),
    EmailAddresses: listOrNull(names.email),
    IPAddresses: listOrNull(names.ip),
    URIs: listOrNull(names.uri.map(goURL)),
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: listOrNull(crl),
    PolicyIdentifiers: listOrNull(policies),
    Policies: listOrNull(policies.map((p) => (p as number[]).join("."))),
    URIStrings: listOrNull(names.uri),
  };
}

export interface ParsedCertificate {
  json: RObject;
  der: Buffer;
  /** The leaf's DNS/URI names etc. are in json; these support chain verification. */
  rawSubject: Buffer;
  rawIssuer: Buffer;
  extKeyUsage: number[] | undefined;
  isCA: boolean;
  basicConstraintsValid: boolean;
  version: number;
  notBefore: string;
  notAfter: string;
}

/** Parses one DER certificate. Malformed input: Go's "x509: malformed certificate". */
export function parseCertificate(der: Buffer): ParsedCertificate {
  try {
    const cert = expect(parseDer(der), TAG.SEQUENCE, "certificate");
    const [tbs, sigAlg, sig] = children(cert);
    const fields = children(expect(tbs, TAG.SEQUENCE, "tbsCertificate"));
    let i = 0;
    let version = 1;
    if (fields[0]?.tag === 0xa0) {
      version = Number(integer(children(fields[0])[0]!)) + 1;
      i++;
    }
    const serial = integer(expect(fields[i++], TAG.INTEGER, "serial"));
    i++; // inner signature AlgorithmIdentifier (must match the outer one)
    const issuer = expect(fields[i++], TAG.SEQUENCE, "issuer");
    const validity = children(expect(fields[i++], TAG.SEQUENCE, "validity"));
    const subject = expect(fields[i++], TAG.SEQUENCE, "subject");
    const spki = expect(fields[i++], TAG.SEQUENCE, "subjectPublicKeyInfo");
    const extField = fields.slice(i).find((f) => f.tag === 0xa3);
    const exts = extensions(extField ? children(extField)[0] : undefined);
    const pkAlgOid = oidText(oid(children(children(spki)[0]!)[0]!));
    const pkAlg = PUBLIC_KEY_ALGORITHMS[pkAlgOid] ?? 0;
    const notBefore = timeValue(validity[0]!);
    const notAfter = timeValue(validity[1]!);
    const extFields = extensionFields(exts);
    const json = RObject.fromRecord({
      Raw: b64(der),
      RawTBSCertificate: b64(bytesOf(tbs!)),
      RawSubjectPublicKeyInfo: b64(bytesOf(spki)),
      RawSubject: b64(bytesOf(subject)),
      RawIssuer: b64(bytesOf(issuer)),
      Signature: b64(bitString(expect(sig, TAG.BIT_STRING, "signature")).bytes),
      SignatureAlgorithm: signatureAlgorithm(expect(sigAlg, TAG.SEQUENCE, "signatureAlgorithm")),
      PublicKeyAlgorithm: pkAlg,
      PublicKey: publicKeyValue(bytesOf(spki), pkAlg),
      Version: version,
      SerialNumber: num(serial),
      Issuer: pkixName(issuer),
      Subject: pkixName(subject),
      NotBefore: notBefore,
      NotAfter: notAfter,
      Extensions: listOrNull(
        exts.map((e) => RObject.fromRecord({ Id: e.id, Critical: e.critical, Value: b64(e.value) })),
      ),
      ExtraExtensions: null,
      UnhandledCriticalExtensions: null,
      ...extFields,
    });
    const eku = extFields.ExtKeyUsage as number[] | null;
    return {
      json,
      der,
      rawSubject: bytesOf(subject),
      rawIssuer: bytesOf(issuer),
      extKeyUsage: eku ?? (extFields.UnknownExtKeyUsage !== null ? [] : undefined),
      isCA: extFields.IsCA as boolean,
      basicConstraintsValid: extFields.BasicConstraintsValid as boolean,
      version,
      notBefore,
      notAfter,
    };
  } catch (e) {
    if (e instanceof DerError || e instanceof TypeError) throw new DerError("x509: malformed certificate");
    throw e;
  }
}

/** x509.ParseCertificates: concatenated DER certificates. */
export function parseCertificates(der: Buffer): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (let p = 0; p < der.length;) {
    let t: Tlv;
    try {
      t = readTlv(der, p);
    } catch {
      throw new DerError("x509: malformed certificate");
    }
    out.push(parseCertificate(der.subarray(p, t.end)));
    p = t.end;
  }
  return out;
}

/** x509.ParseCertificateRequest into Go's CertificateRequest JSON. */
export function parseCertificateRequest(der: Buffer): RObject {
  const csr = expect(parseDer(der), TAG.SEQUENCE, "certificate request");
  const [info, sigAlg, sig] = children(csr);
  const fields = children(expect(info, TAG.SEQUENCE, "certificationRequestInfo"));
  const version = Number(integer(expect(fields[0], TAG.INTEGER, "version")));
  const subject = expect(fields[1], TAG.SEQUENCE, "subject");
  const spki = expect(fields[2], TAG.SEQUENCE, "subjectPublicKeyInfo");
  const pkAlg = PUBLIC_KEY_ALGORITHMS[oidText(oid(children(children(spki)[0]!)[0]!))] ?? 0;
  let exts: Extension[] = [];
  const attributes: Value[] = [];
  const attrField = fields[3];
  if (attrField && attrField.tag === 0xa0) {
    for (const attr of children(attrField)) {
      const [typeT, values] = children(attr);
      const type = oidText(oid(typeT!));
      // PKCS #9 extensionRequest (1.2.840.113549.1.9.14) carries the requested extensions.
      if (type === "1.2.840.113549.1.9.14") {
        for (const v of children(values!)) exts = exts.concat(extensions(v));
        attributes.push(
          RObject.fromRecord({
            Type: oid(typeT!),
            Value: [exts.map((e) => RObject.fromRecord({ Type: e.id, Value: b64(e.value) }))],
          }),
        );
      }
    }
  }
  const extFields = extensionFields(exts);
  return RObject.fromRecord({
    Raw: b64(der),
    RawTBSCertificateRequest: b64(bytesOf(info!)),
    RawSubjectPublicKeyInfo: b64(bytesOf(spki)),
    RawSubject: b64(bytesOf(subject)),
    Version: version,
    Signature: b64(bitString(expect(sig, TAG.BIT_STRING, "signature")).bytes),
    SignatureAlgorithm: signatureAlgorithm(expect(sigAlg, TAG.SEQUENCE, "signatureAlgorithm")),
    PublicKeyAlgorithm: pkAlg,
    PublicKey: publicKeyValue(bytesOf(spki), pkAlg),
    Subject: pkixName(subject),
    Attributes: listOrNull(attributes),
    Extensions: listOrNull(
      exts.map((e) => RObject.fromRecord({ Id: e.id, Critical: e.critical, Value: b64(e.value) })),
    ),
    ExtraExtensions: null,
    DNSNames: extFields.DNSNames!,
    EmailAddresses: extFields.EmailAddresses!,
    IPAddresses: extFields.IPAddresses!,
    URIs: extFields.URIs!,
  });
}
