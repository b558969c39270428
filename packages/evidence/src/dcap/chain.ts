/**
 * Certificate chains of the Intel DCAP PKI (PCK leaf → PCK CA → root; TCB signing → root; CRL
 * issuers), verified against the pinned roots only: a root or intermediate supplied with the
 * evidence is never trusted by itself (research §8 step 4). Verified chains are remembered in a
 * bounded cache keyed by their exact DER bytes, so repeated quotes from one platform skip the
 * ECDSA checks; validity dates and the presence of the root among the roots in force are still
 * checked on every call.
 */
import { createHash, type X509Certificate } from "node:crypto";
import type { IntelTrustRoot } from "../intel/roots.ts";
import { parseCertificates } from "./pck.ts";
import { BoundedCache, bytesListKey, IdentityMemo } from "./cache.ts";

export interface ChainResult {
  ok: boolean;
  /** Why the chain was rejected (for the failure's `actual`). */
  reason?: string;
  root?: IntelTrustRoot;
  certs: X509Certificate[];
}

interface CachedChain {
  rootFingerprint: string;
  notBefore: number;
  notAfter: number;
  certs: X509Certificate[];
}

const chainCache = new BoundedCache<CachedChain>(1024);

export function dcapChainCacheSize(): number {
  return chainCache.size;
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Verify `ders` (leaf first) up to one of `roots`. The chain may or may not include the root; when
 * it does, the included root must be byte-identical to a trusted one (a look-alike with the same DN
 * fails). Every certificate must be valid at `now`; every issuer must be a CA.
 *
 * `key` is `bytesListKey(ders)` when the caller already has it (`SplitChain.key`). The roots in
 * force are not part of the key: a cached chain records the root it was verified to, and is
 * reused only when that very root (by SHA-256 fingerprint) is among `roots`.
 */
export function verifyChain(
  ders: Uint8Array[],
  roots: IntelTrustRoot[],
  now: Date,
  what: string,
  key: string = bytesListKey(ders),
): ChainResult {
  const t = now.getTime();
  const cached = chainCache.get(key);
  if (cached) {
    const root = roots.find((r) => r.fingerprint === cached.rootFingerprint);
    if (root && t >= cached.notBefore && t <= cached.notAfter) return { ok: true, root, certs: cached.certs };
  }
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(ders, what);
  } catch (error) {
    return { ok: false, reason: (error as Error).message, certs: [] };
  }
  if (roots.length === 0) return { ok: false, reason: "no trusted Intel root configured", certs };
  // Drop a trailing self-signed certificate: it is accepted only if it is one of the pinned roots.
  let path = certs;
  let root: IntelTrustRoot | undefined;
  const last = certs[certs.length - 1]!;
  if (certs.length > 1 || last.checkIssued(last)) {
    if (last.checkIssued(last) && last.verify(last.publicKey)) {
      const fp = createHash("sha256").update(last.raw).digest("hex");
      root = roots.find((r) => r.fingerprint === fp);
      if (!root) return { ok: false, reason: `${what} ends in an untrusted root (SHA-256 ${fp})`, certs };
      path = certs.slice(0, -1);
    }
  }
  if (!root) {
    const top = path[path.length - 1]!;
    root = roots.find((r) => signedBy(top, r.cert));
    if (!root)
      return {
        ok: false,
        reason: `${what} does not chain to a trusted Intel root (top issuer: ${top.issuer.replace(/\n/g, ", ")})`,
        certs,
      };
  }
  for (let i = 0; i < path.length; i++) {
    const issuer = i + 1 < path.length ? path[i + 1]! : root.cert;
    if (!signedBy(path[i]!, issuer)) {
      return {
        ok: false,
        reason: `${what}: certificate ${i + 1} (${path[i]!.subject.replace(/\n/g, ", ")}) is not signed by its issuer`,
        certs,
      };
    }
    if (i + 1 < path.length && !path[i + 1]!.ca) {
      return { ok: false, reason: `${what}: issuer of certificate ${i + 1} is not a CA`, certs };
    }
  }
  let notBefore = root.cert.validFromDate.getTime();
  let notAfter = root.cert.validToDate.getTime();
  for (const c of path) {
    notBefore = Math.max(notBefore, c.validFromDate.getTime());
    notAfter = Math.min(notAfter, c.validToDate.getTime());
  }
  chainCache.set(key, { rootFingerprint: root.fingerprint, notBefore, notAfter, certs });
  if (t < notBefore || t > notAfter) {
    return {
      ok: false,
      reason: `${what} is not valid at ${now.toISOString()} (valid ${new Date(notBefore).toISOString()}..${new Date(notAfter).toISOString()})`,
      root,
      certs,
    };
  }
  return { ok: true, root, certs };
}

/** Outcomes of `chainShape` checks, per verified chain (the cached, never mutated `certs` array). */
const shapes = new IdentityMemo<X509Certificate[], Map<string, Map<string, string | null>>>();

/**
 * A profile check on a verified chain (which CA issued what, subject names), judged once per chain
 * and root: `check` may only read `certs` and `root`, which cannot change (a root is identified by
 * its SHA-256 fingerprint, and whether it is genuine follows from that fingerprint).
 * `kind` names the check. Returns the problem, or undefined when the chain has the required shape.
 */
export function chainShape(
  certs: X509Certificate[],
  root: IntelTrustRoot,
  kind: string,
  check: () => string | undefined,
): string | undefined {
  const byKind = shapes.getOrSet(certs, () => new Map<string, Map<string, string | null>>());
  let byRoot = byKind.get(kind);
  if (byRoot === undefined) {
    byRoot = new Map<string, string | null>();
    byKind.set(kind, byRoot);
  }
  let outcome = byRoot.get(root.fingerprint);
  if (outcome === undefined) {
    outcome = check() ?? null;
    byRoot.set(root.fingerprint, outcome);
  }
  return outcome ?? undefined;
}
