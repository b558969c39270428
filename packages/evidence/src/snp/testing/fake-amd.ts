/**
 * Test-only AMD-shaped hierarchies (ARK → ASK/ASVK → VCEK/VLEK with AMD's extensions) and report signing, built
 * fresh with WebCrypto for each test run (no keys in source). They exercise the extra-roots path
 * (`trust.amdRoots`), CRLs, look-alike roots and the Turin extension layout, none of which a genuine vector
 * covers. ECDSA P-384 CAs keep tests fast; `caAlgorithm: "rsa-pss"` builds AMD's real RSA-PSS SHA-384 shape.
 */
import { KeyObject, sign, webcrypto } from "node:crypto";

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams | webcrypto.RsaPssParams;
import * as x509 from "@peculiar/x509";
import { encodeTcb, type TcbLayout } from "../tcb.ts";

x509.cryptoProvider.set(webcrypto as never);

const OID = "1.3.6.1.4.1.3704.1.";
const DN_TAIL = "OU=Engineering, C=US, L=Santa Clara, ST=CA, O=Advanced Micro Devices";

export interface FakeTcb {
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  fmc?: number;
}

export interface FakeHierarchyOptions {
  product?: "Milan" | "Genoa" | "Turin";
  kind?: "VCEK" | "VLEK";
  tcb: FakeTcb;
  /** 64 bytes (8 on Turin) for a VCEK. */
  hwId?: Uint8Array;
  cspId?: string;
  caAlgorithm?: "ecdsa" | "rsa-pss";
  /** Prefix of CA common names, e.g. "SIMULATED " (the simulator's convention); "" imitates AMD's names exactly. */
  namePrefix?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** hwID wrapped in an OCTET STRING instead of raw bytes. */
  wrapHwId?: boolean;
}

export interface FakeHierarchy {
  ark: Uint8Array;
  intermediate: Uint8Array;
  leaf: Uint8Array;
  leafKey: KeyObject;
  arkKeys: CryptoKeyPair;
  arkName: string;
  intermediateSerial: string;
  leafSerial: string;
  signingAlgorithm: SigningAlgorithm;
}

function derInt(n: number): Uint8Array {
  return n < 0x80 ? Uint8Array.of(0x02, 0x01, n) : Uint8Array.of(0x02, 0x02, 0x00, n);
}
function derIa5(s: string): Uint8Array {
  return Uint8Array.of(0x16, s.length, ...Buffer.from(s, "latin1"));
}

async function caKeys(alg: "ecdsa" | "rsa-pss"): Promise<{ keys: CryptoKeyPair; signing: SigningAlgorithm }> {
  if (alg === "ecdsa") {
    const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    return { keys, signing: { name: "ECDSA", hash: "SHA-384" } as SigningAlgorithm };
  }
  const keys = (await webcrypto.subtle.generateKey(
    { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-384" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  return { keys, signing: { name: "RSA-PSS", hash: "SHA-384", saltLength: 48 } as SigningAlgorithm };
}

export async function makeFakeHierarchy(options: FakeHierarchyOptions): Promise<FakeHierarchy> {
  const product = options.product ?? "Milan";
  const kind = options.kind ?? "VCEK";
  const prefix = options.namePrefix ?? "SIMULATED ";
  const notBefore = options.notBefore ?? new Date("2024-01-01T00:00:00Z");
  const notAfter = options.notAfter ?? new Date("2040-01-01T00:00:00Z");
  const { keys: arkKeys, signing } = await caKeys(options.caAlgorithm ?? "ecdsa");
  const { keys: interKeys } = await caKeys(options.caAlgorithm ?? "ecdsa");
  const arkName = `CN=${prefix}ARK-${product}, ${DN_TAIL}`;
  const interName = `CN=${prefix}SEV-${kind === "VLEK" ? "VLEK-" : ""}${product}, ${DN_TAIL}`;
  const ark = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0100",
    name: arkName,
    notBefore,
    notAfter,
    keys: arkKeys,
    signingAlgorithm: signing,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true)],
  });
  const intermediateSerial = "0101";
  const inter = await x509.X509CertificateGenerator.create({
    serialNumber: intermediateSerial,
    subject: interName,
    issuer: arkName,
    notBefore,
    notAfter,
    publicKey: interKeys.publicKey,
    signingKey: arkKeys.privateKey,
    signingAlgorithm: signing,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  const leafKeys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const t = options.tcb;
  const ext = (suffix: string, value: Uint8Array): x509.Extension =>
    new x509.Extension(OID + suffix, false, value);
  const extensions = [
    ext("1", derInt(product === "Turin" ? 1 : 0)),
    ext("2", derIa5(product === "Milan" ? "Milan-B0" : product)),
    ext("3.1", derInt(t.bootloader)),
    ext("3.2", derInt(t.tee)),
    ext("3.3", derInt(t.snp)),
    ext("3.8", derInt(t.microcode)),
  ];
  if (product === "Turin") extensions.push(ext("3.9", derInt(t.fmc ?? 0)));
  else extensions.push(ext("3.4", derInt(0)));
  if (kind === "VCEK" && options.hwId) {
    const id = options.wrapHwId ? Uint8Array.of(0x04, options.hwId.length, ...options.hwId) : options.hwId;
    extensions.push(ext("4", id));
  }
  if (kind === "VLEK") extensions.push(ext("5", derIa5(options.cspId ?? "CN=cloud.example")));
  const leafSerial = "02";
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: leafSerial,
    subject: `CN=SEV-${kind}, ${DN_TAIL}`,
    issuer: interName,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: interKeys.privateKey,
    signingAlgorithm: signing,
    extensions,
  });
  return {
    ark: new Uint8Array(ark.rawData),
    intermediate: new Uint8Array(inter.rawData),
    leaf: new Uint8Array(leaf.rawData),
    leafKey: KeyObject.from(leafKeys.privateKey),
    arkKeys,
    arkName,
    intermediateSerial,
    leafSerial,
    signingAlgorithm: signing,
  };
}

export interface ReportFields {
  version?: number;
  vmpl?: number;
  policy?: bigint;
  signingKey?: 0 | 1;
  cpuid?: [number, number, number];
  tcb: FakeTcb;
  layout: TcbLayout;
  chipId?: Uint8Array;
  reportData?: Uint8Array;
  measurement?: Uint8Array;
  hostData?: Uint8Array;
}

/** A structurally valid report (reserved fields zero) with the given fields, signed with `key` like the firmware. */
export function makeSignedReport(key: KeyObject, f: ReportFields): Buffer {
  const raw = Buffer.alloc(0x4a0);
  raw.writeUInt32LE(f.version ?? 3, 0);
  raw.writeBigUInt64LE(f.policy ?? 0x30000n, 0x08);
  raw.writeUInt32LE(f.vmpl ?? 0, 0x30);
  raw.writeUInt32LE(1, 0x34);
  const tcb = encodeTcb(f.tcb, f.layout);
  for (const off of [0x38, 0x180, 0x1e0, 0x1f0]) raw.set(tcb, off);
  raw.writeBigUInt64LE(0x25n, 0x40);
  raw.writeUInt32LE((f.signingKey ?? 0) << 2, 0x48);
  if (f.reportData) raw.set(f.reportData, 0x50);
  if (f.measurement) raw.set(f.measurement, 0x90);
  if (f.hostData) raw.set(f.hostData, 0xc0);
  raw.fill(0xff, 0x160, 0x180);
  if ((f.version ?? 3) >= 3) raw.set(f.cpuid ?? [0x19, 0x01, 0x01], 0x188);
  if (f.chipId) raw.set(f.chipId, 0x1a0);
  raw.set([3, 55, 1], 0x1e8);
  raw.set([3, 55, 1], 0x1ec);
  return signReport(raw, key);
}

/** (Re-)sign bytes 0x000..0x29F with the report's little-endian R/S encoding. */
export function signReport(report: Uint8Array, key: KeyObject): Buffer {
  const raw = Buffer.from(report);
  const sig = sign("sha384", raw.subarray(0, 0x2a0), { key, dsaEncoding: "ieee-p1363" });
  raw.fill(0, 0x2a0, 0x4a0);
  raw.set(Buffer.from(sig.subarray(0, 48)).reverse(), 0x2a0);
  raw.set(Buffer.from(sig.subarray(48, 96)).reverse(), 0x2e8);
  return raw;
}

export async function makeFakeCrl(
  h: Pick<FakeHierarchy, "arkKeys" | "arkName" | "signingAlgorithm">,
  revokedSerials: string[],
  thisUpdate = new Date("2025-01-01T00:00:00Z"),
  nextUpdate = new Date("2035-01-01T00:00:00Z"),
): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: h.arkName,
    thisUpdate,
    nextUpdate,
    signingKey: h.arkKeys.privateKey,
    signingAlgorithm: h.signingAlgorithm,
    entries: revokedSerials.map((serialNumber) => ({ serialNumber, revocationDate: thisUpdate })),
  });
  return new Uint8Array(crl.rawData);
}
