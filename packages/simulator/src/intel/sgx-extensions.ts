/**
 * The Intel SGX PCK certificate extension (OID 1.2.840.113741.1.13.1), laid out like a genuine PCK certificate
 * issued by the "PCK Platform CA" (research/evidence.md §4.4, checked with `openssl asn1parse` on the PCK leaf of
 * vectors/tdx/dcapqvl/tdx_quote.bin): a SEQUENCE of {OID, value} pairs for PPID, TCB (16 component SVNs, PCESVN,
 * CPUSVN), PCE-ID, FMSPC, SGX type, PlatformInstanceID and Configuration.
 */
import { derBoolean, derEnumerated, derInteger, derOctetString, derOid, derSequence } from "../der.ts";
import { x509 } from "../keys.ts";

export const SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";
const arc = (suffix: string): string => `${SGX_EXTENSION_OID}.${suffix}`;

/** SGX Type values (Intel PCK Certificate and CRL Profile): 0 Standard, 1 Scalable, 2 Scalable with integrity. */
export type SgxType = 0 | 1 | 2;

export interface PckPlatformFacts {
  ppid: Uint8Array; // 16
  cpuSvn: Uint8Array; // 16; component i of the TCB is cpuSvn[i]
  pceSvn: number; // u16
  pceId: Uint8Array; // 2
  fmspc: Uint8Array; // 6
  sgxType: SgxType;
  platformInstanceId: Uint8Array; // 16
  dynamicPlatform: boolean;
  cachedKeys: boolean;
  smtEnabled: boolean;
}

const pair = (oid: string, value: Uint8Array): Uint8Array => derSequence(derOid(oid), value);

export function sgxExtensionValue(facts: PckPlatformFacts): Uint8Array {
  const components: Uint8Array[] = [];
  for (let i = 0; i < 16; i++) components.push(pair(arc(`2.${i + 1}`), derInteger(facts.cpuSvn[i]!)));
  const tcb = derSequence(
    ...components,
    pair(arc("2.17"), derInteger(facts.pceSvn)),
    pair(arc("2.18"), derOctetString(facts.cpuSvn)),
  );
  return derSequence(
    pair(arc("1"), derOctetString(facts.ppid)),
    pair(arc("2"), tcb),
    pair(arc("3"), derOctetString(facts.pceId)),
    pair(arc("4"), derOctetString(facts.fmspc)),
    pair(arc("5"), derEnumerated(facts.sgxType)),
    pair(arc("6"), derOctetString(facts.platformInstanceId)),
    pair(
      arc("7"),
      derSequence(
        pair(arc("7.1"), derBoolean(facts.dynamicPlatform)),
        pair(arc("7.2"), derBoolean(facts.cachedKeys)),
        pair(arc("7.3"), derBoolean(facts.smtEnabled)),
      ),
    ),
  );
}

export function sgxExtension(facts: PckPlatformFacts): x509.Extension {
  return new x509.Extension(SGX_EXTENSION_OID, false, sgxExtensionValue(facts));
}
