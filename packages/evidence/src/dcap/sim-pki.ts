/**
 * Test support: a complete Intel-like PKI and a TDX v4 quote signed by it, in exactly the formats
 * of the genuine ones (PCK chain with SGX extensions, Intel JSON collateral, CRLs). Used to prove
 * that simulator-produced evidence verifies against `trust.intelRoots` and is marked simulated,
 * and to produce revocation cases Intel's real CRLs cannot.
 */
import { createHash, generateKeyPairSync, sign as cryptoSign, webcrypto, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { DcapCollateral } from "./collateral.ts";

const OID_SGX = "1.2.840.113741.1.13.1";

interface Pair {
  priv: KeyObject;
  pub: KeyObject;
  cryptoPriv: webcrypto.CryptoKey;
}

async function pair(): Promise<Pair> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const cryptoPriv = await webcrypto.subtle.importKey(
    "pkcs8",
    pkcs8,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  return { priv: privateKey, pub: publicKey, cryptoPriv };
}

function name(cn: string, intelLike: boolean): pkijs.RelativeDistinguishedNames {
  const attrs = [
    new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: cn }) }),
  ];
  if (intelLike) {
    attrs.push(
      new pkijs.AttributeTypeAndValue({
        type: "2.5.4.10",
        value: new asn1js.Utf8String({ value: "Intel Corporation" }),
      }),
      new pkijs.AttributeTypeAndValue({
        type: "2.5.4.7",
        value: new asn1js.Utf8String({ value: "Santa Clara" }),
      }),
      new pkijs.AttributeTypeAndValue({ type: "2.5.4.8", value: new asn1js.Utf8String({ value: "CA" }) }),
      new pkijs.AttributeTypeAndValue({
        type: "2.5.4.6",
        value: new asn1js.PrintableString({ value: "US" }),
      }),
    );
  }
  return new pkijs.RelativeDistinguishedNames({ typesAndValues: attrs });
}

function seqOid(oid: string, value: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: oid }), value as asn1js.BaseBlock],
  });
}

/** The SGX extension of a PCK certificate (Intel PCK Certificate and CRL Profile). */
function sgxExtension(fmspc: Uint8Array, cpuSvn: number[], pceSvn: number): Uint8Array {
  const tcb: asn1js.Sequence[] = cpuSvn.map((v, i) =>
    seqOid(`${OID_SGX}.2.${i + 1}`, new asn1js.Integer({ value: v })),
  );
  tcb.push(seqOid(`${OID_SGX}.2.17`, new asn1js.Integer({ value: pceSvn })));
  tcb.push(seqOid(`${OID_SGX}.2.18`, new asn1js.OctetString({ valueHex: Uint8Array.from(cpuSvn).buffer })));
  const ext = new asn1js.Sequence({
    value: [
      seqOid(`${OID_SGX}.1`, new asn1js.OctetString({ valueHex: new Uint8Array(16).fill(7).buffer })),
      seqOid(`${OID_SGX}.2`, new asn1js.Sequence({ value: tcb })),
      seqOid(`${OID_SGX}.3`, new asn1js.OctetString({ valueHex: new Uint8Array(2).buffer })),
      seqOid(`${OID_SGX}.4`, new asn1js.OctetString({ valueHex: new Uint8Array(fmspc).buffer })),
      seqOid(`${OID_SGX}.5`, new asn1js.Enumerated({ value: 0 })),
    ],
  });
  return new Uint8Array(ext.toBER());
}

let serialCounter = 1;

async function certificate(opts: {
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.RelativeDistinguishedNames;
  key: Pair;
  signer: Pair;
  ca: boolean;
  notBefore: Date;
  notAfter: Date;
  extraExtension?: Uint8Array;
}): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serialCounter++ });
  cert.issuer = opts.issuer;
  cert.subject = opts.subject;
  cert.notBefore.value = opts.notBefore;
  cert.notAfter.value = opts.notAfter;
  await cert.subjectPublicKeyInfo.importKey(
    await webcrypto.subtle.importKey(
      "spki",
      opts.key.pub.export({ type: "spki", format: "der" }),
      { name: "ECDSA", namedCurve: "P-256" },
      true,
      ["verify"],
    ),
  );
  cert.extensions = [
    new pkijs.Extension({
      extnID: "2.5.29.19",
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: opts.ca }).toSchema().toBER(false),
      parsedValue: new pkijs.BasicConstraints({ cA: opts.ca }),
    }),
  ];
  if (opts.extraExtension)
    cert.extensions.push(
      new pkijs.Extension({
        extnID: OID_SGX,
        critical: false,
        extnValue: opts.extraExtension.slice().buffer,
      }),
    );
  await cert.sign(opts.signer.cryptoPriv, "SHA-256");
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

async function crl(
  issuer: pkijs.RelativeDistinguishedNames,
  signer: Pair,
  thisUpdate: Date,
  nextUpdate: Date,
  revokedSerials: number[],
): Promise<Uint8Array> {
  const list = new pkijs.CertificateRevocationList();
  list.version = 1;
  list.issuer = issuer;
  list.thisUpdate = new pkijs.Time({ type: 0, value: thisUpdate });
  list.nextUpdate = new pkijs.Time({ type: 0, value: nextUpdate });
  if (revokedSerials.length) {
    list.revokedCertificates = revokedSerials.map(
      (s) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ value: s }),
          revocationDate: new pkijs.Time({ type: 0, value: thisUpdate }),
        }),
    );
  }
  await list.sign(signer.cryptoPriv, "SHA-256");
  return new Uint8Array(list.toSchema(true).toBER(false));
}

const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`;
const p1363 = (key: KeyObject, data: Uint8Array): Buffer =>
  cryptoSign("sha256", data, { key, dsaEncoding: "ieee-p1363" });

export interface SimulatedDcap {
  rootDer: Uint8Array;
  quote: Uint8Array;
  collateral: DcapCollateral;
  pckSerial: number;
  now: Date;
}

export interface SimulatedTdxOptions {
  /** Give the root Intel's exact DN (a look-alike root, research F16). */
  intelLikeNames?: boolean;
  /** List the PCK certificate on the PCK CRL. */
  revokePck?: boolean;
  /** List the PCK CA on the root CA CRL. */
  revokePckCa?: boolean;
  debug?: boolean;
  /** Sign the TCB info with the platform's PCK key under its (valid) PCK chain: forged collateral. */
  forgeTcbInfoWithPck?: boolean;
  /** Produce a v5 quote with a TD 1.5 body: TEE_TCB_SVN at launch and TEE_TCB_SVN2 now (first three bytes). */
  td15?: { launch: number[]; current: number[] };
}

/**
 * Build a simulated Intel-like PKI and a TDX quote (v4 TD 1.0, or v5 TD 1.5). The TCB info has
 * two levels: UpToDate for TEE_TCB_SVN ≥ 6.1.3 and OutOfDate (INTEL-SA-00999) for ≥ 3.1.3, with
 * TDX_01 module levels ISVSVN 6 UpToDate / 3 OutOfDate (INTEL-SA-00998).
 */
export async function buildSimulatedTdx(opts: SimulatedTdxOptions = {}): Promise<SimulatedDcap> {
  const like = opts.intelLikeNames === true;
  const now = new Date("2026-01-15T00:00:00Z");
  const from = new Date("2026-01-01T00:00:00Z");
  const to = new Date("2027-01-01T00:00:00Z");
  const [root, pckCa, pck, tcbSigner, attKey] = await Promise.all([pair(), pair(), pair(), pair(), pair()]);
  const rootName = name(like ? "Intel SGX Root CA" : "Cocoon Simulated SGX Root CA", like);
  const caName = name("Intel SGX PCK Platform CA", like);
  const fmspc = Uint8Array.from([0x90, 0xc0, 0x6f, 0, 0, 0]);
  const cpuSvn = [3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0];
  const rootDer = await certificate({
    subject: rootName,
    issuer: rootName,
    key: root,
    signer: root,
    ca: true,
    notBefore: from,
    notAfter: to,
  });
  const caSerial = serialCounter;
  const caDer = await certificate({
    subject: caName,
    issuer: rootName,
    key: pckCa,
    signer: root,
    ca: true,
    notBefore: from,
    notAfter: to,
  });
  const pckSerial = serialCounter;
  const pckDer = await certificate({
    subject: name("Intel SGX PCK Certificate", like),
    issuer: caName,
    key: pck,
    signer: pckCa,
    ca: false,
    notBefore: from,
    notAfter: to,
    extraExtension: sgxExtension(fmspc, cpuSvn, 13),
  });
  const tcbDer = await certificate({
    subject: name("Intel SGX TCB Signing", like),
    issuer: rootName,
    key: tcbSigner,
    signer: root,
    ca: false,
    notBefore: from,
    notAfter: to,
  });

  // Quote: header (v4, TDX) ‖ TD report ‖ signature data with QE report certification data (type 6 → 5).
  const header = Buffer.alloc(opts.td15 ? 54 : 48);
  header.writeUInt16LE(opts.td15 ? 5 : 4, 0);
  header.writeUInt16LE(2, 2);
  header.writeUInt32LE(0x81, 4);
  Buffer.from("939a7233f79c4ca9940a0db3957f0607", "hex").copy(header, 12);
  if (opts.td15) {
    header.writeUInt16LE(3, 48); // body type: TD report 1.5
    header.writeUInt32LE(648, 50);
  }
  const body = Buffer.alloc(opts.td15 ? 648 : 584);
  Buffer.from(opts.td15?.launch ?? [6, 1, 3]).copy(body, 0); // TEE_TCB_SVN
  if (opts.td15) Buffer.from(opts.td15.current).copy(body, 584); // TEE_TCB_SVN2
  body.writeBigUInt64LE(opts.debug ? 0x10000001n : 0x10000000n, 120); // TD_ATTRIBUTES: SEPT_VE_DISABLE (+ DEBUG)
  body.fill(0xab, 136, 184); // MRTD
  body.fill(0x42, 520, 584); // REPORT_DATA
  const signed = Buffer.concat([header, body]);
  const attXY = attKey.pub.export({ format: "jwk" });
  const attRaw = Buffer.concat([Buffer.from(attXY.x!, "base64url"), Buffer.from(attXY.y!, "base64url")]);
  const qeAuth = Buffer.alloc(32, 0x11);
  const qeReport = Buffer.alloc(384);
  qeReport.writeBigUInt64LE(0x11n, 48); // QE ATTRIBUTES (INIT | MODE64BIT-like, not debug)
  Buffer.from("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5", "hex").copy(qeReport, 128);
  qeReport.writeUInt16LE(2, 256); // ISVPRODID of the TD QE
  qeReport.writeUInt16LE(6, 258);
  createHash("sha256").update(attRaw).update(qeAuth).digest().copy(qeReport, 320);
  const chainPem = Buffer.from(pem(pckDer) + pem(caDer) + pem(rootDer) + "\0", "latin1");
  const inner = Buffer.concat([
    qeReport,
    p1363(pck.priv, qeReport),
    u16(qeAuth.length),
    qeAuth,
    u16(5),
    u32(chainPem.length),
    chainPem,
  ]);
  const sigData = Buffer.concat([p1363(attKey.priv, signed), attRaw, u16(6), u32(inner.length), inner]);
  const quote = new Uint8Array(Buffer.concat([signed, u32(sigData.length), sigData]));

  const level = (tdx: number[], status: string, advisory = ""): string =>
    `{"tcb":{"sgxtcbcomponents":[${cpuSvn.map((s) => `{"svn":${s}}`).join(",")}],"pcesvn":13,"tdxtcbcomponents":[${[...tdx, ...new Array<number>(13).fill(0)].map((s) => `{"svn":${s}}`).join(",")}]},"tcbDate":"2025-11-12T00:00:00Z","tcbStatus":"${status}"${advisory ? `,"advisoryIDs":["${advisory}"]` : ""}}`;
  const zeros48 = "0".repeat(96);
  const tcbInfo = `{"id":"TDX","version":3,"issueDate":"2026-01-10T00:00:00Z","nextUpdate":"2026-02-10T00:00:00Z","fmspc":"90C06F000000","pceId":"0000","tcbType":0,"tcbEvaluationDataNumber":19,"tdxModule":{"mrsigner":"${zeros48}","attributes":"0000000000000000","attributesMask":"FFFFFFFFFFFFFFFF"},"tdxModuleIdentities":[{"id":"TDX_01","mrsigner":"${zeros48}","attributes":"0000000000000000","attributesMask":"FFFFFFFFFFFFFFFF","tcbLevels":[{"tcb":{"isvsvn":6},"tcbDate":"2025-11-12T00:00:00Z","tcbStatus":"UpToDate"},{"tcb":{"isvsvn":3},"tcbDate":"2025-01-01T00:00:00Z","tcbStatus":"OutOfDate","advisoryIDs":["INTEL-SA-00998"]}]}],"tcbLevels":[${level([6, 1, 3], "UpToDate")},${level([3, 1, 3], "OutOfDate", "INTEL-SA-00999")}]}`;
  const qeIdentity = `{"id":"TD_QE","version":2,"issueDate":"2026-01-10T00:00:00Z","nextUpdate":"2026-02-10T00:00:00Z","tcbEvaluationDataNumber":19,"miscselect":"00000000","miscselectMask":"FFFFFFFF","attributes":"11000000000000000000000000000000","attributesMask":"FBFFFFFFFFFFFFFF0000000000000000","mrsigner":"DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5","isvprodid":2,"tcbLevels":[{"tcb":{"isvsvn":4},"tcbDate":"2025-11-12T00:00:00Z","tcbStatus":"UpToDate"}]}`;
  const issuerChain = pem(tcbDer) + pem(rootDer);
  const collateral: DcapCollateral = {
    tcbInfo,
    tcbInfoSignature: p1363(
      opts.forgeTcbInfoWithPck ? pck.priv : tcbSigner.priv,
      Buffer.from(tcbInfo),
    ).toString("hex"),
    tcbInfoIssuerChain: opts.forgeTcbInfoWithPck ? pem(pckDer) + pem(caDer) + pem(rootDer) : issuerChain,
    qeIdentity,
    qeIdentitySignature: p1363(tcbSigner.priv, Buffer.from(qeIdentity)).toString("hex"),
    qeIdentityIssuerChain: issuerChain,
    rootCaCrl: await crl(
      rootName,
      root,
      new Date("2026-01-10T00:00:00Z"),
      new Date("2026-07-10T00:00:00Z"),
      opts.revokePckCa ? [caSerial] : [],
    ),
    pckCrl: await crl(
      caName,
      pckCa,
      new Date("2026-01-10T00:00:00Z"),
      new Date("2026-02-10T00:00:00Z"),
      opts.revokePck ? [pckSerial] : [],
    ),
    pckCrlIssuerChain: pem(caDer) + pem(rootDer),
  };
  return { rootDer, quote, collateral, pckSerial, now };
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
