/**
 * The genuine AMD trust store: ARK, ASK and ASVK of Milan, Genoa and Turin, from the PEMs embedded in
 * roots-pem.ts, each pinned by SHA-256 of its DER (research/evidence.md §2.5; vectors/amd/FINGERPRINTS.md).
 * On first use every fingerprint is checked and every signature (ARK self-signature, ASK/ASVK by ARK) verified;
 * any mismatch throws, because a tampered built-in root must never silently become trusted.
 */
import { CocoonError } from "@cocoon/core";
import { parseAmdCertificate, type AmdCertificate } from "./cert.ts";
import { verifyIssued } from "./links.ts";
import * as pem from "./roots-pem.ts";
import type { SnpProduct } from "../snp/product.ts";

export class AmdTrustStoreError extends CocoonError {
  constructor(message: string) {
    super("ERR_AMD_TRUST_STORE", message);
    this.name = "AmdTrustStoreError";
  }
}

/** SHA-256 of the DER of every genuine AMD CA certificate (FINGERPRINTS.md, identical in virtee, go-sev-guest, Trustee). */
export const GENUINE_AMD_FINGERPRINTS: Record<SnpProduct, { ark: string; ask: string; asvk: string }> = {
  Milan: {
    ark: "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
    ask: "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b",
    asvk: "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5",
  },
  Genoa: {
    ark: "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
    ask: "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521",
    asvk: "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372",
  },
  Turin: {
    ark: "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
    ask: "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185",
    asvk: "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c",
  },
};

export interface AmdProductCas {
  product: SnpProduct;
  ark: AmdCertificate;
  ask: AmdCertificate;
  asvk: AmdCertificate;
}

const PEMS: Record<SnpProduct, { ark: string; ask: string; asvk: string }> = {
  Milan: { ark: pem.ARK_MILAN_PEM, ask: pem.ASK_MILAN_PEM, asvk: pem.ASVK_MILAN_PEM },
  Genoa: { ark: pem.ARK_GENOA_PEM, ask: pem.ASK_GENOA_PEM, asvk: pem.ASVK_GENOA_PEM },
  Turin: { ark: pem.ARK_TURIN_PEM, ask: pem.ASK_TURIN_PEM, asvk: pem.ASVK_TURIN_PEM },
};

/** Checks a built-in certificate against its pin; exported so the load-time guard itself can be tested. */
export function loadPinned(pemText: string, expectedSha256: string, name: string): AmdCertificate {
  const cert = parseAmdCertificate(pemText);
  if (cert.sha256 !== expectedSha256) {
    throw new AmdTrustStoreError(
      `built-in ${name} does not match its pinned SHA-256 ${expectedSha256} (got ${cert.sha256})`,
    );
  }
  return cert;
}

let genuine: AmdProductCas[] | undefined;

/** The genuine AMD CAs, verified on first call and memoised. */
export function genuineAmdCas(): readonly AmdProductCas[] {
  if (genuine) return genuine;
  const out: AmdProductCas[] = [];
  for (const product of Object.keys(PEMS) as SnpProduct[]) {
    const pins = GENUINE_AMD_FINGERPRINTS[product];
    const ark = loadPinned(PEMS[product].ark, pins.ark, `ARK-${product}`);
    const ask = loadPinned(PEMS[product].ask, pins.ask, `SEV-${product}`);
    const asvk = loadPinned(PEMS[product].asvk, pins.asvk, `SEV-VLEK-${product}`);
    if (!verifyIssued(ark, ark))
      throw new AmdTrustStoreError(`built-in ARK-${product} self-signature does not verify`);
    if (!verifyIssued(ask, ark))
      throw new AmdTrustStoreError(`built-in SEV-${product} is not signed by ARK-${product}`);
    if (!verifyIssued(asvk, ark))
      throw new AmdTrustStoreError(`built-in SEV-VLEK-${product} is not signed by ARK-${product}`);
    out.push({ product, ark, ask, asvk });
  }
  genuine = out;
  return out;
}
