/** Which certificates the verifier has, and which one is the report's signing key (§8 step 8). */
import type { CheckLog } from "../../types.ts";
import { parseAmdCertificate, parseAmdCertificates, type AmdCertificate } from "../../amd/cert.ts";
import type { AmdKeyKind } from "../../amd/chain.ts";
import { readCachedVcek } from "../../amd/kds.ts";
import type { SnpVerifyOptions } from "../verify.ts";
import type { SnpReport } from "../report.ts";
import { bytesEqual, message } from "./util.ts";

export function leafKind(cert: AmdCertificate): AmdKeyKind | undefined {
  if (/SEV-VCEK$/.test(cert.subjectCn)) return "VCEK";
  if (/SEV-VLEK$/.test(cert.subjectCn)) return "VLEK";
  return undefined;
}

/** Parse every supplied certificate; a PEM entry may be a bundle (VCEK + ASK + ARK, or a KDS cert_chain). */
export function parseSupplied(log: CheckLog, inputs: readonly Uint8Array[]): AmdCertificate[] {
  const supplied: AmdCertificate[] = [];
  for (const [i, c] of inputs.entries()) {
    try {
      // A DER certificate starts with SEQUENCE (0x30, "0"): no PEM sniffing for the common case.
      const head = c[0] === 0x30 ? "" : Buffer.from(c.subarray(0, 64)).toString("latin1");
      if (head.trimStart().startsWith("-----BEGIN")) {
        supplied.push(...parseAmdCertificates(Buffer.from(c).toString("latin1")));
      } else {
        supplied.push(parseAmdCertificate(c));
      }
    } catch (error) {
      log.fail("snp.cert.parse", `certificates[${i}] a readable X.509 certificate`, message(error));
    }
  }
  return supplied;
}

/**
 * The signing key: a supplied certificate of the report's key kind (preferring one whose hwID matches CHIP_ID),
 * else, for a VCEK, the KDS cache entry for this chip and REPORTED_TCB.
 */
export function findLeaf(
  log: CheckLog,
  report: SnpReport,
  supplied: readonly AmdCertificate[],
  options: SnpVerifyOptions,
): AmdCertificate | undefined {
  const kind = report.keyInfo.signingKey;
  if (kind !== "VCEK" && kind !== "VLEK") return undefined;
  const leaves = supplied.filter((c) => leafKind(c) === kind);
  const matching = leaves.find(
    (c) => c.amd.hwId !== undefined && bytesEqual(c.amd.hwId, report.chipId.subarray(0, c.amd.hwId.length)),
  );
  if (matching ?? leaves[0]) return matching ?? leaves[0];
  if (kind === "VCEK" && options.kdsCacheDir && report.product) {
    try {
      const der = readCachedVcek(options.kdsCacheDir, report.product, report.chipId, report.reportedTcb);
      if (der) return parseAmdCertificate(der);
    } catch (error) {
      log.fail("snp.cert.parse", "a readable cached VCEK", message(error));
    }
  }
  return undefined;
}
