/**
 * The AMD-private X.509 extensions of a VCEK or VLEK (OID arc 1.3.6.1.4.1.3704.1), encoded exactly as AMD's KDS
 * does (research/evidence.md §2.2, checked on genuine certificates in vectors/snp):
 *   structVersion INTEGER (0 Milan/Genoa, 1 Turin), productName IA5String, SPLs INTEGER, then
 *   VCEK: hwID as RAW bytes (not wrapped: 64 bytes, Turin 8 bytes);  VLEK: cspId IA5String, no hwID.
 * Milan/Genoa carry the reserved SPLs 3.4–3.7 as 0; Turin drops 3.4 and adds fmcSPL (3.9) right after
 * productName. Order as KDS issues them (genuine Milan, Genoa, Turin VCEKs and the AWS Milan VLEK).
 */
import { derIa5String, derInteger } from "../der.ts";
import type { SnpProduct, SnpTcb } from "./products.ts";
import { x509 } from "../keys.ts";

/** OIDs as in go-sev-guest kds/kds.go and virtee/snpguest src/verify.rs. */
export const VCEK_OID = {
  structVersion: "1.3.6.1.4.1.3704.1.1",
  productName: "1.3.6.1.4.1.3704.1.2",
  blSPL: "1.3.6.1.4.1.3704.1.3.1",
  teeSPL: "1.3.6.1.4.1.3704.1.3.2",
  snpSPL: "1.3.6.1.4.1.3704.1.3.3",
  spl4: "1.3.6.1.4.1.3704.1.3.4",
  spl5: "1.3.6.1.4.1.3704.1.3.5",
  spl6: "1.3.6.1.4.1.3704.1.3.6",
  spl7: "1.3.6.1.4.1.3704.1.3.7",
  ucodeSPL: "1.3.6.1.4.1.3704.1.3.8",
  fmcSPL: "1.3.6.1.4.1.3704.1.3.9",
  hwID: "1.3.6.1.4.1.3704.1.4",
  cspId: "1.3.6.1.4.1.3704.1.5",
} as const;

/** productName values on genuine VCEKs: "Milan-B0", "Genoa", "Turin". */
export const VCEK_PRODUCT_NAME: Record<SnpProduct, string> = {
  Milan: "Milan-B0",
  Genoa: "Genoa",
  Turin: "Turin",
};

/** The chip a VCEK belongs to, or the cloud provider a VLEK was provisioned to. */
export type AmdKeyIdentity = { kind: "VCEK"; hwId: Uint8Array } | { kind: "VLEK"; cspId: string };

function ext(oid: string, value: Uint8Array): x509.Extension {
  return new x509.Extension(oid, false, value);
}

export function amdKeyExtensions(
  product: SnpProduct,
  tcb: SnpTcb,
  identity: AmdKeyIdentity,
): x509.Extension[] {
  const turin = product === "Turin";
  if (identity.kind === "VCEK") {
    const expected = turin ? 8 : 64;
    if (identity.hwId.length !== expected) {
      throw new RangeError(`${product} hwID must be ${expected} bytes, got ${identity.hwId.length}`);
    }
  }
  const spl = (oid: string, value: number): x509.Extension => ext(oid, derInteger(value));
  // The genuine AWS VLEK says "Milan" where VCEKs say "Milan-B0".
  const productName = identity.kind === "VLEK" ? product : VCEK_PRODUCT_NAME[product];
  const list: x509.Extension[] = turin
    ? [
        spl(VCEK_OID.structVersion, 1),
        ext(VCEK_OID.productName, derIa5String(productName)),
        spl(VCEK_OID.fmcSPL, tcb.fmc ?? 0),
        spl(VCEK_OID.blSPL, tcb.bootloader),
        spl(VCEK_OID.teeSPL, tcb.tee),
        spl(VCEK_OID.snpSPL, tcb.snp),
        spl(VCEK_OID.spl5, 0),
        spl(VCEK_OID.spl6, 0),
        spl(VCEK_OID.spl7, 0),
        spl(VCEK_OID.ucodeSPL, tcb.microcode),
      ]
    : [
        spl(VCEK_OID.structVersion, 0),
        ext(VCEK_OID.productName, derIa5String(productName)),
        spl(VCEK_OID.blSPL, tcb.bootloader),
        spl(VCEK_OID.teeSPL, tcb.tee),
        spl(VCEK_OID.spl4, 0),
        spl(VCEK_OID.spl5, 0),
        spl(VCEK_OID.spl6, 0),
        spl(VCEK_OID.spl7, 0),
        spl(VCEK_OID.snpSPL, tcb.snp),
        spl(VCEK_OID.ucodeSPL, tcb.microcode),
      ];
  list.push(
    identity.kind === "VCEK"
      ? ext(VCEK_OID.hwID, identity.hwId)
      : ext(VCEK_OID.cspId, derIa5String(identity.cspId)),
  );
  return list;
}
