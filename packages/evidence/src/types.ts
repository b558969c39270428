/**
 * The evidence-verifier contract every layer above relies on (ARCHITECTURE.md "Contracts"):
 * verification never throws on bad evidence; it returns the decoded claims and the list of
 * checks that failed, each naming what was expected and what was found.
 */

export type TeeType = "snp" | "tdx" | "sgx" | "az-snp-vtpm" | "az-tdx-vtpm" | "tpm" | "sample";

/** One failed check. `check` is a stable dotted identifier, e.g. "snp.signature" or "tdx.pck.chain". */
export interface Failure {
  check: string;
  expected: string;
  actual: string;
}

/** One check that was performed, passed or not; the CLI prints these. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail?: string;
}

/**
 * Intel's TCB status vocabulary (Intel PCS / QVL), also used for SNP where it applies
 * ("UpToDate" when the VCEK TCB matches and meets the minimum).
 */
export type TcbStatus =
  | "UpToDate"
  | "SWHardeningNeeded"
  | "ConfigurationNeeded"
  | "ConfigurationAndSWHardeningNeeded"
  | "OutOfDate"
  | "OutOfDateConfigurationNeeded"
  | "Revoked"
  | "TDRelaunchAdvised"
  | "TDRelaunchAdvisedConfigurationNeeded"
  | "Unknown";

/** Flattened claims, named like Trustee's parsed claims so its Rego policies run unchanged. */
export type Claims = Record<string, unknown>;

export interface VerifyResult {
  tee: TeeType;
  /** True when `failures` is empty. */
  valid: boolean;
  claims: Claims;
  tcbStatus?: TcbStatus;
  advisoryIds?: string[];
  checks: CheckResult[];
  failures: Failure[];
  /** True for simulator- or sample-produced evidence: never acceptable outside dev mode. */
  simulated?: boolean;
}

/** Trust anchors: genuine vendor roots by default; simulated roots only when added explicitly. */
export interface TrustAnchors {
  /** Extra AMD ARKs (DER), e.g. a simulator's. Genuine Milan/Genoa/Turin ARKs are always trusted. */
  amdRoots?: Uint8Array[];
  /** Extra Intel SGX roots (DER), e.g. a simulator's. The genuine Intel SGX Root CA is always trusted. */
  intelRoots?: Uint8Array[];
  /** When false, the genuine vendor roots are NOT trusted (simulator-only verification). Default true. */
  genuineRoots?: boolean;
}

export interface VerifyOptions {
  /** The REPORT_DATA (SNP/TDX/SGX) or nonce the verifier expects, compared exactly (zero-padded for SNP/TDX). */
  expectedReportData?: Uint8Array;
  trust?: TrustAnchors;
  /** Verification time; defaults to the current time. Tests pin it inside each vector's validity window. */
  now?: Date;
  /** Certificates supplied with the evidence or by the operator (VCEK/VLEK/ASK/ARK, PCK chain…), PEM or DER. */
  certificates?: Uint8Array[];
  /** Intel collateral (TCB info, QE identity, CRLs) or AMD CRLs. Shape is TEE-specific. */
  collateral?: unknown;
  /** Accept debug TDs/guests/enclaves (default false: a debug TEE is a failure). */
  allowDebug?: boolean;
}

/** Records checks as they run; `fail` never throws. */
export class CheckLog {
  readonly checks: CheckResult[] = [];
  readonly failures: Failure[] = [];

  pass(check: string, detail?: string): void {
    this.checks.push(detail === undefined ? { check, ok: true } : { check, ok: true, detail });
  }

  fail(check: string, expected: string, actual: string): void {
    this.checks.push({ check, ok: false, detail: `expected ${expected}, got ${actual}` });
    this.failures.push({ check, expected, actual });
  }

  /** Record `ok` as a pass or a failure; returns `ok` so callers can stop dependent checks. */
  expect(check: string, ok: boolean, expected: string, actual: string): boolean {
    if (ok) this.pass(check);
    else this.fail(check, expected, actual);
    return ok;
  }
}
