/**
 * Binding the signing key to this report (§2.3, §8 steps 10–11): AMD extensions well-formed, VCEK hwID = CHIP_ID
 * (8 bytes on Turin), VLEK has cspId, cert SPLs = REPORTED_TCB exactly, and the ECDSA signature itself.
 */
import type { CheckLog } from "../../types.ts";
import type { AmdCertificate } from "../../amd/cert.ts";
import type { AmdKeyKind } from "../../amd/chain.ts";
import { littleEndianToBigEndianInto, verifyEcdsaP1363 } from "../../crypto/signatures.ts";
import { SNP_SIGNED_LENGTH, type SnpReport } from "../report.ts";
import { bytesEqual, expectLazy, hex, message } from "./util.ts";

/** The [name, certificate SPL, REPORTED_TCB component] pairs compared, fmc first on Turin. */
function tcbPairs(cert: AmdCertificate, report: SnpReport): [string, number | undefined, number][] {
  const e = cert.amd;
  const rep = report.reportedTcb;
  const pairs: [string, number | undefined, number][] = [
    ["bl", e.blSPL, rep.bootloader],
    ["tee", e.teeSPL, rep.tee],
    ["snp", e.snpSPL, rep.snp],
    ["ucode", e.ucodeSPL, rep.microcode],
  ];
  if (report.tcbLayout === "turin") pairs.unshift(["fmc", e.fmcSPL, rep.fmc ?? 0]);
  return pairs;
}

/**
 * The VCEK/VLEK SPL extensions must equal REPORTED_TCB exactly (equality, not ≥: go-sev-guest validate.go
 * `tcbNeError`; Trustee `verify_report_tcb`), including fmcSPL on Turin. A missing SPL never matches.
 */
function certTcbMatches(cert: AmdCertificate, report: SnpReport): boolean {
  const e = cert.amd;
  const rep = report.reportedTcb;
  const legacyOk =
    e.blSPL === rep.bootloader &&
    e.teeSPL === rep.tee &&
    e.snpSPL === rep.snp &&
    e.ucodeSPL === rep.microcode;
  return report.tcbLayout === "turin" ? legacyOk && e.fmcSPL === (rep.fmc ?? 0) : legacyOk;
}

/** Returns true when every extension-based binding holds. */
export function checkKeyBinding(
  log: CheckLog,
  report: SnpReport,
  leaf: AmdCertificate,
  kind: AmdKeyKind,
): boolean {
  let bound = expectLazy(
    log,
    "snp.cert.extensions",
    leaf.amd.malformed.length === 0,
    () => "well-formed AMD extensions",
    () => `malformed: ${leaf.amd.malformed.join(", ")}`,
  );
  if (kind === "VCEK") {
    const hwId = leaf.amd.hwId;
    const length = report.product === "Turin" ? 8 : 64;
    const chip = report.chipId.subarray(0, length);
    const masked = report.chipId.every((b) => b === 0);
    const ok = hwId !== undefined && !masked && hwId.length === length && bytesEqual(hwId, chip);
    bound =
      expectLazy(
        log,
        "snp.cert.hwid",
        ok,
        () => "VCEK hwID equal to CHIP_ID",
        () =>
          hwId === undefined
            ? "VCEK has no hwID"
            : masked
              ? "report CHIP_ID is masked (all zero)"
              : `hwID ${hex(hwId)} vs CHIP_ID ${hex(chip)}`,
      ) && bound;
    bound =
      expectLazy(
        log,
        "snp.cert.csp_id",
        leaf.amd.cspId === undefined,
        () => "no cspId on a VCEK",
        () => `cspId ${leaf.amd.cspId}`,
      ) && bound;
  } else {
    bound =
      expectLazy(
        log,
        "snp.cert.csp_id",
        leaf.amd.cspId !== undefined && leaf.amd.hwId === undefined,
        () => "VLEK with cspId and no hwID",
        () => `cspId ${leaf.amd.cspId ?? "absent"}, hwID ${leaf.amd.hwId ? "present" : "absent"}`,
      ) && bound;
  }
  bound =
    expectLazy(
      log,
      "snp.cert.tcb",
      certTcbMatches(leaf, report),
      () =>
        `${kind} TCB equal to REPORTED_TCB ${tcbPairs(leaf, report)
          .map(([n, , r]) => `${n}=${r}`)
          .join(",")}`,
      () =>
        `${kind} TCB ${tcbPairs(leaf, report)
          .map(([n, c]) => `${n}=${c ?? "absent"}`)
          .join(",")}`,
    ) && bound;
  return bound;
}

/** P-384 scalars are 48 bytes; the report stores each in a 72-byte little-endian field (abi.go `EcdsaP384Sha384Signature`). */
const P384_BYTES = 48;

/** ECDSA P-384 SHA-384 over the bytes as received (0x000..0x29F), R/S little-endian in 72-byte fields (§1.5). */
export function checkReportSignature(
  log: CheckLog,
  report: SnpReport,
  leaf: AmdCertificate,
  kind: AmdKeyKind,
): boolean {
  // R‖S big-endian (IEEE P1363), written straight into one buffer; a field whose value needs more than 48 bytes
  // is rejected, never truncated.
  const signature = new Uint8Array(2 * P384_BYTES);
  const fits =
    littleEndianToBigEndianInto(report.signatureR, signature, 0, P384_BYTES) &&
    littleEndianToBigEndianInto(report.signatureS, signature, P384_BYTES, P384_BYTES);
  let ok = false;
  let problem = "signature does not verify";
  if (!fits) {
    problem = "R or S has non-zero bytes above 48 (value ≥ 2^384)";
  } else {
    try {
      ok = verifyEcdsaP1363(
        "P-384",
        "sha384",
        leaf.publicKey,
        signature,
        report.raw.subarray(0, SNP_SIGNED_LENGTH),
      );
    } catch (error) {
      problem = message(error); // e.g. the leaf key is not P-384
    }
  }
  return expectLazy(
    log,
    "snp.signature",
    ok,
    () => `ECDSA P-384 SHA-384 signature by the ${kind}`,
    () => problem,
  );
}
