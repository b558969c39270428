/** Report-level rules that need no certificate (research/evidence.md §8 steps 6–7). */
import type { CheckLog } from "../../types.ts";
import type { SnpPolicyOptions } from "../options.ts";
import type { SnpReport } from "../report.ts";
import { expectLazy } from "./util.ts";

export function checkStructure(log: CheckLog, report: SnpReport, options: SnpPolicyOptions): void {
  expectLazy(
    log,
    "snp.report.reserved",
    report.reservedViolations.length === 0,
    () => "reserved fields zero, POLICY bit 17 set",
    () => report.reservedViolations.join("; "),
  );
  // SIGNATURE_ALGO 1 = ECDSA P-384 with SHA-384 (go-sev-guest abi.go `SignEcdsaP384Sha384`).
  expectLazy(
    log,
    "snp.report.signature_algo",
    report.signatureAlgo === 1,
    () => "1 (ECDSA P-384 SHA-384)",
    () => String(report.signatureAlgo),
  );
  const kind = report.keyInfo.signingKey;
  const allowed = options.allowedSigners ?? ["VCEK", "VLEK"];
  expectLazy(
    log,
    "snp.report.signing_key",
    (kind === "VCEK" || kind === "VLEK") && allowed.includes(kind),
    () => allowed.join(" or "),
    () => `${kind} (${report.keyInfo.signingKeyValue})`,
  );
  // MASK_CHIP_KEY = 1: the firmware wrote zeros instead of a signature (evidence.md §1.5).
  log.expect(
    "snp.report.mask_chip_key",
    !report.keyInfo.maskChipKey,
    "MASK_CHIP_KEY 0",
    "MASK_CHIP_KEY 1 (report is unsigned)",
  );
  // Product: CPUID (v3+) must name a known line and agree with a configured one.
  if (report.cpuid) {
    const ok =
      report.product !== undefined && (options.product === undefined || report.product === options.product);
    const cpuid = report.cpuid;
    expectLazy(
      log,
      "snp.product",
      ok,
      () => options.product ?? "a known product (Milan, Genoa, Turin)",
      () =>
        report.product ??
        `unknown CPUID family 0x${cpuid.family.toString(16)} model 0x${cpuid.model.toString(16)}`,
    );
  }
}
