/**
 * Binding the signing key to this report (§2.3, §8 steps 10–11): AMD extensions well-formed, VCEK hwID = CHIP_ID
 * (8 bytes on Turin), VLEK has cspId, cert SPLs = REPORTED_TCB exactly, and the ECDSA signature itself.
 */
import type { CheckLog } from "../../types.ts";
import type { AmdCertificate } from "../../amd/cert.ts";
import type { AmdKeyKind } from "../../amd/chain.ts";
import { littleEndianToBigEndian, verifyEcdsaP1363 } from "../../crypto/signatures.ts";
import { SNP_SIGNED_LENGTH, type SnpReport } from "../report.ts";
import { bytesEqual, hex, message } from "./util.ts";

/**
 * The VCEK/VLEK SPL extensions must equal REPORTED_TCB exactly (equality, not ≥: go-sev-guest validate.go
 * `tcbNeError`; Trustee `verify_report_tcb`), including fmcSPL on Turin. A missing SPL never matches.
 */
function compareCertTcb(
  cert: AmdCertificate,
  report: SnpReport,
): { ok: boolean; reported: string; cert: string } {
  const e = cert.amd;
  const rep = report.reportedTcb;
  const pairs: [string, number | undefined, number][] = [
    ["bl", e.blSPL, rep.bootloader],
    ["tee", e.teeSPL, rep.tee],
    ["snp", e.snpSPL, rep.snp],
    ["ucode", e.ucodeSPL, rep.microcode],
  ];
  if (report.tcbLayout === "turin") pairs.unshift(["fmc", e.fmcSPL, rep.fmc ?? 0]);
  return {
    ok: pairs.every(([, c, r]) => c === r),
    reported: pairs.map(([n, , r]) => `${n}=${r}`).join(","),
    cert: pairs.map(([n, c]) => `${n}=${c ?? "absent"}`).join(","),
  };
}

/** Returns true when every extension-based binding holds. */
export function checkKeyBinding(
  log: CheckLog,
  report: SnpReport,
  leaf: AmdCertificate,
  kind: AmdKeyKind,
): boolean {
  let bound = log.expect(
    "snp.cert.extensions",
    leaf.amd.malformed.length === 0,
    "well-formed AMD extensions",
    `malformed: ${leaf.amd.malformed.join(", ")}`,
  );
  if (kind === "VCEK") {
    const hwId = leaf.amd.hwId;
    const length = report.product === "Turin" ? 8 : 64;
    const chip = report.chipId.subarray(0, length);
    const masked = report.chipId.every((b) => b === 0);
    const ok = hwId !== undefined && !masked && hwId.length === length && bytesEqual(hwId, chip);
    const actual =
      hwId === undefined
        ? "VCEK has no hwID"
        : masked
          ? "report CHIP_ID is masked (all zero)"
          : `hwID ${hex(hwId)} vs CHIP_ID ${hex(chip)}`;
    bound = log.expect("snp.cert.hwid", ok, "VCEK hwID equal to CHIP_ID", actual) && bound;
    bound =
      log.expect(
        "snp.cert.csp_id",
        leaf.amd.cspId === undefined,
        "no cspId on a VCEK",
        `cspId ${leaf.amd.cspId}`,
      ) && bound;
  } else {
    bound =
      log.expect(
        "snp.cert.csp_id",
        leaf.amd.cspId !== undefined && leaf.amd.hwId === undefined,
        "VLEK with cspId and no hwID",
        `cspId ${leaf.amd.cspId ?? "absent"}, hwID ${leaf.amd.hwId ? "present" : "absent"}`,
      ) && bound;
  }
  const tcb = compareCertTcb(leaf, report);
  bound =
    log.expect(
      "snp.cert.tcb",
      tcb.ok,
      `${kind} TCB equal to REPORTED_TCB ${tcb.reported}`,
      `${kind} TCB ${tcb.cert}`,
    ) && bound;
  return bound;
}

/** ECDSA P-384 SHA-384 over the bytes as received (0x000..0x29F), R/S little-endian in 72-byte fields (§1.5). */
export function checkReportSignature(
  log: CheckLog,
  report: SnpReport,
  leaf: AmdCertificate,
  kind: AmdKeyKind,
): boolean {
  const r = littleEndianToBigEndian(report.signatureR, 48);
  const s = littleEndianToBigEndian(report.signatureS, 48);
  let ok = false;
  let problem = "signature does not verify";
  if (!r || !s) {
    problem = "R or S has non-zero bytes above 48 (value ≥ 2^384)";
  } else {
    try {
      ok = verifyEcdsaP1363(
        "P-384",
        "sha384",
        leaf.publicKey,
        Buffer.concat([r, s]),
        report.raw.subarray(0, SNP_SIGNED_LENGTH),
      );
    } catch (error) {
      problem = message(error); // e.g. the leaf key is not P-384
    }
  }
  return log.expect("snp.signature", ok, `ECDSA P-384 SHA-384 signature by the ${kind}`, problem);
}
