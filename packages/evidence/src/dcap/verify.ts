/**
 * Intel DCAP quote verification (TDX v4/v5, SGX v3) in the order of Intel's QVL / dcap-qvl
 * `verify_impl` (research/evidence.md §4.5, §8 steps 15–23). Never throws on bad evidence: every
 * check is logged, failures name what was expected and found.
 *
 * Collateral policy (documented choice): missing collateral never fails open. When any of TCB info,
 * QE identity, root CA CRL or PCK CRL is absent the result carries a `<tee>.collateral.missing`
 * failure naming the absent pieces and `tcbStatus: "Unknown"`; the pieces that are present are
 * still verified and evaluated so the checks show how far verification got.
 */
import { CheckLog, type Failure, type VerifyResult } from "../types.ts";
import { intelTrustRoots, type IntelTrustRoot } from "../intel/roots.ts";
import { checkHeader, checkSignatures } from "./check-quote.ts";
import { checkCollateral } from "./check-tcb.ts";
import { checkWorkload } from "./check-workload.ts";
import { sgxClaims, supplementalClaims, tdxClaims } from "./claims.ts";
import type { Context, DcapVerifyOptions } from "./context.ts";
import { DcapFormatError } from "./errors.ts";
import { prepareQuote, type PreparedQuote } from "./prepared-quote.ts";
import type { EnclaveReport, TdReport } from "./quote.ts";
import { DcapCheckLog, namesOf } from "./check-names.ts";

export type { DcapVerifyOptions } from "./context.ts";

/** Verify a DCAP quote of either kind. */
export function verifyDcapQuote(quote: Uint8Array, options: DcapVerifyOptions = {}): VerifyResult {
  return verifyQuote(quote, options, undefined);
}

/** Verify an Intel TDX quote (v4 or v5). A quote of another TEE type is a `tdx.tee_type` failure. */
export function verifyTdx(quote: Uint8Array, options: DcapVerifyOptions = {}): VerifyResult {
  return verifyQuote(quote, options, "tdx");
}

/** Verify an Intel SGX DCAP quote (v3). A quote of another TEE type is a `sgx.tee_type` failure. */
export function verifySgx(quote: Uint8Array, options: DcapVerifyOptions = {}): VerifyResult {
  return verifyQuote(quote, options, "sgx");
}

function verifyQuote(
  input: Uint8Array,
  options: DcapVerifyOptions,
  expectTee: "tdx" | "sgx" | undefined,
): VerifyResult {
  try {
    return verifyQuoteUnsafe(input, options ?? {}, expectTee);
  } catch (error) {
    // Defence in depth: every expected problem is a logged check; anything else still becomes a
    // failure rather than an exception escaping to the caller.
    const log = new CheckLog();
    log.fail(`${expectTee ?? "dcap"}.internal`, "verification to complete", String(error));
    return unverified(log, expectTee);
  }
}

function verifyQuoteUnsafe(
  input: Uint8Array,
  options: DcapVerifyOptions,
  expectTee: "tdx" | "sgx" | undefined,
): VerifyResult {
  const log = new DcapCheckLog();
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    log.fail(`${expectTee ?? "dcap"}.options.now`, "a valid Date", String(options.now));
    return unverified(log, expectTee);
  }
  let prepared: PreparedQuote;
  try {
    prepared = prepareQuote(input);
  } catch (error) {
    const p = expectTee ?? "dcap";
    log.fail(
      namesOf(p)["format"],
      "a well-formed DCAP quote (SGX v3, TDX v4/v5)",
      error instanceof DcapFormatError ? error.message : String(error),
    );
    return unverified(log, expectTee);
  }
  const q = prepared.q;
  log.pass(namesOf(q.tee)["format"]);
  let roots: IntelTrustRoot[];
  try {
    roots = intelTrustRoots(options.trust);
  } catch (error) {
    log.fail(namesOf(q.tee)["trust"], "valid Intel root certificates (DER)", String(error));
    roots = [];
  }
  const ctx: Context = { log, p: q.tee, now, roots, options, usedRoots: [] };
  if (expectTee && expectTee !== q.tee) log.fail(namesOf(expectTee)["tee_type"], expectTee, q.tee);

  checkHeader(ctx, prepared);
  const pck = checkSignatures(ctx, prepared);
  const tcb = checkCollateral(ctx, q, pck);
  checkWorkload(ctx, q);

  // One quote, one PKI: the PCK chain, collateral chains and CRLs must all end in the same root
  // (never a genuine quote judged by simulated collateral, or the reverse).
  const firstRoot = ctx.usedRoots[0]?.fingerprint;
  if (ctx.usedRoots.some((r) => r.fingerprint !== firstRoot)) {
    const rootFingerprints = new Set(ctx.usedRoots.map((r) => r.fingerprint));
    log.fail(
      namesOf(q.tee)["trust.single_root"],
      "quote chain and collateral under one root",
      `${rootFingerprints.size} different roots`,
    );
  }
  const simulated = ctx.usedRoots.some((r) => !r.genuine);
  const claims =
    q.tee === "tdx"
      ? tdxClaims(q, q.body as TdReport, pck?.ext)
      : sgxClaims(q, q.body as EnclaveReport, pck?.ext);
  if (tcb.supplemental) supplementalClaims(tcb.supplemental, claims);
  if (simulated) claims["simulated"] = true;
  // The TCB of a quote whose signatures or PCK chain do not hold is not known, whatever its bytes claim
  // (as the SNP verifier reports it).
  const tcbStatus = isAuthentic(log.failures, q.tee) ? tcb.status : "Unknown";
  if (tcbStatus !== tcb.status && "tcb_status" in claims) claims["tcb_status"] = tcbStatus;
  const result: VerifyResult = {
    tee: q.tee,
    valid: log.failures.length === 0,
    claims,
    tcbStatus,
    advisoryIds: tcb.advisoryIds,
    checks: log.checks,
    failures: log.failures,
  };
  if (simulated) result.simulated = true;
  return result;
}

/** Checks that establish that the quote comes from a genuine QE on a genuine platform. */
const AUTHENTICITY_CHECKS = new Set([
  "pck.cert_data_type",
  "pck.chain",
  "pck.chain_shape",
  "qe_report.signature",
  "qe_report.binding",
  "quote.signature",
]);

function isAuthentic(failures: readonly Failure[], tee: "tdx" | "sgx"): boolean {
  return !failures.some((f) => AUTHENTICITY_CHECKS.has(f.check.slice(tee.length + 1)));
}

/** The result when verification stopped before the quote could be judged (bad options, undecodable bytes). */
function unverified(log: CheckLog, tee: "tdx" | "sgx" | undefined): VerifyResult {
  return {
    tee: tee ?? "tdx",
    valid: false,
    claims: {},
    tcbStatus: "Unknown",
    checks: log.checks,
    failures: log.failures,
  };
}
