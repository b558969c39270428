/**
 * One certificate-signature link, child signed by issuer. RSA-PSS-4096 verification is the expensive part of an
 * SNP chain, and its outcome depends only on the two DERs, so results are cached by (child hash, issuer hash):
 * verifying the same VCEK/ASK/ARK again does no RSA work (the benchmark verifies reports with chains cached).
 */
import type { AmdCertificate } from "./cert.ts";
import { BoundedCache } from "./cache.ts";

const links = new BoundedCache<string, boolean>(1024);

/** True when `issuer`'s subject names `child`'s issuer and issuer's key verifies child's signature. */
export function verifyIssued(child: AmdCertificate, issuer: AmdCertificate): boolean {
  if (child.issuer !== issuer.subject) return false;
  const key = `${child.sha256}:${issuer.sha256}`;
  const hit = links.get(key);
  if (hit !== undefined) return hit;
  let ok: boolean;
  try {
    ok = child.x509.verify(issuer.publicKey);
  } catch {
    ok = false; // an unsupported or malformed signature algorithm is a failed link, not a crash
  }
  links.set(key, ok);
  return ok;
}

/** For tests and benchmarks that want to measure uncached verification. */
export function clearLinkCache(): void {
  links.clear();
}
