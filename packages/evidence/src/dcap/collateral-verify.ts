/**
 * Authenticity and freshness of Intel collateral: TCB info and QE identity signatures over the exact
 * JSON bytes, their issuer chains to the pinned root, issueDate ≤ now ≤ nextUpdate, and the CRLs
 * (root CA CRL signed by the root, PCK CRL signed by the PCK CA) fresh and correctly signed
 * (research §4.5 steps 0–3, §8 step 20). Signature checks and parses are cached by the exact signed
 * text / bytes (cache.ts); freshness is judged against `now` on every call.
 */
import { verify as cryptoVerify, type X509Certificate } from "node:crypto";
import type { CheckLog } from "../types.ts";
import type { IntelTrustRoot } from "../intel/roots.ts";
import { chainShape, verifyChain } from "./chain.ts";
import { BoundedCache } from "./cache.ts";
import type { DcapCollateral } from "./collateral.ts";
import { crlSignedBy, parseCrl, type ParsedCrl } from "./crl.ts";
import { DcapFormatError } from "./errors.ts";
import { splitPemTextCached, type SplitChain } from "./pck.ts";
import { parseEnclaveIdentity, parseTcbInfo, type EnclaveIdentity, type TcbInfo } from "./tcb-info.ts";
import { namesOf } from "./check-names.ts";

/**
 * Verdicts of collateral signatures, keyed by the signed text itself. An entry answers only for the
 * same signature hex and the same signer certificate object (X509Certificate is immutable, and the
 * chain cache hands out the same object for the same chain bytes); anything else is re-verified.
 */
const signatureCache = new BoundedCache<{ signatureHex: string; signer: X509Certificate; ok: boolean }>(1024);

/** A parsed collateral document with its issue / next-update dates, parsed once per exact text. */
interface ParsedDocument<T> {
  doc: T;
  issue: Date | undefined;
  next: Date | undefined;
}
const tcbInfoCache = new BoundedCache<ParsedDocument<TcbInfo>>(256);
const identityCache = new BoundedCache<ParsedDocument<EnclaveIdentity>>(64);

function parsedDocument<T extends { issueDate: string; nextUpdate: string }>(doc: T): ParsedDocument<T> {
  return { doc, issue: parseDate(doc.issueDate), next: parseDate(doc.nextUpdate) };
}

/** ECDSA P-256 / SHA-256 over `text` with a raw r‖s hex signature (Intel PCS format); cached by content. */
function jsonSignatureValid(text: string, signatureHex: string, signer: X509Certificate): boolean {
  const known = signatureCache.get(text);
  if (known && known.signatureHex === signatureHex && known.signer === signer) return known.ok;
  const ok = checkJsonSignature(text, signatureHex, signer);
  signatureCache.set(text, { signatureHex, signer, ok });
  return ok;
}

function checkJsonSignature(text: string, signatureHex: string, signer: X509Certificate): boolean {
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  try {
    return cryptoVerify(
      "sha256",
      Buffer.from(text, "utf8"),
      { key: signer.publicKey, dsaEncoding: "ieee-p1363" },
      Buffer.from(signatureHex, "hex"),
    );
  } catch {
    return false;
  }
}

export interface VerifiedCollateral {
  tcbInfo?: TcbInfo;
  qeIdentity?: EnclaveIdentity;
  rootCrl?: ParsedCrl;
  pckCrl?: ParsedCrl;
  /** Roots the collateral chains ended in (to detect simulated collateral). */
  roots: IntelTrustRoot[];
  /** Every issue/expiry date seen, in epoch ms (Trustee's earliest/latest issue and expiration claims). */
  issueDates: number[];
  expirationDates: number[];
  /** True when every piece was fresh at `now` (Trustee's collateral_expiration_status "0"). */
  fresh: boolean;
  /** The CA certificates collateral was signed with (their serials are checked against the root CRL). */
  intermediates: { what: string; cert: X509Certificate }[];
}

function parseDate(s: string): Date | undefined {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function freshness(
  log: CheckLog,
  check: string,
  issue: Date | undefined,
  next: Date | undefined,
  now: Date,
  out: VerifiedCollateral,
): void {
  if (issue) out.issueDates.push(issue.getTime());
  if (next) out.expirationDates.push(next.getTime());
  const ok =
    issue !== undefined &&
    next !== undefined &&
    issue.getTime() <= now.getTime() &&
    now.getTime() <= next.getTime();
  if (ok) {
    log.pass(check);
    return;
  }
  // Messages are formatted only on failure: date formatting is a measurable share of a warm verification.
  out.fresh = false;
  log.fail(
    check,
    `issued ≤ ${now.toISOString()} ≤ next update`,
    `${issue?.toISOString() ?? "no issue date"} .. ${next?.toISOString() ?? "no next update"}`,
  );
}

function signerOf(
  chainPem: string,
  roots: IntelTrustRoot[],
  now: Date,
  what: string,
  log: CheckLog,
  check: string,
  out: VerifiedCollateral,
): X509Certificate | undefined {
  let split: SplitChain;
  try {
    split = splitPemTextCached(chainPem, what);
  } catch (error) {
    log.fail(
      check,
      `${what} as a PEM chain`,
      error instanceof DcapFormatError ? error.message : String(error),
    );
    return undefined;
  }
  const chain = verifyChain(split.ders, roots, now, what, split.key);
  const leaf = chain.certs[0];
  const shape =
    chain.ok && leaf
      ? chainShape(chain.certs, chain.root!, what, () => tcbSigningShape(leaf, chain.root!, what))
      : undefined;
  if (
    !log.expect(
      check,
      chain.ok && shape === undefined,
      `${what} chaining to a pinned Intel root and valid now`,
      chain.reason ?? shape ?? "ok",
    )
  ) {
    return undefined;
  }
  out.roots.push(chain.root!);
  out.intermediates.push({ what, cert: leaf! });
  return leaf;
}

/**
 * Only Intel's TCB signing key may sign TCB info and QE identities: a certificate issued directly by
 * the root with CN "Intel SGX TCB Signing" (Intel QVL checks the subject). Without this, any PCK
 * key (held by every platform) could sign forged collateral under a valid chain.
 */
function tcbSigningShape(leaf: X509Certificate, root: IntelTrustRoot, what: string): string | undefined {
  if (!hasIntelName(leaf, [TCB_SIGNING_CN], root))
    return `${what} is signed by "${commonName(leaf)}", not "${TCB_SIGNING_CN}"`;
  if (!leaf.checkIssued(root.cert))
    return `${what}: the TCB signing certificate is not issued directly by the root`;
  return undefined;
}

/** Intel SGX TCB Signing certificate subject CN (Intel PCS API: TCB-Info-Issuer-Chain). */
const TCB_SIGNING_CN = "Intel SGX TCB Signing";

/**
 * True when the certificate's CN is one of Intel's `names`. Under a simulated (non-genuine) root the
 * simulator's "SIMULATED <Intel name>" convention is accepted too; under Intel's root only the exact name.
 */
export function hasIntelName(cert: X509Certificate, names: string[], root: IntelTrustRoot): boolean {
  const cn = commonName(cert);
  return names.some((n) => cn === n || (!root.genuine && cn === `SIMULATED ${n}`));
}

export function commonName(cert: X509Certificate): string {
  const line = cert.subject.split("\n").find((l) => l.startsWith("CN="));
  return line ? line.slice(3) : "";
}

/**
 * Verify the collateral for a quote of `tee`. `pckIssuer` is the PCK CA from the (already verified)
 * quote chain: the PCK CRL must be signed by it. Every check is logged under `${tee}.collateral.*`.
 */
export function verifyCollateral(
  c: DcapCollateral,
  tee: "tdx" | "sgx",
  roots: IntelTrustRoot[],
  now: Date,
  log: CheckLog,
  pckIssuer: { cert: X509Certificate; der: Uint8Array } | undefined,
): VerifiedCollateral {
  const out: VerifiedCollateral = {
    roots: [],
    issueDates: [],
    expirationDates: [],
    fresh: true,
    intermediates: [],
  };
  const n = namesOf(tee);

  if (c.tcbInfo && c.tcbInfoSignature && c.tcbInfoIssuerChain) {
    const signer = signerOf(
      c.tcbInfoIssuerChain,
      roots,
      now,
      "TCB info issuer chain",
      log,
      n["collateral.tcb_info.chain"],
      out,
    );
    if (signer) {
      const sigOk = jsonSignatureValid(c.tcbInfo, c.tcbInfoSignature, signer);
      if (
        log.expect(
          n["collateral.tcb_info.signature"],
          sigOk,
          "ECDSA P-256 signature by the TCB signing key over the exact tcbInfo bytes",
          sigOk ? "valid" : "invalid",
        )
      ) {
        try {
          const parsed = tcbInfoCache.getOrSet(c.tcbInfo, () => parsedDocument(parseTcbInfo(c.tcbInfo!)));
          const info = parsed.doc;
          // TDX tcbInfo must say "TDX" (version ≥ 3); SGX tcbInfo "SGX" (or no id in v2) (dcap-qvl verify.rs).
          const idOk =
            tee === "tdx" ? info.id === "TDX" && info.version >= 3 : info.id === "SGX" && info.version >= 2;
          if (
            log.expect(
              n["collateral.tcb_info.id"],
              idOk,
              tee === "tdx" ? "id TDX, version ≥ 3" : "id SGX, version ≥ 2",
              `id ${info.id}, version ${info.version}`,
            )
          ) {
            out.tcbInfo = info;
          }
          freshness(log, n["collateral.tcb_info.freshness"], parsed.issue, parsed.next, now, out);
        } catch (error) {
          log.fail(n["collateral.tcb_info.format"], "a well-formed tcbInfo", (error as Error).message);
        }
      }
    }
  }

  if (c.qeIdentity && c.qeIdentitySignature && c.qeIdentityIssuerChain) {
    const signer = signerOf(
      c.qeIdentityIssuerChain,
      roots,
      now,
      "QE identity issuer chain",
      log,
      n["collateral.qe_identity.chain"],
      out,
    );
    if (signer) {
      const sigOk = jsonSignatureValid(c.qeIdentity, c.qeIdentitySignature, signer);
      if (
        log.expect(
          n["collateral.qe_identity.signature"],
          sigOk,
          "ECDSA P-256 signature over the exact enclaveIdentity bytes",
          sigOk ? "valid" : "invalid",
        )
      ) {
        try {
          const parsed = identityCache.getOrSet(c.qeIdentity, () =>
            parsedDocument(parseEnclaveIdentity(c.qeIdentity!)),
          );
          const id = parsed.doc;
          const want = tee === "tdx" ? "TD_QE" : "QE";
          if (log.expect(n["collateral.qe_identity.id"], id.id === want, want, id.id)) out.qeIdentity = id;
          freshness(log, n["collateral.qe_identity.freshness"], parsed.issue, parsed.next, now, out);
        } catch (error) {
          log.fail(
            n["collateral.qe_identity.format"],
            "a well-formed enclaveIdentity",
            (error as Error).message,
          );
        }
      }
    }
  }

  if (c.rootCaCrl) {
    try {
      const crl = parseCrl(c.rootCaCrl, "root CA CRL");
      // The root CRL must be signed by a pinned root (the one the PCK chain ends in, or any pinned one).
      const signer = roots.find((r) => crlSignedBy(crl, r.cert));
      if (
        log.expect(
          n["collateral.root_crl.signature"],
          signer !== undefined,
          "root CA CRL signed by a pinned Intel root",
          signer ? "valid" : "not signed by a pinned root",
        )
      ) {
        out.rootCrl = crl;
        out.roots.push(signer!);
        freshness(log, n["collateral.root_crl.freshness"], crl.thisUpdate, crl.nextUpdate, now, out);
      }
    } catch (error) {
      log.fail(n["collateral.root_crl.format"], "a DER X.509 CRL", (error as Error).message);
    }
  }

  if (c.pckCrl) {
    try {
      const crl = parseCrl(c.pckCrl, "PCK CRL");
      const ok = pckIssuer !== undefined && crlSignedBy(crl, pckIssuer.cert);
      if (
        log.expect(
          n["collateral.pck_crl.signature"],
          ok,
          "PCK CRL signed by the PCK CA that issued the quote's PCK certificate",
          ok ? "valid" : "signed by another issuer or invalid",
        )
      ) {
        out.pckCrl = crl;
        freshness(log, n["collateral.pck_crl.freshness"], crl.thisUpdate, crl.nextUpdate, now, out);
      }
    } catch (error) {
      log.fail(n["collateral.pck_crl.format"], "a DER X.509 CRL", (error as Error).message);
    }
  }
  return out;
}
