/**
 * Collateral-level checks and Intel's TCB evaluation for one quote: collateral authenticity and
 * freshness, revocation, FMSPC/PCE-ID, TCB level, TDX module, QE identity, convergence and TD relaunch
 * (research §4.5 steps 0–3, 7, 9–10; §4.8). Missing collateral never fails open.
 */
import { createHash, type X509Certificate } from "node:crypto";
import type { TcbStatus } from "../types.ts";
import type { IntelTrustRoot } from "../intel/roots.ts";
import { IdentityMemo } from "./cache.ts";
import type { SupplementalClaims } from "./claims.ts";
import { collateralShapeError, missingCollateral } from "./collateral.ts";
import { verifyCollateral, type VerifiedCollateral } from "./collateral-verify.ts";
import { hex, type Context, type PckInfo } from "./context.ts";
import type { PckExtensions } from "./pck.ts";
import { certificateSerial } from "./crl.ts";
import { BODY_TD_REPORT15, type DcapQuote, type TdReport } from "./quote.ts";
import { asTcbStatus, convergeTcbStatus, evaluateQeIdentity } from "./tcb-info.ts";
import {
  checkForRelaunch,
  evaluatePlatformFor,
  type PlatformEvaluation,
  type TdTcbFields,
} from "./tcb-status.ts";
import { checkName, namesOf } from "./check-names.ts";

/** Root key ids by root certificate (immutable, so identity is content): the key export is costly. */
const rootKeyIds = new IdentityMemo<X509Certificate, string>();

/** SHA-384 of the root's uncompressed public key: Intel QVL's `root_key_id` (matches Trustee's sample). */
function rootKeyId(root: IntelTrustRoot): string {
  return rootKeyIds.getOrSet(root.cert, () => {
    const spki = root.cert.publicKey.export({ type: "spki", format: "der" });
    return createHash("sha384")
      .update(spki.subarray(spki.length - 65))
      .digest("hex");
  });
}

/** FMSPC and PCE-ID as hex, per (cached, never modified) PCK extensions object. */
const platformIdHex = new IdentityMemo<PckExtensions, { fmspc: string; pceId: string }>();

function platformIds(ext: PckExtensions): { fmspc: string; pceId: string } {
  return platformIdHex.getOrSet(ext, () => ({ fmspc: hex(ext.fmspc), pceId: hex(ext.pceId) }));
}

export interface TcbOutcome {
  status: TcbStatus;
  advisoryIds: string[];
  /** Trustee's supplemental claims (added by `supplementalClaims`); absent when no collateral was usable. */
  supplemental?: SupplementalClaims;
}

export function checkCollateral(ctx: Context, q: DcapQuote, pck: PckInfo | undefined): TcbOutcome {
  const { log, p, now } = ctx;
  const c = ctx.options.collateral;
  const missing = missingCollateral(c);
  if (missing.length > 0) {
    log.fail(
      namesOf(p)["collateral.missing"],
      "tcbInfo, qeIdentity, rootCaCrl and pckCrl (with signatures and issuer chains)",
      `missing: ${missing.join(", ")}`,
    );
  }
  if (!c) return { status: "Unknown", advisoryIds: [] };
  const shapeError = collateralShapeError(c);
  if (shapeError) {
    log.fail(
      namesOf(p)["collateral.format"],
      "DcapCollateral: JSON texts and PEM chains as strings, CRLs as bytes",
      shapeError,
    );
    return { status: "Unknown", advisoryIds: [] };
  }
  const v: VerifiedCollateral = verifyCollateral(c, p, ctx.roots, now, log, pck?.issuer);
  ctx.usedRoots.push(...v.roots);

  if (v.rootCrl) {
    const revokedSet = v.rootCrl.revoked;
    // Messages are built only on failure (a warm verification formats nothing it does not report).
    let revoked: string[] | undefined;
    const candidates = pck?.issuer
      ? [{ what: "PCK CA", cert: pck.issuer.cert }, ...v.intermediates]
      : v.intermediates;
    for (const ca of candidates) {
      if (revokedSet.has(certificateSerial(ca.cert)))
        (revoked ??= []).push(`${ca.what} ${ca.cert.serialNumber}`);
    }
    if (revoked === undefined) log.pass(namesOf(p)["collateral.ca_revocation"]);
    else
      log.fail(
        namesOf(p)["collateral.ca_revocation"],
        "no intermediate CA revoked by the root CA CRL",
        revoked.join(", "),
      );
  }
  if (v.pckCrl && pck) {
    if (!v.pckCrl.revoked.has(certificateSerial(pck.leaf))) log.pass(namesOf(p)["pck.revocation"]);
    else
      log.fail(
        namesOf(p)["pck.revocation"],
        "PCK certificate not on the PCK CRL",
        `serial ${pck.leaf.serialNumber} revoked`,
      );
  }

  let status: TcbStatus | undefined;
  const advisory = new Set<string>();
  let tcbDate: string | undefined;
  let evaluable = missing.length === 0;
  let launch: PlatformEvaluation | undefined;
  let current: PlatformEvaluation | undefined;

  if (v.tcbInfo && pck) {
    const info = v.tcbInfo;
    const { fmspc, pceId } = platformIds(pck.ext);
    const fmOk = log.expect(
      namesOf(p)["tcb.fmspc"],
      fmspc === info.fmspc.toLowerCase(),
      info.fmspc.toLowerCase(),
      fmspc,
    );
    const peOk = log.expect(
      namesOf(p)["tcb.pce_id"],
      pceId === info.pceId.toLowerCase(),
      info.pceId.toLowerCase(),
      pceId,
    );
    if (fmOk && peOk) {
      const td = q.tee === "tdx" ? (q.body as TdReport) : undefined;
      // evaluatePlatformFor remembers evaluations by the exact TCB fields (the same for every quote of a platform).
      const tdFields = (teeTcbSvn: Uint8Array): TdTcbFields => ({
        teeTcbSvn,
        mrSignerSeam: td!.mrSignerSeam,
        seamAttributes: td!.seamAttributes,
      });
      launch = evaluatePlatformFor(info, pck.ext, td ? tdFields(td.teeTcbSvn) : undefined);
      if (launch.platformStatus) log.pass(namesOf(p)["tcb.level"], launch.platformStatus);
      if (launch.moduleDetail) log.pass(namesOf(p)["tdx_module.identity"], launch.moduleDetail);
      if (launch.unsupported) {
        const expected =
          launch.unsupported.check === "tcb.level"
            ? "a TCB level the platform meets"
            : "the TDX module matching a tcbInfo module identity";
        log.fail(checkName(p, launch.unsupported.check), expected, launch.unsupported.reason);
        evaluable = false;
      }
      tcbDate = launch.tcbDate;
      for (const a of launch.advisoryIds) advisory.add(a);
      // TD 1.5: the TCB the platform runs now (TEE_TCB_SVN2) decides whether a relaunch is advised.
      if (td?.teeTcbSvn2 && q.bodyType === BODY_TD_REPORT15 && !launch.unsupported) {
        const svn2 = td.teeTcbSvn2;
        current = evaluatePlatformFor(info, pck.ext, tdFields(svn2));
        if (current.unsupported) {
          log.fail(
            namesOf(p)["tcb.current_level"],
            "TEE_TCB_SVN2 meeting a TCB level and module identity",
            current.unsupported.reason,
          );
          evaluable = false;
        } else {
          log.pass(namesOf(p)["tcb.current_level"], current.platformStatus);
        }
      }
    } else {
      evaluable = false;
    }
  } else {
    evaluable = false;
  }

  let qeStatus: TcbStatus | undefined;
  if (v.qeIdentity) {
    const qe = q.certification.qeReport;
    // A few byte comparisons against the (cached, decoded) QE identity: cheaper than any cache lookup.
    const ev = evaluateQeIdentity(v.qeIdentity, qe);
    const matched = log.expect(
      namesOf(p)["qe_identity.match"],
      ev.mismatches.length === 0,
      "QE matching the signed QE identity",
      `mismatch: ${ev.mismatches.join(", ")}`,
    );
    if (!matched) evaluable = false;
    if (ev.level) {
      log.pass(namesOf(p)["qe_identity.tcb_level"], ev.level.tcbStatus);
      qeStatus = asTcbStatus(ev.level.tcbStatus);
      for (const a of ev.level.advisoryIDs) advisory.add(a);
    } else {
      log.fail(
        namesOf(p)["qe_identity.tcb_level"],
        "a QE identity TCB level the QE meets",
        `QE ISVSVN ${qe.isvSvn} below every level`,
      );
      evaluable = false;
    }
  } else {
    evaluable = false;
  }

  if (launch?.platformStatus && qeStatus && evaluable) {
    const converge = (e: PlatformEvaluation): TcbStatus =>
      convergeTcbStatus(e.platformStatus!, [qeStatus, ...(e.moduleStatus ? [e.moduleStatus] : [])]);
    status = converge(launch);
    if (current?.platformStatus) status = checkForRelaunch(status, converge(current));
    log.expect(
      namesOf(p)["tcb.status"],
      status !== "Revoked" && status !== "Unknown",
      "a TCB status other than Revoked",
      status,
    );
  }
  const advisoryIds = [...advisory].sort();
  const finalStatus = status ?? "Unknown";
  const supp: SupplementalClaims = {
    tcbStatus: finalStatus,
    collateralExpired: !v.fresh || missing.length > 0,
    advisoryIds,
  };
  if (tcbDate) supp.tcbDate = tcbDate;
  if (v.issueDates.length) {
    supp.earliestIssueDate = Math.min(...v.issueDates);
    supp.latestIssueDate = Math.max(...v.issueDates);
  }
  if (v.expirationDates.length) supp.earliestExpirationDate = Math.min(...v.expirationDates);
  if (v.pckCrl?.crlNumber !== undefined) supp.pckCrlNum = v.pckCrl.crlNumber;
  if (v.rootCrl?.crlNumber !== undefined) supp.rootCaCrlNum = v.rootCrl.crlNumber;
  if (v.tcbInfo) supp.tcbEvalNum = v.tcbInfo.tcbEvaluationDataNumber;
  if (pck) supp.pck = pck.ext;
  const root = ctx.usedRoots[0];
  if (root) supp.rootKeyId = rootKeyId(root);
  return { status: finalStatus, advisoryIds, supplemental: supp };
}
