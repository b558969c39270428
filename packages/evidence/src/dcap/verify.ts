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
import {
  createHash,
  createPublicKey,
  verify as cryptoVerify,
  type KeyObject,
  type X509Certificate,
} from "node:crypto";
import { CheckLog, type TcbStatus, type VerifyOptions, type VerifyResult } from "../types.ts";
import { intelTrustRoots, type IntelTrustRoot } from "../intel/roots.ts";
import { verifyChain } from "./chain.ts";
import { sgxClaims, supplementalClaims, tdxClaims } from "./claims.ts";
import { collateralShapeError, missingCollateral, type DcapCollateral } from "./collateral.ts";
import { commonName, hasIntelName, verifyCollateral, type VerifiedCollateral } from "./collateral-verify.ts";
import { normalizeSerial } from "./crl.ts";
import { DcapFormatError } from "./errors.ts";
import { parsePckExtensions, splitPemChain, type PckExtensions } from "./pck.ts";
import {
  ATT_KEY_TYPE_ECDSA_P256,
  BODY_TD_REPORT15,
  CERT_DATA_PCK_CHAIN,
  INTEL_QE_VENDOR_ID,
  parseDcapQuote,
  type DcapQuote,
  type EnclaveReport,
  type TdReport,
} from "./quote.ts";
import { asTcbStatus, convergeTcbStatus, evaluateQeIdentity } from "./tcb-info.ts";
import { checkForRelaunch, evaluatePlatform, type PlatformEvaluation } from "./tcb-status.ts";

export interface DcapVerifyOptions extends VerifyOptions {
  collateral?: DcapCollateral;
  /**
   * Require TD_ATTRIBUTES.SEPT_VE_DISABLE (dcap-qvl validate_td10 does). Default false: several
   * genuine cloud TDs (Azure, GCP SPR) run without it, and Trustee does not require it (research §4.2).
   */
  requireSeptVeDisable?: boolean;
  /** Accept a TD 1.5 quote whose MR_SERVICETD is non-zero (default false, as dcap-qvl). */
  allowMrServiceTd?: boolean;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function allZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

/** Raw P-256 x‖y (64 bytes, as in quotes) to a public key. */
function p256Key(xy: Uint8Array): KeyObject | undefined {
  try {
    return createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(xy.subarray(0, 32)).toString("base64url"),
        y: Buffer.from(xy.subarray(32, 64)).toString("base64url"),
      },
      format: "jwk",
    });
  } catch {
    return undefined;
  }
}

function p1363Valid(data: Uint8Array, key: KeyObject, sig: Uint8Array): boolean {
  try {
    return cryptoVerify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, sig);
  } catch {
    return false;
  }
}

/** SHA-384 of the root's uncompressed public key: Intel QVL's `root_key_id` (matches Trustee's sample). */
function rootKeyId(root: IntelTrustRoot): string {
  const spki = root.cert.publicKey.export({ type: "spki", format: "der" });
  return createHash("sha384")
    .update(spki.subarray(spki.length - 65))
    .digest("hex");
}

/** TD_ATTRIBUTES bits that must be zero: 7:1 (TUD reserved), 27:8, 29, 62:32 (dcap-qvl TDAttributes::parse). */
const TD_ATTRIBUTES_RESERVED = ((): bigint => {
  let mask = 0n;
  for (let b = 1; b <= 27; b++) mask |= 1n << BigInt(b);
  mask |= 1n << 29n;
  for (let b = 32; b <= 62; b++) mask |= 1n << BigInt(b);
  return mask;
})();
/** TD_ATTRIBUTES.SEPT_VE_DISABLE (bit 28). */
const SEPT_VE_DISABLE = 1n << 28n;
/** SGX ATTRIBUTES.DEBUG: bit 1 of the flags (Intel SDM Vol. 3D, SECS.ATTRIBUTES). */
const SGX_ATTRIBUTE_DEBUG = 0x02;

interface Context {
  log: CheckLog;
  p: "tdx" | "sgx";
  now: Date;
  roots: IntelTrustRoot[];
  options: DcapVerifyOptions;
  usedRoots: IntelTrustRoot[];
}

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
    return {
      tee: expectTee ?? "tdx",
      valid: false,
      claims: {},
      tcbStatus: "Unknown",
      checks: log.checks,
      failures: log.failures,
    };
  }
}

function verifyQuoteUnsafe(
  input: Uint8Array,
  options: DcapVerifyOptions,
  expectTee: "tdx" | "sgx" | undefined,
): VerifyResult {
  const log = new CheckLog();
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    log.fail(`${expectTee ?? "dcap"}.options.now`, "a valid Date", String(options.now));
    return {
      tee: expectTee ?? "tdx",
      valid: false,
      claims: {},
      tcbStatus: "Unknown",
      checks: log.checks,
      failures: log.failures,
    };
  }
  let q: DcapQuote;
  try {
    q = parseDcapQuote(input);
  } catch (error) {
    const p = expectTee ?? "dcap";
    log.fail(
      `${p}.format`,
      "a well-formed DCAP quote (SGX v3, TDX v4/v5)",
      error instanceof DcapFormatError ? error.message : String(error),
    );
    return {
      tee: expectTee ?? "tdx",
      valid: false,
      claims: {},
      tcbStatus: "Unknown",
      checks: log.checks,
      failures: log.failures,
    };
  }
  log.pass(`${q.tee}.format`);
  let roots: IntelTrustRoot[];
  try {
    roots = intelTrustRoots(options.trust);
  } catch (error) {
    log.fail(`${q.tee}.trust`, "valid Intel root certificates (DER)", String(error));
    roots = [];
  }
  const ctx: Context = { log, p: q.tee, now, roots, options, usedRoots: [] };
  if (expectTee && expectTee !== q.tee) log.fail(`${expectTee}.tee_type`, expectTee, q.tee);

  checkHeader(ctx, q);
  const pck = checkSignatures(ctx, q);
  const tcb = checkCollateral(ctx, q, pck);
  checkWorkload(ctx, q);

  // One quote, one PKI: the PCK chain, collateral chains and CRLs must all end in the same root
  // (never a genuine quote judged by simulated collateral, or the reverse).
  const rootFingerprints = [...new Set(ctx.usedRoots.map((r) => r.fingerprint))];
  if (rootFingerprints.length > 1) {
    log.fail(
      `${q.tee}.trust.single_root`,
      "quote chain and collateral under one root",
      `${rootFingerprints.length} different roots`,
    );
  }
  const simulated = ctx.usedRoots.some((r) => !r.genuine);
  const claims =
    q.tee === "tdx" ? tdxClaims(q, q.body as TdReport) : sgxClaims(q, q.body as EnclaveReport, pck?.ext);
  Object.assign(claims, tcb.claims);
  if (simulated) claims["simulated"] = true;
  const result: VerifyResult = {
    tee: q.tee,
    valid: log.failures.length === 0,
    claims,
    tcbStatus: tcb.status,
    advisoryIds: tcb.advisoryIds,
    checks: log.checks,
    failures: log.failures,
  };
  if (simulated) result.simulated = true;
  return result;
}

function checkHeader(ctx: Context, q: DcapQuote): void {
  const { log, p } = ctx;
  // dcap-qvl verify_impl: SGX quotes are v3, TDX quotes v4 or v5.
  const versions = p === "tdx" ? [4, 5] : [3];
  log.expect(
    `${p}.header.version`,
    versions.includes(q.header.version),
    versions.join(" or "),
    String(q.header.version),
  );
  log.expect(
    `${p}.header.att_key_type`,
    q.header.attKeyType === ATT_KEY_TYPE_ECDSA_P256,
    "2 (ECDSA P-256)",
    String(q.header.attKeyType),
  );
  log.expect(
    `${p}.header.qe_vendor_id`,
    hex(q.header.qeVendorId) === INTEL_QE_VENDOR_ID,
    INTEL_QE_VENDOR_ID,
    hex(q.header.qeVendorId),
  );
  // Real quotes come in fixed buffers padded with zeros (research §4.3): only zero padding is accepted.
  log.expect(
    `${p}.trailing_bytes`,
    allZero(q.trailing),
    "only zero bytes after the quote",
    `${q.trailing.length} bytes, not all zero`,
  );
}

/** Intel PCK CA subject CNs: the PCK leaf must be issued by one of them, itself issued by the root (Intel PCK profile). */
const PCK_CA_NAMES = ["Intel SGX PCK Platform CA", "Intel SGX PCK Processor CA"];

function pckChainShape(certs: X509Certificate[], root: IntelTrustRoot): string | undefined {
  const ca = certs[1];
  if (!ca || !certs[0]!.checkIssued(ca)) return "the PCK certificate is not accompanied by its issuing CA";
  if (!hasIntelName(ca, PCK_CA_NAMES, root)) return `PCK issuer is "${commonName(ca)}"`;
  if (!ca.checkIssued(root.cert)) return "the PCK CA is not issued directly by the root";
  return undefined;
}

interface PckInfo {
  ext: PckExtensions;
  leaf: X509Certificate;
  issuer?: { cert: X509Certificate; der: Uint8Array };
}

function checkSignatures(ctx: Context, q: DcapQuote): PckInfo | undefined {
  const { log, p } = ctx;
  const cd = q.certification;
  let pck: PckInfo | undefined;
  if (
    log.expect(
      `${p}.pck.cert_data_type`,
      cd.pckCertDataType === CERT_DATA_PCK_CHAIN,
      "5 (PCK certificate chain)",
      String(cd.pckCertDataType),
    )
  ) {
    let ders: Uint8Array[] | undefined;
    try {
      ders = splitPemChain(cd.pckCertData);
    } catch (error) {
      log.fail(`${p}.pck.chain`, "a PEM PCK certificate chain", (error as Error).message);
    }
    if (ders) {
      const chain = verifyChain(ders, ctx.roots, ctx.now, "PCK certificate chain");
      if (
        log.expect(
          `${p}.pck.chain`,
          chain.ok,
          "PCK chain to a pinned Intel SGX root, valid now",
          chain.reason ?? "ok",
        )
      ) {
        ctx.usedRoots.push(chain.root!);
        const shape = pckChainShape(chain.certs, chain.root!);
        if (shape)
          log.fail(`${p}.pck.chain_shape`, "PCK leaf ← Intel SGX PCK Platform/Processor CA ← root", shape);
        try {
          const ext = parsePckExtensions(ders[0]!);
          pck = { ext, leaf: chain.certs[0]! };
          if (chain.certs.length > 1) pck.issuer = { cert: chain.certs[1]!, der: ders[1]! };
          log.pass(`${p}.pck.extensions`);
        } catch (error) {
          log.fail(
            `${p}.pck.extensions`,
            "Intel SGX extensions in the PCK certificate",
            (error as Error).message,
          );
        }
      }
    }
  }
  if (pck) {
    const ok = p1363Valid(cd.qeReport.raw, pck.leaf.publicKey, cd.qeReportSignature);
    log.expect(`${p}.qe_report.signature`, ok, "QE report signed by the PCK key", ok ? "valid" : "invalid");
  } else {
    log.fail(`${p}.qe_report.signature`, "QE report signed by the PCK key", "no verified PCK certificate");
  }
  // The QE vouches for the attestation key: REPORT_DATA = SHA-256(attestation key ‖ QE auth data) ‖ 32 zero bytes.
  const digest = createHash("sha256").update(q.attestationKey).update(cd.qeAuthData).digest();
  const rd = cd.qeReport.reportData;
  const bound = Buffer.compare(digest, Buffer.from(rd.subarray(0, 32))) === 0 && allZero(rd.subarray(32));
  log.expect(`${p}.qe_report.binding`, bound, `QE REPORT_DATA = ${digest.toString("hex")} ‖ 00…`, hex(rd));
  const attKey = p256Key(q.attestationKey);
  const sigOk = attKey !== undefined && p1363Valid(q.signedRegion, attKey, q.signature);
  log.expect(
    `${p}.quote.signature`,
    sigOk,
    "quote signed by the attestation key",
    attKey ? (sigOk ? "valid" : "invalid") : "attestation key is not a P-256 point",
  );
  return pck;
}

interface TcbOutcome {
  status: TcbStatus;
  advisoryIds: string[];
  claims: Record<string, unknown>;
}

function checkCollateral(ctx: Context, q: DcapQuote, pck: PckInfo | undefined): TcbOutcome {
  const { log, p, now } = ctx;
  const c = ctx.options.collateral;
  const missing = missingCollateral(c);
  if (missing.length > 0) {
    log.fail(
      `${p}.collateral.missing`,
      "tcbInfo, qeIdentity, rootCaCrl and pckCrl (with signatures and issuer chains)",
      `missing: ${missing.join(", ")}`,
    );
  }
  if (!c) return { status: "Unknown", advisoryIds: [], claims: {} };
  const shapeError = collateralShapeError(c);
  if (shapeError) {
    log.fail(
      `${p}.collateral.format`,
      "DcapCollateral: JSON texts and PEM chains as strings, CRLs as bytes",
      shapeError,
    );
    return { status: "Unknown", advisoryIds: [], claims: {} };
  }
  const v: VerifiedCollateral = verifyCollateral(c, p, ctx.roots, now, log, pck?.issuer);
  ctx.usedRoots.push(...v.roots);

  if (v.rootCrl) {
    const revoked = [
      ...(pck?.issuer ? [{ what: "PCK CA", serial: pck.issuer.cert.serialNumber }] : []),
      ...v.intermediateSerials,
    ].filter((s) => v.rootCrl!.revoked.has(normalizeSerial(s.serial)));
    log.expect(
      `${p}.collateral.ca_revocation`,
      revoked.length === 0,
      "no intermediate CA revoked by the root CA CRL",
      revoked.map((r) => `${r.what} ${r.serial}`).join(", "),
    );
  }
  if (v.pckCrl && pck) {
    const serial = pck.leaf.serialNumber;
    log.expect(
      `${p}.pck.revocation`,
      !v.pckCrl.revoked.has(normalizeSerial(serial)),
      "PCK certificate not on the PCK CRL",
      `serial ${serial} revoked`,
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
    const fmspc = hex(pck.ext.fmspc);
    const fmOk = log.expect(
      `${p}.tcb.fmspc`,
      fmspc === info.fmspc.toLowerCase(),
      info.fmspc.toLowerCase(),
      fmspc,
    );
    const pceId = hex(pck.ext.pceId);
    const peOk = log.expect(
      `${p}.tcb.pce_id`,
      pceId === info.pceId.toLowerCase(),
      info.pceId.toLowerCase(),
      pceId,
    );
    if (fmOk && peOk) {
      const td = q.tee === "tdx" ? (q.body as TdReport) : undefined;
      const base = { cpuSvnComponents: pck.ext.cpuSvnComponents, pceSvn: pck.ext.pceSvn };
      const tdInput = (teeTcbSvn: Uint8Array) => ({
        ...base,
        td: { teeTcbSvn, mrSignerSeam: td!.mrSignerSeam, seamAttributes: td!.seamAttributes },
      });
      launch = evaluatePlatform(info, td ? tdInput(td.teeTcbSvn) : base);
      if (launch.platformStatus) log.pass(`${p}.tcb.level`, launch.platformStatus);
      if (launch.moduleDetail) log.pass(`${p}.tdx_module.identity`, launch.moduleDetail);
      if (launch.unsupported) {
        const expected =
          launch.unsupported.check === "tcb.level"
            ? "a TCB level the platform meets"
            : "the TDX module matching a tcbInfo module identity";
        log.fail(`${p}.${launch.unsupported.check}`, expected, launch.unsupported.reason);
        evaluable = false;
      }
      tcbDate = launch.tcbDate;
      for (const a of launch.advisoryIds) advisory.add(a);
      // TD 1.5: the TCB the platform runs now (TEE_TCB_SVN2) decides whether a relaunch is advised.
      if (td?.teeTcbSvn2 && q.bodyType === BODY_TD_REPORT15 && !launch.unsupported) {
        current = evaluatePlatform(info, tdInput(td.teeTcbSvn2));
        if (current.unsupported) {
          log.fail(
            `${p}.tcb.current_level`,
            "TEE_TCB_SVN2 meeting a TCB level and module identity",
            current.unsupported.reason,
          );
          evaluable = false;
        } else {
          log.pass(`${p}.tcb.current_level`, current.platformStatus);
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
    const ev = evaluateQeIdentity(v.qeIdentity, qe);
    const matched = log.expect(
      `${p}.qe_identity.match`,
      ev.mismatches.length === 0,
      "QE matching the signed QE identity",
      `mismatch: ${ev.mismatches.join(", ")}`,
    );
    if (!matched) evaluable = false;
    if (ev.level) {
      log.pass(`${p}.qe_identity.tcb_level`, ev.level.tcbStatus);
      qeStatus = asTcbStatus(ev.level.tcbStatus);
      for (const a of ev.level.advisoryIDs) advisory.add(a);
    } else {
      log.fail(
        `${p}.qe_identity.tcb_level`,
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
      `${p}.tcb.status`,
      status !== "Revoked" && status !== "Unknown",
      "a TCB status other than Revoked",
      status,
    );
  }
  const advisoryIds = [...advisory].sort();
  const finalStatus = status ?? "Unknown";
  const supp: Parameters<typeof supplementalClaims>[0] = {
    tcbStatus: finalStatus,
    collateralExpired: !v.fresh || missing.length > 0,
    advisoryIds,
  };
  if (tcbDate) supp.tcbDate = tcbDate;
  if (v.issueDates.length) {
    supp.earliestIssueDate = new Date(Math.min(...v.issueDates.map((d) => d.getTime())));
    supp.latestIssueDate = new Date(Math.max(...v.issueDates.map((d) => d.getTime())));
  }
  if (v.expirationDates.length)
    supp.earliestExpirationDate = new Date(Math.min(...v.expirationDates.map((d) => d.getTime())));
  if (v.pckCrl?.crlNumber !== undefined) supp.pckCrlNum = v.pckCrl.crlNumber;
  if (v.rootCrl?.crlNumber !== undefined) supp.rootCaCrlNum = v.rootCrl.crlNumber;
  if (v.tcbInfo) supp.tcbEvalNum = v.tcbInfo.tcbEvaluationDataNumber;
  if (pck) supp.pck = pck.ext;
  const root = ctx.usedRoots[0];
  if (root) supp.rootKeyId = rootKeyId(root);
  return { status: finalStatus, advisoryIds, claims: supplementalClaims(supp) };
}

function checkWorkload(ctx: Context, q: DcapQuote): void {
  const { log, p, options } = ctx;
  let reportData: Uint8Array;
  if (q.body.kind === "sgx") {
    const debug = (q.body.attributes[0]! & SGX_ATTRIBUTE_DEBUG) !== 0;
    if (debug && options.allowDebug) log.pass(`${p}.debug`, "debug enclave allowed by options.allowDebug");
    else log.expect(`${p}.debug`, !debug, "a production enclave (ATTRIBUTES.DEBUG = 0)", "debug enclave");
    reportData = q.body.reportData;
  } else {
    const attrs = Buffer.from(q.body.tdAttributes).readBigUInt64LE(0);
    const debug = (attrs & 1n) === 1n;
    if (debug && options.allowDebug) log.pass(`${p}.debug`, "debug TD allowed by options.allowDebug");
    else log.expect(`${p}.debug`, !debug, "a production TD (TD_ATTRIBUTES.DEBUG = 0)", "debug TD");
    const reserved = attrs & TD_ATTRIBUTES_RESERVED;
    log.expect(
      `${p}.td_attributes.reserved`,
      reserved === 0n,
      "reserved TD_ATTRIBUTES bits zero",
      `0x${reserved.toString(16)}`,
    );
    if (options.requireSeptVeDisable) {
      log.expect(
        `${p}.td_attributes.sept_ve_disable`,
        (attrs & SEPT_VE_DISABLE) !== 0n,
        "SEPT_VE_DISABLE set",
        "not set",
      );
    }
    if (q.body.mrServiceTd && !options.allowMrServiceTd) {
      log.expect(
        `${p}.mr_service_td`,
        allZero(q.body.mrServiceTd),
        "MR_SERVICETD all zero (no service TD bound)",
        hex(q.body.mrServiceTd),
      );
    }
    reportData = q.body.reportData;
  }
  if (options.expectedReportData) {
    const want = Buffer.alloc(64);
    Buffer.from(options.expectedReportData).copy(want, 0, 0, 64);
    const ok = options.expectedReportData.length <= 64 && Buffer.compare(want, Buffer.from(reportData)) === 0;
    log.expect(`${p}.report_data`, ok, want.toString("hex"), hex(reportData));
  }
}
