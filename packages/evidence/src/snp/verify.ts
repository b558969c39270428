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
import { parseAmdCertificate, parseAmdCertificates, type AmdCertificate } from "../amd/cert.ts";
import { amdTrustStore, buildAmdChain, type AmdKeyKind } from "../amd/chain.ts";
import { crlIssuedBy, parseAmdCrl, verifyCrlSignature, normalizeSerial, type AmdCrl } from "../amd/crl.ts";
import { readCachedCrl, readCachedVcek } from "../amd/kds.ts";
import { littleEndianToBigEndian, verifyEcdsaP1363 } from "../crypto/signatures.ts";
import { snpClaims } from "./claims.ts";
import type { SnpCollateral, SnpPolicyOptions } from "./options.ts";
import { productFromName, type SnpProduct } from "./product.ts";
import { parseSnpReport, SNP_SIGNED_LENGTH, type SnpReport } from "./report.ts";
import { formatTcb, tcbBelow, tcbDiffers } from "./tcb.ts";

export type SnpVerifyOptions = VerifyOptions & SnpPolicyOptions;

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Trustee's `regularize_data`: zero-pad to `size`, or truncate when longer. */
function regularize(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(data.subarray(0, size));
  return out;
}

function leafKind(cert: AmdCertificate): AmdKeyKind | undefined {
  if (/SEV-VCEK$/.test(cert.subjectCn)) return "VCEK";
  if (/SEV-VLEK$/.test(cert.subjectCn)) return "VLEK";
  return undefined;
}

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

/** CRLs from the collateral, plus the cached KDS CRL of this product and key kind when a cache dir is given. */
function crlsFrom(
  options: SnpVerifyOptions,
  product: SnpProduct | undefined,
  kind: AmdKeyKind,
): { crls: AmdCrl[]; unreadable: number } {
  const list: (Uint8Array | string)[] = [...((options.collateral as SnpCollateral | undefined)?.crls ?? [])];
  if (options.kdsCacheDir && product) {
    const cached = readCachedCrl(options.kdsCacheDir, product, kind === "VLEK" ? "vlek" : "vcek");
    if (cached) list.push(cached);
  }
  const crls: AmdCrl[] = [];
  let unreadable = 0;
  for (const item of list) {
    try {
      crls.push(parseAmdCrl(item));
    } catch {
      unreadable++;
    }
  }
  return { crls, unreadable };
}

export function verifySnp(reportBytes: Uint8Array, options: SnpVerifyOptions = {}): VerifyResult {
  const log = new CheckLog();
  const now = options.now ?? new Date();
  let report: SnpReport;
  try {
    report = parseSnpReport(reportBytes, options.product ? { product: options.product } : {});
  } catch (error) {
    log.fail(
      "snp.report.format",
      "a 1184-byte SEV-SNP report, version 2..5",
      error instanceof Error ? error.message : String(error),
    );
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

  // §8.6 structural rules.
  log.expect(
    "snp.report.reserved",
    report.reservedViolations.length === 0,
    "reserved fields zero, POLICY bit 17 set",
    report.reservedViolations.join("; "),
  );
  // SIGNATURE_ALGO 1 = ECDSA P-384 with SHA-384 (go-sev-guest abi.go `SignEcdsaP384Sha384`).
  log.expect(
    "snp.report.signature_algo",
    report.signatureAlgo === 1,
    "1 (ECDSA P-384 SHA-384)",
    String(report.signatureAlgo),
  );
  const kind = report.keyInfo.signingKey;
  const allowedSigners = options.allowedSigners ?? ["VCEK", "VLEK"];
  const signerOk = (kind === "VCEK" || kind === "VLEK") && allowedSigners.includes(kind);
  log.expect(
    "snp.report.signing_key",
    signerOk,
    allowedSigners.join(" or "),
    `${kind} (${report.keyInfo.signingKeyValue})`,
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
    log.expect(
      "snp.product",
      ok,
      options.product ?? "a known product (Milan, Genoa, Turin)",
      report.product ??
        `unknown CPUID family 0x${report.cpuid.family.toString(16)} model 0x${report.cpuid.model.toString(16)}`,
    );
  }

  // Certificates: parse everything supplied, pick the leaf of the report's key kind.
  const supplied: AmdCertificate[] = [];
  for (const [i, c] of (options.certificates ?? []).entries()) {
    try {
      // A PEM entry may be a bundle (e.g. VCEK + ASK + ARK, or a KDS cert_chain).
      const text = Buffer.from(c.subarray(0, 64)).toString("latin1");
      if (text.trimStart().startsWith("-----BEGIN"))
        supplied.push(...parseAmdCertificates(Buffer.from(c).toString("latin1")));
      else supplied.push(parseAmdCertificate(c));
    } catch (error) {
      log.fail(
        "snp.cert.parse",
        `certificates[${i}] a readable X.509 certificate`,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
  let leaf: AmdCertificate | undefined;
  if (kind === "VCEK" || kind === "VLEK") {
    const leaves = supplied.filter((c) => leafKind(c) === kind);
    leaf =
      leaves.find(
        (c) =>
          c.amd.hwId !== undefined && bytesEqual(c.amd.hwId, report.chipId.subarray(0, c.amd.hwId.length)),
      ) ?? leaves[0];
    if (!leaf && kind === "VCEK" && options.kdsCacheDir && report.product) {
      try {
        const der = readCachedVcek(options.kdsCacheDir, report.product, report.chipId, report.reportedTcb);
        if (der) leaf = parseAmdCertificate(der);
      } catch (error) {
        log.fail(
          "snp.cert.parse",
          "a readable cached VCEK",
          error instanceof Error ? error.message : String(error),
        );
      }
    }
  }
  // v2 reports carry no CPUID: take the line from the VCEK and re-decode with that product's TCB layout.
  if (leaf && report.product === undefined && leaf.amd.productName) {
    const fromCert = productFromName(leaf.amd.productName);
    if (fromCert) report = parseSnpReport(reportBytes, { product: fromCert });
  }
  const claims = snpClaims(report);

  let authentic = false;
  let tcbBound = true;
  let revoked = false;
  let simulated: boolean | undefined;
  if (
    !log.expect(
      "snp.cert.present",
      leaf !== undefined,
      `a ${kind} certificate (supplied or in the KDS cache)`,
      "none",
    )
  ) {
    tcbBound = false;
  } else if (leaf) {
    const store = amdTrustStore(options.trust);
    for (const problem of store.rejectedRoots) log.fail("snp.trust.roots", "usable extra ARK", problem);
    const chain = buildAmdChain(
      leaf,
      kind as AmdKeyKind,
      supplied.filter((c) => c !== leaf),
      store,
    );
    if (
      log.expect("snp.cert.chain", chain.ok, chain.ok ? "" : chain.expected, chain.ok ? "" : chain.actual) &&
      chain.ok
    ) {
      simulated = !chain.genuine;
      authentic = true;
      for (const cert of [chain.leaf, chain.intermediate, chain.ark]) {
        const inWindow =
          cert.notBefore.getTime() <= now.getTime() && now.getTime() <= cert.notAfter.getTime();
        if (!inWindow) {
          authentic = false;
          log.fail(
            "snp.cert.validity",
            `"${cert.subjectCn}" valid at ${now.toISOString()}`,
            `valid ${cert.notBefore.toISOString()}..${cert.notAfter.toISOString()}`,
          );
        }
      }
      if (authentic) log.pass("snp.cert.validity");
      // Product of the trust anchor must be the report's product, and the leaf's productName line too.
      const leafProduct = leaf.amd.productName ? productFromName(leaf.amd.productName) : undefined;
      const productOk =
        report.product !== undefined &&
        (chain.product === undefined || chain.product === report.product) &&
        (leafProduct === undefined || leafProduct === report.product);
      if (
        !log.expect(
          "snp.cert.product",
          productOk,
          `${report.product ?? "a known product"} throughout`,
          `report ${report.product ?? "?"}, ARK ${chain.product ?? "?"}, ${kind} productName ${leaf.amd.productName ?? "absent"}`,
        )
      )
        authentic = false;
      // CRLs: only those issued by this chain's ARK apply; each must verify and be current.
      const { crls, unreadable } = crlsFrom(options, chain.product, kind as AmdKeyKind);
      if (unreadable > 0) log.fail("snp.cert.crl", "readable CRLs", `${unreadable} unreadable CRL(s)`);
      const applicable = crls.filter((c) => crlIssuedBy(c, chain.ark));
      let crlOk = unreadable === 0;
      for (const crl of applicable) {
        if (!verifyCrlSignature(crl, chain.ark)) {
          crlOk = false;
          log.fail("snp.cert.crl", `CRL signed by "${chain.ark.subjectCn}"`, "signature does not verify");
          continue;
        }
        if (crl.thisUpdate > now || (crl.nextUpdate !== undefined && crl.nextUpdate < now)) {
          crlOk = false;
          log.fail(
            "snp.cert.crl",
            `CRL current at ${now.toISOString()}`,
            `thisUpdate ${crl.thisUpdate.toISOString()}, nextUpdate ${crl.nextUpdate?.toISOString() ?? "none"}`,
          );
        }
        for (const cert of [chain.intermediate, chain.leaf]) {
          if (crl.revoked.has(normalizeSerial(cert.serialNumber))) {
            revoked = true;
            log.fail(
              "snp.cert.revoked",
              `"${cert.subjectCn}" not revoked`,
              `serial ${cert.serialNumber} is on the CRL of "${chain.ark.subjectCn}"`,
            );
          }
        }
      }
      if (options.requireCrl && applicable.length === 0) {
        crlOk = false;
        log.fail("snp.cert.crl", `a CRL issued by "${chain.ark.subjectCn}"`, "none supplied");
      }
      if (crlOk && applicable.length > 0) log.pass("snp.cert.crl");
      if (revoked || !crlOk) authentic = false;
    } else {
      authentic = false;
    }

    // Extensions binding the key to this chip and TCB (evidence.md §2.3).
    if (
      !log.expect(
        "snp.cert.extensions",
        leaf.amd.malformed.length === 0,
        "well-formed AMD extensions",
        `malformed: ${leaf.amd.malformed.join(", ")}`,
      )
    )
      tcbBound = false;
    if (kind === "VCEK") {
      const hwId = leaf.amd.hwId;
      const expectedLength = report.product === "Turin" ? 8 : 64;
      const chipZero = report.chipId.every((b) => b === 0);
      const ok =
        hwId !== undefined &&
        !chipZero &&
        hwId.length === expectedLength &&
        bytesEqual(hwId, report.chipId.subarray(0, expectedLength));
      const actual =
        hwId === undefined
          ? "VCEK has no hwID"
          : chipZero
            ? "report CHIP_ID is masked (all zero)"
            : `hwID ${hex(hwId)} vs CHIP_ID ${hex(report.chipId.subarray(0, expectedLength))}`;
      if (!log.expect("snp.cert.hwid", ok, "VCEK hwID equal to CHIP_ID", actual)) tcbBound = false;
      if (
        !log.expect(
          "snp.cert.csp_id",
          leaf.amd.cspId === undefined,
          "no cspId on a VCEK",
          `cspId ${leaf.amd.cspId}`,
        )
      )
        tcbBound = false;
    } else {
      const ok = leaf.amd.cspId !== undefined && leaf.amd.hwId === undefined;
      if (
        !log.expect(
          "snp.cert.csp_id",
          ok,
          "VLEK with cspId and no hwID",
          `cspId ${leaf.amd.cspId ?? "absent"}, hwID ${leaf.amd.hwId ? "present" : "absent"}`,
        )
      )
        tcbBound = false;
    }
    const binding = compareCertTcb(leaf, report);
    if (
      !log.expect(
        "snp.cert.tcb",
        binding.ok,
        `${kind} TCB equal to REPORTED_TCB ${binding.reported}`,
        `${kind} TCB ${binding.cert}`,
      )
    ) {
      tcbBound = false;
    }

    // The report signature, over the bytes as received (0x000..0x29F).
    const r = littleEndianToBigEndian(report.signatureR, 48);
    const s = littleEndianToBigEndian(report.signatureS, 48);
    let sigOk = false;
    let sigProblem = "signature does not verify";
    if (!r || !s) sigProblem = "R or S has non-zero bytes above 48 (value ≥ 2^384)";
    else {
      try {
        sigOk = verifyEcdsaP1363(
          "P-384",
          "sha384",
          leaf.publicKey,
          Buffer.concat([r, s]),
          report.raw.subarray(0, SNP_SIGNED_LENGTH),
        );
      } catch (error) {
        sigProblem = error instanceof Error ? error.message : String(error);
      }
    }
    if (!log.expect("snp.signature", sigOk, `ECDSA P-384 SHA-384 signature by the ${kind}`, sigProblem))
      authentic = false;
  }

  // TCB policy (§8.12).
  const rep = report.reportedTcb;
  const cur = report.currentTcb;
  const aboveCurrent = tcbBelow(cur, {
    bootloader: rep.bootloader,
    tee: rep.tee,
    snp: rep.snp,
    microcode: rep.microcode,
    ...(rep.fmc !== undefined ? { fmc: rep.fmc } : {}),
  });
  if (
    !log.expect(
      "snp.tcb.reported_vs_current",
      aboveCurrent.length === 0,
      `REPORTED_TCB ≤ CURRENT_TCB`,
      `REPORTED ${formatTcb(rep)}, CURRENT ${formatTcb(cur)}`,
    )
  )
    tcbBound = false;
  const com = report.committedTcb;
  const committedOk = options.allowProvisionalFirmware
    ? tcbBelow(cur, { ...com }).length === 0
    : tcbDiffers(com, cur).length === 0;
  if (
    !log.expect(
      "snp.tcb.committed",
      committedOk,
      options.allowProvisionalFirmware
        ? "COMMITTED_TCB ≤ CURRENT_TCB"
        : "COMMITTED_TCB equal to CURRENT_TCB (no provisional firmware)",
      `COMMITTED ${formatTcb(com)}, CURRENT ${formatTcb(cur)}`,
    )
  )
    tcbBound = false;
  let outOfDate = false;
  if (options.minimumTcb) {
    const belowReported = tcbBelow(rep, options.minimumTcb);
    const belowLaunch = tcbBelow(report.launchTcb, options.minimumTcb);
    outOfDate = belowReported.length > 0 || belowLaunch.length > 0;
    log.expect(
      "snp.tcb.minimum",
      !outOfDate,
      `TCB ≥ ${JSON.stringify(options.minimumTcb)}`,
      `REPORTED ${formatTcb(rep)} (below in ${belowReported.join(",") || "none"}), LAUNCH ${formatTcb(report.launchTcb)} (below in ${belowLaunch.join(",") || "none"})`,
    );
  }

  // Guest policy (§8.13) and VMPL (§8.14).
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
    log.expect("snp.policy.abi", ok, `ABI ≥ ${m.major}.${m.minor}`, `${gp.abiMajor}.${gp.abiMinor}`);
  }
  const maxVmpl = options.maxVmpl ?? 0;
  log.expect("snp.vmpl", report.vmpl <= maxVmpl, `VMPL ≤ ${maxVmpl}`, String(report.vmpl));

  // Expected values.
  if (options.expectedReportData) {
    const e = options.expectedReportData;
    const ok = e.length <= 64 && bytesEqual(regularize(e, 64), report.reportData);
    log.expect("snp.report_data", ok, hex(e.length <= 64 ? regularize(e, 64) : e), hex(report.reportData));
  }
  if (options.expectedMeasurement) {
    log.expect(
      "snp.measurement",
      bytesEqual(options.expectedMeasurement, report.measurement),
      hex(options.expectedMeasurement),
      hex(report.measurement),
    );
  }
  if (options.expectedHostData) {
    const e = regularize(options.expectedHostData, 32);
    log.expect("snp.host_data", bytesEqual(e, report.hostData), hex(e), hex(report.hostData));
  }
  if (options.expectedIdKeyDigest) {
    log.expect(
      "snp.id_key_digest",
      bytesEqual(options.expectedIdKeyDigest, report.idKeyDigest),
      hex(options.expectedIdKeyDigest),
      hex(report.idKeyDigest),
    );
  }

  const tcbStatus = revoked
    ? "Revoked"
    : outOfDate
      ? "OutOfDate"
      : authentic && tcbBound
        ? "UpToDate"
        : "Unknown";
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
