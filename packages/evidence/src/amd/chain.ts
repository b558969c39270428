/**
 * Builds and checks VCEK → ASK → ARK or VLEK → ASVK → ARK. Roots come ONLY from the trust store: the genuine,
 * fingerprint-pinned AMD ARKs (unless `genuineRoots === false`) and any extra ARKs the operator passes in
 * `trust.amdRoots` (e.g. the simulator's). An ARK supplied with the evidence is never trusted for what it is;
 * intermediates may come from the evidence because they must still verify against a trusted ARK.
 */
import type { TrustAnchors } from "../types.ts";
import { parseAmdCertificate, type AmdCertificate } from "./cert.ts";
import { verifyIssued } from "./links.ts";
import { genuineAmdCas } from "./roots.ts";
import { productFromCaName, type SnpProduct } from "../snp/product.ts";

export type AmdKeyKind = "VCEK" | "VLEK";

export interface TrustedArk {
  ark: AmdCertificate;
  product: SnpProduct | undefined;
  genuine: boolean;
}

export interface AmdTrustStore {
  arks: TrustedArk[];
  /** Built-in intermediates (genuine ASK/ASVK) offered for chain building in addition to supplied ones. */
  intermediates: AmdCertificate[];
  /** Extra roots that could not be used (unreadable or not self-signed), with the reason. */
  rejectedRoots: string[];
}

const storeCache = new WeakMap<object, AmdTrustStore>();
/** The store for `trust === undefined` (genuine roots only), which depends on nothing but the pinned roots. */
let defaultStore: AmdTrustStore | undefined;

/** The trust store for one set of TrustAnchors (memoised per TrustAnchors object, and for no anchors at all). */
export function amdTrustStore(trust: TrustAnchors | undefined): AmdTrustStore {
  if (!trust && defaultStore) return defaultStore;
  if (trust && storeCache.has(trust)) return storeCache.get(trust)!;
  const store: AmdTrustStore = { arks: [], intermediates: [], rejectedRoots: [] };
  if (trust?.genuineRoots !== false) {
    for (const cas of genuineAmdCas()) {
      store.arks.push({ ark: cas.ark, product: cas.product, genuine: true });
      store.intermediates.push(cas.ask, cas.asvk);
    }
  }
  for (const [i, der] of (trust?.amdRoots ?? []).entries()) {
    let ark: AmdCertificate;
    try {
      ark = parseAmdCertificate(der);
    } catch {
      store.rejectedRoots.push(`amdRoots[${i}]: not a readable certificate`);
      continue;
    }
    if (store.arks.some((a) => a.ark.sha256 === ark.sha256)) continue;
    if (!ark.selfIssued || !verifyIssued(ark, ark)) {
      store.rejectedRoots.push(`amdRoots[${i}] (${ark.subjectCn}): not a self-signed root`);
      continue;
    }
    store.arks.push({ ark, product: productFromCaName(ark.subjectCn), genuine: false });
  }
  if (trust) storeCache.set(trust, store);
  else defaultStore = store;
  return store;
}

export type ChainOutcome =
  | {
      ok: true;
      leaf: AmdCertificate;
      intermediate: AmdCertificate;
      ark: AmdCertificate;
      genuine: boolean;
      product: SnpProduct | undefined;
    }
  | { ok: false; expected: string; actual: string };

/** Whether a CA common name is the right intermediate for the key kind: ASK "SEV-<P>" or ASVK "SEV-VLEK-<P>". */
export function intermediateMatchesKind(cn: string, kind: AmdKeyKind): boolean {
  return kind === "VLEK" ? /SEV-VLEK-[A-Za-z]+$/.test(cn) : /SEV-(?!VLEK-)[A-Za-z]+$/.test(cn);
}

/**
 * Find a path leaf → intermediate → trusted ARK. Signatures only; validity periods, CRLs and product checks are
 * the caller's separate, named checks.
 */
export function buildAmdChain(
  leaf: AmdCertificate,
  kind: AmdKeyKind,
  supplied: readonly AmdCertificate[],
  store: AmdTrustStore,
): ChainOutcome {
  // Supplied non-root certificates first, then the built-in intermediates; only those named as the leaf's issuer.
  const named: AmdCertificate[] = [];
  for (const c of supplied) if (!c.selfIssued && c.subject === leaf.issuer) named.push(c);
  for (const c of store.intermediates) if (c.subject === leaf.issuer) named.push(c);
  if (named.length === 0) {
    return {
      ok: false,
      expected: `an ${kind === "VLEK" ? "ASVK" : "ASK"} named "${leaf.issuerCn}" chaining to a trusted ARK`,
      actual: "no such intermediate (not supplied, not built in)",
    };
  }
  let lastProblem = "";
  for (const intermediate of named) {
    if (!intermediateMatchesKind(intermediate.subjectCn, kind)) {
      lastProblem = `${kind} issued by "${intermediate.subjectCn}", which is not an ${kind === "VLEK" ? "ASVK" : "ASK"}`;
      continue;
    }
    if (!verifyIssued(leaf, intermediate)) {
      lastProblem = `${kind} signature does not verify with "${intermediate.subjectCn}" (sha256 ${intermediate.sha256})`;
      continue;
    }
    for (const trusted of store.arks) {
      if (trusted.ark.subject === intermediate.issuer && verifyIssued(intermediate, trusted.ark)) {
        return {
          ok: true,
          leaf,
          intermediate,
          ark: trusted.ark,
          genuine: trusted.genuine,
          product: trusted.product ?? productFromCaName(intermediate.subjectCn),
        };
      }
    }
    const untrusted = supplied.find((c) => c.selfIssued && c.subject === intermediate.issuer);
    lastProblem = untrusted
      ? `"${intermediate.subjectCn}" chains to "${untrusted.subjectCn}" (sha256 ${untrusted.sha256}), which is not a trusted ARK`
      : `"${intermediate.subjectCn}" is not signed by any trusted ARK`;
  }
  return {
    ok: false,
    expected: `${kind} → ${kind === "VLEK" ? "ASVK" : "ASK"} → trusted ARK`,
    actual: lastProblem,
  };
}
