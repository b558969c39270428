/**
 * One certificate-signature link, child signed by issuer. RSA-PSS-4096 verification is the expensive part of an
 * SNP chain, and its outcome depends only on the two DERs, so results are cached by (child hash, issuer hash):
 * verifying the same VCEK/ASK/ARK again does no RSA work (the benchmark verifies reports with chains cached).
 */
import type { AmdCertificate } from "./cert.ts";
import { BoundedCache } from "./cache.ts";

/**
 * child SHA-256 → (issuer SHA-256 → verdict). Two levels rather than one "child:issuer" key so a lookup builds no
 * string per call; both levels are bounded (the inner one against many same-named issuers offered for one child).
 */
const links = new BoundedCache<string, BoundedCache<string, boolean>>(1024);
const ISSUERS_PER_CHILD = 16;

/** True when `issuer`'s subject names `child`'s issuer and issuer's key verifies child's signature. */
export function verifyIssued(child: AmdCertificate, issuer: AmdCertificate): boolean {
  if (child.issuer !== issuer.subject) return false;
  let byIssuer = links.get(child.sha256);
  const hit = byIssuer?.get(issuer.sha256);
  if (hit !== undefined) return hit;
  let ok: boolean;
  try {
    ok = child.x509.verify(issuer.publicKey);
  } catch {
    ok = false; // an unsupported or malformed signature algorithm is a failed link, not a crash
  }
  if (!byIssuer) {
    byIssuer = new BoundedCache<string, boolean>(ISSUERS_PER_CHILD);
    links.set(child.sha256, byIssuer);
  }
  byIssuer.set(issuer.sha256, ok);
  return ok;
}

/** For tests and benchmarks that want to measure uncached verification. */
export function clearLinkCache(): void {
  links.clear();
}
