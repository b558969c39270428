/** Appraisal policy on the decoded report: TCB (§8.12), guest policy and VMPL (§8.13–14), expected values. */
import type { CheckLog } from "../../types.ts";
import type { SnpVerifyOptions } from "../verify.ts";
import type { SnpReport } from "../report.ts";
import { formatTcb, tcbBelow, tcbDiffers } from "../tcb.ts";
import { bytesEqual, expectLazy, hex, regularize } from "./util.ts";

/** Returns whether the TCB is consistent (reported ≤ current, committed vs current) and whether it is below minimum. */
export function checkTcbPolicy(
  log: CheckLog,
  report: SnpReport,
  options: SnpVerifyOptions,
): { consistent: boolean; outOfDate: boolean } {
  const rep = report.reportedTcb;
  const cur = report.currentTcb;
  const com = report.committedTcb;
  // A TcbVersion serves directly as a minimum: tcbBelow reads only the component fields, never `raw`.
  let consistent = expectLazy(
    log,
    "snp.tcb.reported_vs_current",
    tcbBelow(cur, rep).length === 0,
    () => "REPORTED_TCB ≤ CURRENT_TCB",
    () => `REPORTED ${formatTcb(rep)}, CURRENT ${formatTcb(cur)}`,
  );
  // go-sev-guest validate.go: COMMITTED must equal CURRENT unless provisional firmware is permitted.
  const committedOk = options.allowProvisionalFirmware
    ? tcbBelow(cur, com).length === 0
    : tcbDiffers(com, cur).length === 0;
  consistent =
    expectLazy(
      log,
      "snp.tcb.committed",
      committedOk,
      () =>
        options.allowProvisionalFirmware
          ? "COMMITTED_TCB ≤ CURRENT_TCB"
          : "COMMITTED_TCB equal to CURRENT_TCB (no provisional firmware)",
      () => `COMMITTED ${formatTcb(com)}, CURRENT ${formatTcb(cur)}`,
    ) && consistent;
  let outOfDate = false;
  if (options.minimumTcb) {
    const minimum = options.minimumTcb;
    const belowReported = tcbBelow(rep, minimum);
    const belowLaunch = tcbBelow(report.launchTcb, minimum);
    outOfDate = belowReported.length > 0 || belowLaunch.length > 0;
    expectLazy(
      log,
      "snp.tcb.minimum",
      !outOfDate,
      () => `TCB ≥ ${JSON.stringify(minimum)}`,
      () =>
        `REPORTED ${formatTcb(rep)} (below in ${belowReported.join(",") || "none"}), ` +
        `LAUNCH ${formatTcb(report.launchTcb)} (below in ${belowLaunch.join(",") || "none"})`,
    );
  }
  return { consistent, outOfDate };
}

export function checkGuestPolicy(log: CheckLog, report: SnpReport, options: SnpVerifyOptions): void {
  const gp = report.guestPolicy;
  log.expect(
    "snp.policy.debug",
    !gp.debugAllowed || options.allowDebug === true,
    "POLICY.DEBUG 0",
    "POLICY.DEBUG 1 (the host can read and change guest memory)",
  );
  log.expect(
    "snp.policy.migrate_ma",
    !gp.migrateMa || options.allowMigrationAgent === true,
    "POLICY.MIGRATE_MA 0",
    "POLICY.MIGRATE_MA 1",
  );
  log.expect("snp.policy.smt", !gp.smtAllowed || options.allowSmt !== false, "POLICY.SMT 0", "POLICY.SMT 1");
  if (options.minimumAbi) {
    const m = options.minimumAbi;
    const ok = gp.abiMajor > m.major || (gp.abiMajor === m.major && gp.abiMinor >= m.minor);
    expectLazy(
      log,
      "snp.policy.abi",
      ok,
      () => `ABI ≥ ${m.major}.${m.minor}`,
      () => `${gp.abiMajor}.${gp.abiMinor}`,
    );
  }
  const maxVmpl = options.maxVmpl ?? 0;
  expectLazy(
    log,
    "snp.vmpl",
    report.vmpl <= maxVmpl,
    () => `VMPL ≤ ${maxVmpl}`,
    () => String(report.vmpl),
  );
}

export function checkExpectedValues(log: CheckLog, report: SnpReport, options: SnpVerifyOptions): void {
  if (options.expectedReportData) {
    // Zero-padded to 64 like Trustee; a longer expectation cannot match (Trustee would truncate: we refuse).
    const e = options.expectedReportData;
    const ok = e.length <= 64 && bytesEqual(regularize(e, 64), report.reportData);
    expectLazy(
      log,
      "snp.report_data",
      ok,
      () => hex(e.length <= 64 ? regularize(e, 64) : e),
      () => hex(report.reportData),
    );
  }
  if (options.expectedMeasurement) {
    const e = options.expectedMeasurement;
    expectLazy(
      log,
      "snp.measurement",
      bytesEqual(e, report.measurement),
      () => hex(e),
      () => hex(report.measurement),
    );
  }
  if (options.expectedHostData) {
    // Trustee regularizes the init-data digest to 32 bytes (a SHA-384 digest is truncated).
    const e = regularize(options.expectedHostData, 32);
    expectLazy(
      log,
      "snp.host_data",
      bytesEqual(e, report.hostData),
      () => hex(e),
      () => hex(report.hostData),
    );
  }
  if (options.expectedIdKeyDigest) {
    const e = options.expectedIdKeyDigest;
    expectLazy(
      log,
      "snp.id_key_digest",
      bytesEqual(e, report.idKeyDigest),
      () => hex(e),
      () => hex(report.idKeyDigest),
    );
  }
}
