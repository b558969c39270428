/** Shared state of one DCAP verification: the options, the check log, the roots in force. */
import type { VerifyOptions } from "../types.ts";
import type { CheckLog } from "../types.ts";
import type { X509Certificate } from "node:crypto";
import type { IntelTrustRoot } from "../intel/roots.ts";
import type { DcapCollateral } from "./collateral.ts";
import type { PckExtensions } from "./pck.ts";

export interface DcapVerifyOptions extends VerifyOptions {
  collateral?: DcapCollateral;
  /**
   * Require TD_ATTRIBUTES.SEPT_VE_DISABLE (dcap-qvl validate_td10 does). Default false: several
   * genuine cloud TDs (Azure, GCP SPR) run without it, and Trustee does not require it (research §4.2).
   */
  requireSeptVeDisable?: boolean;
  /** Accept a TD 1.5 quote whose MR_SERVICETD is non-zero (default false, as dcap-qvl). */
  allowMrServiceTd?: boolean;
  /** Expected workload identity (research §8 step 23); each given value is compared exactly. */
  expected?: DcapExpectedValues;
}

/** TDX: MRTD, RTMR0..3, MRCONFIGID, MROWNER, MROWNERCONFIG, XFAM. SGX: MRENCLAVE, MRSIGNER, ISVPRODID, minimum ISVSVN. */
export interface DcapExpectedValues {
  mrTd?: Uint8Array;
  /** Index i is RTMR i; leave an entry undefined to skip it. */
  rtmrs?: readonly (Uint8Array | undefined)[];
  mrConfigId?: Uint8Array;
  mrOwner?: Uint8Array;
  mrOwnerConfig?: Uint8Array;
  xfam?: Uint8Array;
  mrEnclave?: Uint8Array;
  mrSigner?: Uint8Array;
  isvProdId?: number;
  minIsvSvn?: number;
}

export interface Context {
  log: CheckLog;
  p: "tdx" | "sgx";
  now: Date;
  roots: IntelTrustRoot[];
  options: DcapVerifyOptions;
  usedRoots: IntelTrustRoot[];
}

/** The verified PCK certificate of a quote and its issuing CA. */
export interface PckInfo {
  ext: PckExtensions;
  leaf: X509Certificate;
  issuer?: { cert: X509Certificate; der: Uint8Array };
}

export const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

export function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}
