/**
 * A simulated Intel SGX/TDX provisioning PKI, shaped like Intel's (research/evidence.md §4.4, §4.6; names and
 * extensions as in the genuine chain of vectors/tdx/dcapqvl/tdx_quote.bin and its collateral):
 *   Root CA         P-256, self-signed, CA pathlen 1, keyCertSign+cRLSign
 *   PCK Platform CA P-256, CA pathlen 0, keyCertSign+cRLSign          (issues PCK certificates and the PCK CRL)
 *   TCB Signing     P-256, leaf, digitalSignature+nonRepudiation       (signs TCB info and QE identity)
 *   PCK certificate P-256 per platform TCB, with the SGX extension     (signs the QE report)
 * plus the platform's Quoting Enclave attestation key. All signatures ecdsa-with-SHA256. CNs start with
 * "SIMULATED"; CRL distribution points use the reserved .invalid domain (RFC 2606) so nothing is ever fetched.
 */
import { hkdfSync, randomBytes } from "node:crypto";
import {
  type CryptoKey,
  type CryptoKeyPair,
  deriveEcKeyPair,
  exportPkcs8,
  generateKeyPair,
  importKeyPair,
  signingAlgorithm,
  x509,
} from "../keys.ts";
import type { StateDir } from "../state.ts";
import { cachedCertificate, DAY_MS, emptyCrl, YEAR_MS } from "../issuing.ts";
import { sgxExtension, type PckPlatformFacts } from "./sgx-extensions.ts";

const EC = "ecdsa-p256" as const;

export function intelName(commonName: string): string {
  return `CN=SIMULATED ${commonName}, O=Intel Corporation, L=Santa Clara, ST=CA, C=US`;
}

export const SIMULATED_ROOT_CRL_URL = "https://certificates.cocoon-simulator.invalid/IntelSGXRootCA.der";
export const SIMULATED_PCK_CRL_URL =
  "https://api.cocoon-simulator.invalid/sgx/certification/v4/pckcrl?ca=platform&encoding=der";

/** What a PCK certificate is issued for: the platform's FMSPC and its current TCB (CPUSVN, PCESVN). */
export interface PckRequest {
  fmspc: Uint8Array;
  cpuSvn: Uint8Array;
  pceSvn: number;
}

export interface IssuedPck {
  der: Uint8Array;
  privateKey: CryptoKey;
}

export interface IntelCrls {
  rootCaCrl: Uint8Array;
  pckCrl: Uint8Array;
}

const GROUP_FILES = [
  "root.der",
  "root.key",
  "pck-ca.der",
  "pck-ca.key",
  "tcb-signing.der",
  "tcb-signing.key",
  "attestation.key",
  "platform-secret",
] as const;

export class IntelHierarchy {
  readonly rootDer: Uint8Array;
  readonly pckCaDer: Uint8Array;
  readonly tcbSigningDer: Uint8Array;
  /** The Quoting Enclave's attestation key (signs quotes; bound to the QE report). */
  readonly attestationKey: CryptoKeyPair;
  /** QE ID: the first 16 bytes of the quote header's user_data. */
  readonly qeId: Uint8Array;
  readonly tcbSigningKey: CryptoKey;
  private readonly state: StateDir;
  private readonly root: CryptoKeyPair;
  private readonly pckCa: CryptoKeyPair;
  private readonly platformSecret: Uint8Array;

  private constructor(
    state: StateDir,
    files: Record<string, Uint8Array>,
    keys: Record<string, CryptoKeyPair>,
  ) {
    this.state = state;
    this.rootDer = files["root.der"]!;
    this.pckCaDer = files["pck-ca.der"]!;
    this.tcbSigningDer = files["tcb-signing.der"]!;
    this.root = keys["root"]!;
    this.pckCa = keys["pck-ca"]!;
    this.tcbSigningKey = keys["tcb-signing"]!.privateKey;
    this.attestationKey = keys["attestation"]!;
    this.platformSecret = files["platform-secret"]!;
    this.qeId = this.derived("QE_ID", 16);
  }

  static async open(state: StateDir, now: Date): Promise<IntelHierarchy> {
    const files = await state.loadOrCreateGroup("intel/ca", GROUP_FILES, () => create(now));
    const keys: Record<string, CryptoKeyPair> = {};
    for (const name of ["root", "pck-ca", "tcb-signing", "attestation"]) {
      keys[name] = await importKeyPair(EC, files[`${name}.key`]!);
    }
    return new IntelHierarchy(state, files, keys);
  }

  private derived(label: string, length: number): Uint8Array {
    return new Uint8Array(
      hkdfSync("sha384", this.platformSecret, Buffer.alloc(0), `SIMULATED ${label}`, length),
    );
  }

  /** PEM chain as DCAP quotes and PCS issuer-chain headers carry it: leaf first, root last. */
  static pem(...ders: Uint8Array[]): string {
    return ders.map((der) => new x509.X509Certificate(der).toString("pem") + "\n").join("");
  }

  /** The PCK certificate for this platform at the given TCB: derived key, certificate cached in the state dir. */
  async pck(request: PckRequest, now: Date): Promise<IssuedPck> {
    const tag = `${hex(request.fmspc)}-${hex(request.cpuSvn)}-${request.pceSvn}`;
    const keys = await deriveEcKeyPair("P-256", this.platformSecret, `SIMULATED PCK ${tag}`);
    const der = await cachedCertificate(this.state, `intel/pck/${tag}.der`, keys, now, () =>
      this.issuePck(request, keys, now),
    );
    return { der, privateKey: keys.privateKey };
  }

  private async issuePck(request: PckRequest, keys: CryptoKeyPair, now: Date): Promise<x509.X509Certificate> {
    const facts: PckPlatformFacts = {
      ppid: this.derived("PPID", 16),
      cpuSvn: request.cpuSvn,
      pceSvn: request.pceSvn,
      pceId: new Uint8Array(2), // PCE-ID 0000, as on every platform seen (evidence.md §4.10)
      fmspc: request.fmspc,
      sgxType: 1, // Scalable: what TDX-capable Xeons report
      platformInstanceId: this.derived("PLATFORM_INSTANCE_ID", 16),
      dynamicPlatform: true,
      cachedKeys: true,
      smtEnabled: true,
    };
    const notBefore = new Date(now.getTime() - DAY_MS);
    return x509.X509CertificateGenerator.create({
      subject: intelName("Intel SGX PCK Certificate"),
      issuer: new x509.X509Certificate(this.pckCaDer).subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 7 * YEAR_MS),
      publicKey: keys.publicKey,
      signingKey: this.pckCa.privateKey,
      signingAlgorithm: signingAlgorithm(EC),
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(this.pckCa.publicKey),
        new x509.CRLDistributionPointsExtension([SIMULATED_PCK_CRL_URL]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
          true,
        ),
        new x509.BasicConstraintsExtension(false, undefined, true),
        sgxExtension(facts),
      ],
    });
  }

  /** Fresh, empty CRLs (nothing revoked) valid for 30 days, as Intel PCS publishes them. */
  async crls(now: Date): Promise<IntelCrls> {
    return {
      rootCaCrl: await emptyCrl(this.rootDer, this.root.privateKey, EC, now, 30),
      pckCrl: await emptyCrl(this.pckCaDer, this.pckCa.privateKey, EC, now, 30),
    };
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

async function create(now: Date): Promise<Record<string, Uint8Array>> {
  const notBefore = new Date(now.getTime() - DAY_MS);
  const root = await generateKeyPair(EC);
  const pckCa = await generateKeyPair(EC);
  const tcbSigning = await generateKeyPair(EC);
  const attestation = await generateKeyPair(EC);
  const rootCrlDp = new x509.CRLDistributionPointsExtension([SIMULATED_ROOT_CRL_URL]);
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: intelName("Intel SGX Root CA"),
    notBefore,
    notAfter: new Date(notBefore.getTime() + 30 * YEAR_MS),
    keys: root,
    signingAlgorithm: signingAlgorithm(EC),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(root.publicKey),
      rootCrlDp,
      await x509.SubjectKeyIdentifierExtension.create(root.publicKey),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.BasicConstraintsExtension(true, 1, true),
    ],
  });
  const issue = async (
    commonName: string,
    keys: CryptoKeyPair,
    years: number,
    ca: boolean,
  ): Promise<x509.X509Certificate> =>
    x509.X509CertificateGenerator.create({
      subject: intelName(commonName),
      issuer: rootCert.subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + years * YEAR_MS),
      publicKey: keys.publicKey,
      signingKey: root.privateKey,
      signingAlgorithm: signingAlgorithm(EC),
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(root.publicKey),
        rootCrlDp,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ca
          ? new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)
          : new x509.KeyUsagesExtension(
              x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
              true,
            ),
        ca
          ? new x509.BasicConstraintsExtension(true, 0, true)
          : new x509.BasicConstraintsExtension(false, undefined, true),
      ],
    });
  const pckCaCert = await issue("Intel SGX PCK Platform CA", pckCa, 15, true);
  const tcbCert = await issue("Intel SGX TCB Signing", tcbSigning, 7, false);
  return {
    "root.der": new Uint8Array(rootCert.rawData),
    "root.key": await exportPkcs8(root.privateKey),
    "pck-ca.der": new Uint8Array(pckCaCert.rawData),
    "pck-ca.key": await exportPkcs8(pckCa.privateKey),
    "tcb-signing.der": new Uint8Array(tcbCert.rawData),
    "tcb-signing.key": await exportPkcs8(tcbSigning.privateKey),
    "attestation.key": await exportPkcs8(attestation.privateKey),
    "platform-secret": new Uint8Array(randomBytes(32)),
  };
}
