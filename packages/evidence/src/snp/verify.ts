/**
 * verifySnp: the whole SEV-SNP appraisal of research/evidence.md §8 steps 6–14, as named checks. Never throws on
 * bad evidence: every problem becomes a Failure {check, expected, actual}.
 *
 * Check names (stable): snp.report.format, snp.report.reserved, snp.report.signature_algo, snp.report.signing_key,
 * snp.report.mask_chip_key, snp.product, snp.cert.parse, snp.cert.present, snp.cert.chain, snp.cert.validity,
 * snp.cert.crl, snp.cert.revoked, snp.cert.extensions, snp.cert.product, snp.cert.hwid, snp.cert.csp_id,
 * snp.cert.tcb, snp.signature, snp.tcb.reported_vs_current, snp.tcb.committed, snp.tcb.minimum, snp.policy.debug,
 * snp.policy.migrate_ma, snp.policy.smt, snp.policy.abi, snp.vmpl, snp.report_data, snp.measurement,
 * snp.host_data, snp.id_key_digest, snp.trust.roots.
 *
 * tcbStatus: "Revoked" when a chain certificate is on an AMD CRL; "OutOfDate" when REPORTED/LAUNCH TCB is below
 * the policy minimum; "Unknown" when authenticity or TCB binding could not be established (chain, signature,
 * cert TCB, committed-vs-current); otherwise "UpToDate" — guest-policy checks (VMPL, debug…) do not change it.
 */
import { CheckLog, type VerifyOptions, type VerifyResult } from "../types.ts";
import type { AmdKeyKind } from "../amd/chain.ts";
import { snpClaims } from "./claims.ts";
import type { SnpPolicyOptions } from "./options.ts";
import { productFromName } from "./product.ts";
import { parseSnpReport, reinterpretForProduct, type SnpReport } from "./report.ts";
import { checkStructure } from "./checks/structure.ts";
import { findLeaf, parseSupplied } from "./checks/certificates.ts";
import { checkChain } from "./checks/chain.ts";
import { checkKeyBinding, checkReportSignature } from "./checks/binding.ts";
import { checkExpectedValues, checkGuestPolicy, checkTcbPolicy } from "./checks/policy.ts";
import { expectLazy, message } from "./checks/util.ts";

export type SnpVerifyOptions = VerifyOptions & SnpPolicyOptions;

export function verifySnp(reportBytes: Uint8Array, options: SnpVerifyOptions = {}): VerifyResult {
  const log = new CheckLog();
  const now = options.now ?? new Date();
  let report: SnpReport;
  try {
    report = parseSnpReport(reportBytes, options.product ? { product: options.product } : {});
  } catch (error) {
    log.fail("snp.report.format", "a 1184-byte SEV-SNP report, version 2..5", message(error));
    return {
      tee: "snp",
      valid: false,
      claims: {},
      tcbStatus: "Unknown",
      checks: log.checks,
      failures: log.failures,
    };
  }
  log.pass("snp.report.format", `version ${report.version}`);
  checkStructure(log, report, options);

  const supplied = parseSupplied(log, options.certificates ?? []);
  const leaf = findLeaf(log, report, supplied, options);
  // v2 reports carry no CPUID: take the line from the VCEK and re-decode with that product's TCB layout.
  if (leaf && report.product === undefined && leaf.amd.productName) {
    const product = productFromName(leaf.amd.productName);
    if (product) report = reinterpretForProduct(report, product);
  }

  let authentic = false;
  let bound = false;
  let revoked = false;
  let simulated: boolean | undefined;
  const kind = report.keyInfo.signingKey;
  if (
    expectLazy(
      log,
      "snp.cert.present",
      leaf !== undefined,
      () => `a ${kind} certificate (supplied or in the KDS cache)`,
      () => "none",
    ) &&
    leaf
  ) {
    const keyKind = kind as AmdKeyKind; // a leaf is only found for VCEK/VLEK reports
    const chain = checkChain(log, report, leaf, keyKind, supplied, options, now);
    ({ revoked, simulated } = chain);
    bound = checkKeyBinding(log, report, leaf, keyKind);
    const signed = checkReportSignature(log, report, leaf, keyKind);
    authentic = chain.authentic && signed;
  }
  const tcb = checkTcbPolicy(log, report, options);
  checkGuestPolicy(log, report, options);
  checkExpectedValues(log, report, options);

  const tcbStatus = revoked
    ? "Revoked"
    : tcb.outOfDate
      ? "OutOfDate"
      : authentic && bound && tcb.consistent
        ? "UpToDate"
        : "Unknown";
  const claims = snpClaims(report);
  claims.tcb_status = tcbStatus;
  if (simulated !== undefined) claims.simulated = simulated;
  return {
    tee: "snp",
    valid: log.failures.length === 0,
    claims,
    tcbStatus,
    checks: log.checks,
    failures: log.failures,
    ...(simulated !== undefined ? { simulated } : {}),
  };
}
