/**
 * Authenticity of the signing key: chain to a trusted ARK, validity periods, product agreement, and AMD CRLs
 * (§8 step 9; F15–F18).
 */
import type { CheckLog } from "../../types.ts";
import type { AmdCertificate } from "../../amd/cert.ts";
import { amdTrustStore, buildAmdChain, type AmdKeyKind } from "../../amd/chain.ts";
import { productFromName } from "../product.ts";
import type { SnpReport } from "../report.ts";
import type { SnpVerifyOptions } from "../verify.ts";
import { checkRevocation } from "./revocation.ts";
import { expectLazy } from "./util.ts";

export interface ChainVerdict {
  /** Chain, validity, product and revocation all passed. */
  authentic: boolean;
  revoked: boolean;
  /** Defined when the chain was built: true when it ends in a non-genuine (extra) root. */
  simulated: boolean | undefined;
}

export function checkChain(
  log: CheckLog,
  report: SnpReport,
  leaf: AmdCertificate,
  kind: AmdKeyKind,
  supplied: readonly AmdCertificate[],
  options: SnpVerifyOptions,
  now: Date,
): ChainVerdict {
  const store = amdTrustStore(options.trust);
  for (const problem of store.rejectedRoots) log.fail("snp.trust.roots", "usable extra ARK", problem);
  const chain = buildAmdChain(
    leaf,
    kind,
    supplied.filter((c) => c !== leaf),
    store,
  );
  if (!chain.ok) {
    log.fail("snp.cert.chain", chain.expected, chain.actual);
    return { authentic: false, revoked: false, simulated: undefined };
  }
  log.pass("snp.cert.chain", `${chain.ark.subjectCn}${chain.genuine ? "" : " (extra, non-genuine root)"}`);
  let authentic = true;

  for (const cert of [chain.leaf, chain.intermediate, chain.ark]) {
    if (cert.notBefore.getTime() > now.getTime() || now.getTime() > cert.notAfter.getTime()) {
      authentic = false;
      log.fail(
        "snp.cert.validity",
        `"${cert.subjectCn}" valid at ${now.toISOString()}`,
        `valid ${cert.notBefore.toISOString()}..${cert.notAfter.toISOString()}`,
      );
    }
  }
  if (authentic) log.pass("snp.cert.validity");

  // The trust anchor's product and the leaf's productName line must both be the report's product (§2.3 item 4).
  const leafProduct = leaf.amd.productName ? productFromName(leaf.amd.productName) : undefined;
  const productOk =
    report.product !== undefined &&
    (chain.product === undefined || chain.product === report.product) &&
    (leafProduct === undefined || leafProduct === report.product);
  if (
    !expectLazy(
      log,
      "snp.cert.product",
      productOk,
      () => `${report.product ?? "a known product"} throughout`,
      () =>
        `report ${report.product ?? "?"}, ARK ${chain.product ?? "?"}, ${kind} productName ${leaf.amd.productName ?? "absent"}`,
    )
  ) {
    authentic = false;
  }

  const revocation = checkRevocation(log, chain, kind, options, now);
  if (!revocation.ok) authentic = false;
  return { authentic, revoked: revocation.revoked, simulated: !chain.genuine };
}
