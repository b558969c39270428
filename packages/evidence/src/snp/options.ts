/**
 * SEV-SNP appraisal policy. Every default is the secure choice (research/evidence.md §8 item 1):
 * debug rejected, VMPL 0 required (Trustee rejects VMPL ≠ 0; Azure must be VMPL 0), migration agent rejected,
 * provisional firmware (COMMITTED_TCB ≠ CURRENT_TCB) rejected as go-sev-guest does by default, CRLs checked when
 * supplied. SMT is allowed by default because nearly every real guest policy sets it (0x30000) and SMT is a
 * side-channel hardening choice, not an integrity property; set `allowSmt: false` to require it off.
 */
import type { SnpProduct } from "./product.ts";
import type { TcbMinimum } from "./tcb.ts";

export interface SnpPolicyOptions {
  /** Highest VMPL accepted (0 = most privileged). Default 0. */
  maxVmpl?: number;
  /** Accept POLICY.MIGRATE_MA = 1 (a migration agent may be associated). Default false. */
  allowMigrationAgent?: boolean;
  /** Accept POLICY.SMT = 1 (host SMT allowed). Default true (see module comment). */
  allowSmt?: boolean;
  /** Minimum guest ABI the policy must demand (POLICY.ABI_MAJOR.ABI_MINOR ≥ this). */
  minimumAbi?: { major: number; minor: number };
  /** Minimum TCB, component-wise, applied to REPORTED_TCB and LAUNCH_TCB. */
  minimumTcb?: TcbMinimum;
  /** Accept COMMITTED_TCB < CURRENT_TCB (firmware not yet committed). Default false. */
  allowProvisionalFirmware?: boolean;
  /** Expected MEASUREMENT (48 bytes). */
  expectedMeasurement?: Uint8Array;
  /** Expected HOST_DATA; like Trustee, zero-padded or truncated to 32 bytes (a SHA-384 init-data digest fits). */
  expectedHostData?: Uint8Array;
  /** Expected ID_KEY_DIGEST (48 bytes). */
  expectedIdKeyDigest?: Uint8Array;
  /** Product line, required for v2 reports without a VCEK productName; checked against CPUID for v3+. */
  product?: SnpProduct;
  /** Accepted signing keys. Default both VCEK and VLEK. */
  allowedSigners?: readonly ("VCEK" | "VLEK")[];
  /** A KDS cache directory (see amd/kds.ts) consulted, read-only, when no VCEK is supplied. */
  kdsCacheDir?: string;
  /** Fail when no CRL applies to the chain's ARK. Default false (CRLs are checked only when supplied). */
  requireCrl?: boolean;
}

/** SNP collateral: AMD CRLs (DER or PEM), e.g. from KdsClient.getCrl. Passed as VerifyOptions.collateral. */
export interface SnpCollateral {
  crls?: readonly (Uint8Array | string)[];
}
