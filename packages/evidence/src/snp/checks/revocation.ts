/**
 * AMD CRLs (F18): only CRLs issued by the chain's ARK apply; each must verify with that ARK and be current; a
 * listed ASK/ASVK or VCEK/VLEK serial is a revocation. Sources: `collateral.crls` and, with `kdsCacheDir`, the
 * cached KDS CRL of the product.
 */
import type { CheckLog } from "../../types.ts";
import type { AmdCertificate } from "../../amd/cert.ts";
import type { AmdKeyKind } from "../../amd/chain.ts";
import { crlIssuedBy, normalizeSerial, parseAmdCrl, verifyCrlSignature, type AmdCrl } from "../../amd/crl.ts";
import { readCachedCrl } from "../../amd/kds.ts";
import type { SnpCollateral } from "../options.ts";
import type { SnpProduct } from "../product.ts";
import type { SnpVerifyOptions } from "../verify.ts";

interface BuiltChain {
  leaf: AmdCertificate;
  intermediate: AmdCertificate;
  ark: AmdCertificate;
  product: SnpProduct | undefined;
}

function collectCrls(
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

export function checkRevocation(
  log: CheckLog,
  chain: BuiltChain,
  kind: AmdKeyKind,
  options: SnpVerifyOptions,
  now: Date,
): { ok: boolean; revoked: boolean } {
  const { crls, unreadable } = collectCrls(options, chain.product, kind);
  let ok = unreadable === 0;
  let revoked = false;
  if (unreadable > 0) log.fail("snp.cert.crl", "readable CRLs", `${unreadable} unreadable CRL(s)`);
  const applicable = crls.filter((c) => crlIssuedBy(c, chain.ark));
  for (const crl of applicable) {
    if (!verifyCrlSignature(crl, chain.ark)) {
      ok = false;
      log.fail("snp.cert.crl", `CRL signed by "${chain.ark.subjectCn}"`, "signature does not verify");
      continue;
    }
    if (crl.thisUpdate > now || (crl.nextUpdate !== undefined && crl.nextUpdate < now)) {
      ok = false;
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
    ok = false;
    log.fail("snp.cert.crl", `a CRL issued by "${chain.ark.subjectCn}"`, "none supplied");
  }
  if (ok && applicable.length > 0) log.pass("snp.cert.crl");
  return { ok: ok && !revoked, revoked };
}
