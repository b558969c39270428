/**
 * The AMD-private X.509 extensions of a VCEK (OID arc 1.3.6.1.4.1.3704.1), encoded exactly as AMD's KDS does
 * (research/evidence.md §2.2, checked with `openssl asn1parse` on genuine certificates):
 *   structVersion INTEGER (0 Milan/Genoa, 1 Turin), productName IA5String, SPLs INTEGER, hwID RAW bytes
 *   (not wrapped: 64 bytes, Turin 8 bytes). Milan/Genoa carry the reserved SPLs 3.4–3.7 as 0; Turin drops 3.4
 *   and adds fmcSPL (3.9).
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
} as const;

/** productName values KDS uses: "Milan-B0" and "Genoa" on genuine VCEKs, "Turin" for Turin. */
export const VCEK_PRODUCT_NAME: Record<SnpProduct, string> = {
  Milan: "Milan-B0",
  Genoa: "Genoa",
  Turin: "Turin",
};

function ext(oid: string, value: Uint8Array): x509.Extension {
  return new x509.Extension(oid, false, value);
}

export function vcekExtensions(product: SnpProduct, tcb: SnpTcb, hwId: Uint8Array): x509.Extension[] {
  const turin = product === "Turin";
  const expectedHwIdLength = turin ? 8 : 64;
  if (hwId.length !== expectedHwIdLength) {
    throw new RangeError(`${product} hwID must be ${expectedHwIdLength} bytes, got ${hwId.length}`);
  }
  const spl = (oid: string, value: number): x509.Extension => ext(oid, derInteger(value));
  // Order as KDS issues them (checked on genuine Milan, Genoa and Turin VCEKs in vectors/snp).
  const list: x509.Extension[] = turin
    ? [
        spl(VCEK_OID.structVersion, 1),
        ext(VCEK_OID.productName, derIa5String(VCEK_PRODUCT_NAME[product])),
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
        ext(VCEK_OID.productName, derIa5String(VCEK_PRODUCT_NAME[product])),
        spl(VCEK_OID.blSPL, tcb.bootloader),
        spl(VCEK_OID.teeSPL, tcb.tee),
        spl(VCEK_OID.spl4, 0),
        spl(VCEK_OID.spl5, 0),
        spl(VCEK_OID.spl6, 0),
        spl(VCEK_OID.spl7, 0),
        spl(VCEK_OID.snpSPL, tcb.snp),
        spl(VCEK_OID.ucodeSPL, tcb.microcode),
      ];
  list.push(ext(VCEK_OID.hwID, hwId));
  return list;
}
