/**
 * Chain verification for crypto.x509.parse_and_verify_certificates, following OPA's setup
 * (v1/topdown/crypto.go verifyX509CertificateChain): the first certificate is the trusted root, the
 * last the leaf, the rest intermediates; Go's Certificate.Verify then builds a chain leaf → root.
 * Checked here as Go does: signatures, validity at the current time, CA basic constraints on issuers,
 * extended key usage (default: server auth, RFC 5280 §4.2.1.12 as Go applies it), and the DNS name.
 */
import { X509Certificate } from "node:crypto";
import type { ParsedCertificate } from "./certificate.ts";

export interface VerifyOptions {
  dnsName: string;
  /** Verification time in ms since the epoch. */
  nowMs: number;
  /** Requested ExtKeyUsage constants; empty means [ServerAuth] (Go's default). */
  keyUsages: number[];
}

const EKU_ANY = 0;
const EKU_SERVER_AUTH = 1;

function ekuAllows(cert: ParsedCertificate, wanted: number[]): boolean {
  if (wanted.includes(EKU_ANY)) return true;
  if (cert.extKeyUsage === undefined) return true; // no EKU extension: unrestricted
  if (cert.extKeyUsage.includes(EKU_ANY)) return true;
  return wanted.some((w) => cert.extKeyUsage!.includes(w));
}

function validAt(cert: ParsedCertificate, nowMs: number): boolean {
  return Date.parse(cert.notBefore) <= nowMs && nowMs <= Date.parse(cert.notAfter);
}

function matchesDNS(x: X509Certificate, name: string): boolean {
  return x.checkHost(name, { subject: "never" }) !== undefined;
}

/** Returns the verified chain (leaf first), or undefined if no valid chain exists. */
export function verifyChain(
  certs: ParsedCertificate[],
  opts: VerifyOptions,
): ParsedCertificate[] | undefined {
  if (certs.length < 2) return undefined;
  const x509 = new Map<ParsedCertificate, X509Certificate>(certs.map((c) => [c, new X509Certificate(c.der)]));
  const root = certs[0]!;
  const intermediates = certs.slice(1, -1);
  const leaf = certs[certs.length - 1]!;
  const wanted = opts.keyUsages.length ? opts.keyUsages : [EKU_SERVER_AUTH];
  if (opts.dnsName !== "" && !matchesDNS(x509.get(leaf)!, opts.dnsName)) return undefined;

  const issuedBy = (child: ParsedCertificate, parent: ParsedCertificate): boolean => {
    if (!child.rawIssuer.equals(parent.rawSubject)) return false;
    // Issuers must be CAs (RFC 5280 §4.2.1.9); Go accepts v1 roots without basic constraints.
    if (!(parent.basicConstraintsValid && parent.isCA) && !(parent === root && parent.version === 1))
      return false;
    try {
      return x509.get(child)!.verify(x509.get(parent)!.publicKey);
    } catch {
      return false;
    }
  };

  const search = (cert: ParsedCertificate, chain: ParsedCertificate[]): ParsedCertificate[] | undefined => {
    if (!validAt(cert, opts.nowMs) || !ekuAllows(cert, wanted)) return undefined;
    if (cert === root) return chain;
    if (issuedBy(cert, root) && validAt(root, opts.nowMs) && ekuAllows(root, wanted)) return [...chain, root];
    for (const parent of intermediates) {
      if (chain.includes(parent) || !issuedBy(cert, parent)) continue;
      const found = search(parent, [...chain, parent]);
      if (found) return found;
    }
    return undefined;
  };
  return search(leaf, [leaf]);
}
