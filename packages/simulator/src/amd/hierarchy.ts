/**
 * A simulated AMD key hierarchy for one product line, shaped like AMD's (research/evidence.md §2.1):
 *   ARK  RSA-4096, self-signed, RSASSA-PSS SHA-384 (salt 48), CA, keyCertSign+cRLSign, 25 years
 *   ASK  RSA-4096, signed by the ARK, CA pathlen 0, keyCertSign, CRL DP, 25 years
 *   VCEK ECDSA P-384, signed by the ASK, only AMD extensions (TCB, productName, hwID), 7 years, back-dated a day
 *   ASVK RSA-4096, signed by the ARK, like the ASK (created on first VLEK use)
 *   VLEK ECDSA P-384, signed by the ASVK, AMD extensions with cspId instead of hwID, 1 year (as AWS's)
 * plus one simulated chip (CHIP_ID) whose VCEK is derived from a secret and the TCB. Names carry AMD's location
 * attributes but every CN starts with "SIMULATED" so nobody mistakes them for AMD's.
 */
import { randomBytes, hkdfSync } from "node:crypto";
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
import { encodeSnpTcb, type SnpProduct, type SnpTcb } from "./products.ts";
import { amdKeyExtensions } from "./vcek-extensions.ts";

const RSA = "rsa-pss-4096-sha384" as const;

/** AMD's subject attributes (go-sev-guest verify.go `validateAmdLocation`) with a SIMULATED common name. */
export function amdName(commonName: string): string {
  return `OU=Engineering, C=US, L=Santa Clara, ST=CA, O=Advanced Micro Devices, CN=SIMULATED ${commonName}`;
}

/** Where a real ASK points its CRL; the simulated one points at a name that can never resolve (RFC 2606). */
export function amdCrlUrl(product: SnpProduct, kind: "vcek" | "vlek" = "vcek"): string {
  return `https://kds.cocoon-simulator.invalid/${kind}/v1/${product}/crl`;
}

/** The cspId the simulated cloud provider's VLEKs carry (genuine: e.g. "CN=cc-us-east-2.amazonaws.com"). */
export const SIMULATED_CSP_ID = "CN=simulated-csp.cocoon-simulator.invalid";

export type AmdSigner = "VCEK" | "VLEK";

export interface IssuedAmdKey {
  signer: AmdSigner;
  /** The VCEK or VLEK certificate. */
  der: Uint8Array;
  /** The ASK (VCEK) or ASVK (VLEK) that issued it. */
  intermediate: Uint8Array;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

interface Asvk {
  der: Uint8Array;
  keys: CryptoKeyPair;
  cspSecret: Uint8Array;
}

const GROUP_FILES = ["ark.der", "ark.key", "ask.der", "ask.key", "chip-secret"] as const;
const VLEK_GROUP_FILES = ["asvk.der", "asvk.key", "csp-secret"] as const;

export class AmdHierarchy {
  readonly product: SnpProduct;
  readonly arkDer: Uint8Array;
  readonly askDer: Uint8Array;
  /** CHIP_ID as the report carries it: 64 bytes; on Turin only the first 8 are meaningful, the rest zero. */
  readonly chipId: Uint8Array;
  private readonly state: StateDir;
  private readonly ark: CryptoKeyPair;
  private readonly ask: CryptoKeyPair;
  private readonly chipSecret: Uint8Array;
  private asvk: Promise<Asvk> | undefined;

  private constructor(args: {
    product: SnpProduct;
    state: StateDir;
    arkDer: Uint8Array;
    askDer: Uint8Array;
    ark: CryptoKeyPair;
    ask: CryptoKeyPair;
    chipSecret: Uint8Array;
  }) {
    this.product = args.product;
    this.state = args.state;
    this.arkDer = args.arkDer;
    this.askDer = args.askDer;
    this.ark = args.ark;
    this.ask = args.ask;
    this.chipSecret = args.chipSecret;
    const id = new Uint8Array(hkdfSync("sha384", args.chipSecret, Buffer.alloc(0), "SIMULATED CHIP_ID", 64));
    if (args.product === "Turin") id.fill(0, 8);
    this.chipId = id;
  }

  /** Load the product's hierarchy from the state directory, creating it on first use. */
  static async open(state: StateDir, product: SnpProduct, now: Date): Promise<AmdHierarchy> {
    const files = await state.loadOrCreateGroup(`amd/${product}/ca`, GROUP_FILES, () => create(product, now));
    const ark = await importKeyPair(RSA, files["ark.key"]!);
    const ask = await importKeyPair(RSA, files["ask.key"]!);
    return new AmdHierarchy({
      product,
      state,
      arkDer: files["ark.der"]!,
      askDer: files["ask.der"]!,
      ark,
      ask,
      chipSecret: files["chip-secret"]!,
    });
  }

  /** The hwID a VCEK carries: all 64 CHIP_ID bytes, or the first 8 on Turin (evidence.md §2.2). */
  get hwId(): Uint8Array {
    return this.product === "Turin" ? this.chipId.subarray(0, 8) : this.chipId;
  }

  /** The VCEK for this chip at `tcb`: derived key, certificate issued once per TCB and kept in the state dir. */
  async vcek(tcb: SnpTcb, now: Date): Promise<IssuedAmdKey> {
    return this.issue("VCEK", tcb, now);
  }

  /** The simulated cloud provider's VLEK at `tcb` (not chip-specific), issued by the ASVK. */
  async vlek(tcb: SnpTcb, now: Date): Promise<IssuedAmdKey> {
    return this.issue("VLEK", tcb, now);
  }

  /** The ASVK certificate (created on first use). */
  async asvkDer(now: Date): Promise<Uint8Array> {
    return (await this.loadAsvk(now)).der;
  }

  private loadAsvk(now: Date): Promise<Asvk> {
    this.asvk ??= (async () => {
      const files = await this.state.loadOrCreateGroup(`amd/${this.product}/vlek-ca`, VLEK_GROUP_FILES, () =>
        createAsvk(this.product, this.arkDer, this.ark, now),
      );
      return {
        der: files["asvk.der"]!,
        keys: await importKeyPair(RSA, files["asvk.key"]!),
        cspSecret: files["csp-secret"]!,
      };
    })();
    return this.asvk;
  }

  private async issue(signer: AmdSigner, tcb: SnpTcb, now: Date): Promise<IssuedAmdKey> {
    const tcbHex = Buffer.from(encodeSnpTcb(this.product, tcb)).toString("hex");
    const asvk = signer === "VLEK" ? await this.loadAsvk(now) : undefined;
    const issuer = asvk ? { der: asvk.der, keys: asvk.keys } : { der: this.askDer, keys: this.ask };
    const secret = asvk ? asvk.cspSecret : this.chipSecret;
    const keys = await deriveEcKeyPair("P-384", secret, `SIMULATED ${signer} ${this.product} ${tcbHex}`);
    const rel = `amd/${this.product}/${signer.toLowerCase()}/${tcbHex}.der`;
    const der = await cachedCertificate(this.state, rel, keys, now, () => {
      const notBefore = new Date(now.getTime() - DAY_MS); // KDS back-dates VCEKs by about a day (evidence.md §2.4)
      return x509.X509CertificateGenerator.create({
        serialNumber: "00",
        subject: amdName(`SEV-${signer}`),
        issuer: new x509.X509Certificate(issuer.der).subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + (signer === "VCEK" ? 7 : 1) * YEAR_MS),
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: signingAlgorithm(RSA),
        extensions: amdKeyExtensions(
          this.product,
          tcb,
          signer === "VCEK" ? { kind: "VCEK", hwId: this.hwId } : { kind: "VLEK", cspId: SIMULATED_CSP_ID },
        ),
      });
    });
    return { signer, der, intermediate: issuer.der, ...keys };
  }

  /** A fresh CRL signed by the ARK, as KDS serves at {vcek}/v1/{product}/crl (empty: nothing is revoked). */
  async crl(now: Date): Promise<Uint8Array> {
    return emptyCrl(this.arkDer, this.ark.privateKey, RSA, now, 7);
  }
}

async function create(product: SnpProduct, now: Date): Promise<Record<string, Uint8Array>> {
  const notBefore = new Date(now.getTime() - DAY_MS);
  const notAfter = new Date(notBefore.getTime() + 25 * YEAR_MS);
  const ark = await generateKeyPair(RSA);
  const ask = await generateKeyPair(RSA);
  const crlDp = new x509.CRLDistributionPointsExtension([amdCrlUrl(product)]);
  const arkCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "010000",
    name: amdName(`ARK-${product}`),
    notBefore,
    notAfter,
    keys: ark,
    signingAlgorithm: signingAlgorithm(RSA),
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(ark.publicKey),
      new x509.BasicConstraintsExtension(true, undefined, true),
      crlDp,
    ],
  });
  const askCert = await issueArkSigned({
    serialNumber: "010001",
    commonName: `SEV-${product}`,
    ark,
    arkSubject: arkCert.subject,
    keys: ask,
    notBefore,
    crlUrl: amdCrlUrl(product),
  });
  return {
    "ark.der": new Uint8Array(arkCert.rawData),
    "ark.key": await exportPkcs8(ark.privateKey),
    "ask.der": new Uint8Array(askCert.rawData),
    "ask.key": await exportPkcs8(ask.privateKey),
    "chip-secret": new Uint8Array(randomBytes(32)),
  };
}

async function createAsvk(
  product: SnpProduct,
  arkDer: Uint8Array,
  ark: CryptoKeyPair,
  now: Date,
): Promise<Record<string, Uint8Array>> {
  const asvk = await generateKeyPair(RSA);
  const cert = await issueArkSigned({
    serialNumber: "010002",
    commonName: `SEV-VLEK-${product}`,
    ark,
    arkSubject: new x509.X509Certificate(arkDer).subject,
    keys: asvk,
    notBefore: new Date(now.getTime() - DAY_MS),
    crlUrl: amdCrlUrl(product, "vlek"),
  });
  return {
    "asvk.der": new Uint8Array(cert.rawData),
    "asvk.key": await exportPkcs8(asvk.privateKey),
    "csp-secret": new Uint8Array(randomBytes(32)),
  };
}

/**
 * An intermediate CA the ARK signs, the ASK or the ASVK (research/evidence.md §2.1): RSA-4096 RSASSA-PSS, 25
 * years, CA with pathlen 0, keyCertSign only, pointing at the CRL for the keys it issues.
 */
async function issueArkSigned(args: {
  serialNumber: string;
  commonName: string;
  ark: CryptoKeyPair;
  arkSubject: string;
  keys: CryptoKeyPair;
  notBefore: Date;
  crlUrl: string;
}): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: args.serialNumber,
    subject: amdName(args.commonName),
    issuer: args.arkSubject,
    notBefore: args.notBefore,
    notAfter: new Date(args.notBefore.getTime() + 25 * YEAR_MS),
    publicKey: args.keys.publicKey,
    signingKey: args.ark.privateKey,
    signingAlgorithm: signingAlgorithm(RSA),
    extensions: [
      await x509.SubjectKeyIdentifierExtension.create(args.keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(args.ark.publicKey),
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      new x509.CRLDistributionPointsExtension([args.crlUrl]),
    ],
  });
}
