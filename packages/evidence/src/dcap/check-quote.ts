/**
 * Quote-level checks: header, trailing bytes, the PCK chain and its shape, the QE report signature,
 * the attestation-key binding and the quote signature (research §4.5 steps 1, 4–6, 8; §8 steps 15–19).
 */
import { createHash, createPublicKey, type KeyObject, type X509Certificate } from "node:crypto";
import type { IntelTrustRoot } from "../intel/roots.ts";
import { BoundedCache, BytesCache, bufferView, bytesKey, registerClearable } from "./cache.ts";
import { chainShape, verifyChain } from "./chain.ts";
import { verifyP256Sha256Der } from "./ecdsa.ts";
import { commonName, hasIntelName } from "./collateral-verify.ts";
import { allZero, hex, type Context, type PckInfo } from "./context.ts";
import { leafExtensions, splitPemChainCached, type SplitChain } from "./pck.ts";
import type { PreparedQuote } from "./prepared-quote.ts";
import { ATT_KEY_TYPE_ECDSA_P256, CERT_DATA_PCK_CHAIN, INTEL_QE_VENDOR_ID } from "./quote.ts";
import { namesOf } from "./check-names.ts";

/**
 * Imported attestation keys by their exact 64 bytes. Importing a P-256 point (OpenSSL decodes and
 * validates it) costs about as much as one ECDSA verify, and a QE keeps its attestation key across
 * quotes, so a warm verifier would otherwise spend a third of its time re-importing the same key.
 */
const attestationKeyCache = new BytesCache<KeyObject | null>(4096);

/** Raw P-256 x‖y (64 bytes, as in quotes) to a public key; undefined when it is not a curve point. */
function p256Key(xy: Uint8Array): KeyObject | undefined {
  return attestationKeyCache.getOrSet(xy, importP256) ?? undefined;
}

function importP256(xy: Uint8Array): KeyObject | null {
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
    return null;
  }
}

/**
 * Attestation key bindings found to hold, keyed by the exact bytes hashed and compared (length-
 * prefixed): the QE report, and with it the binding, is the same for every quote under one key.
 */
const boundKeys = new BoundedCache<true>(4096);

/** The inputs of the binding last found to hold (private copies), compared first: one platform, one QE report. */
let lastBound: { attKey: Buffer; authData: Buffer; reportData: Buffer } | undefined;
registerClearable(() => {
  lastBound = undefined;
});

function attestationKeyBound(attKey: Uint8Array, authData: Uint8Array, reportData: Uint8Array): boolean {
  const last = lastBound;
  if (
    last !== undefined &&
    last.attKey.equals(attKey) &&
    last.authData.equals(authData) &&
    last.reportData.equals(reportData)
  )
    return true;
  const key =
    `${attKey.length},${authData.length},${reportData.length}:` +
    bytesKey(attKey) +
    bytesKey(authData) +
    bytesKey(reportData);
  let bound = boundKeys.get(key) === true;
  if (!bound) {
    const digest = createHash("sha256").update(attKey).update(authData).digest();
    bound = digest.equals(bufferView(reportData.subarray(0, 32))) && allZero(reportData.subarray(32));
    if (bound) boundKeys.set(key, true);
  }
  if (bound)
    lastBound = {
      attKey: Buffer.from(attKey),
      authData: Buffer.from(authData),
      reportData: Buffer.from(reportData),
    };
  return bound;
}

/** The quote's PEM chain split into DERs, or the reason it cannot be (re-reported on every verification). */
function splitOrError(pem: Uint8Array): SplitChain | { error: string } {
  try {
    return splitPemChainCached(pem);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function checkHeader(ctx: Context, prepared: PreparedQuote): void {
  const { log, p } = ctx;
  const q = prepared.q;
  // dcap-qvl verify_impl: SGX quotes are v3, TDX quotes v4 or v5.
  const versions = p === "tdx" ? [4, 5] : [3];
  log.expect(
    namesOf(p)["header.version"],
    versions.includes(q.header.version),
    versions.join(" or "),
    String(q.header.version),
  );
  log.expect(
    namesOf(p)["header.att_key_type"],
    q.header.attKeyType === ATT_KEY_TYPE_ECDSA_P256,
    "2 (ECDSA P-256)",
    String(q.header.attKeyType),
  );
  if (prepared.intelVendor) log.pass(namesOf(p)["header.qe_vendor_id"]);
  else log.fail(namesOf(p)["header.qe_vendor_id"], INTEL_QE_VENDOR_ID, hex(q.header.qeVendorId));
  // Real quotes come in fixed buffers padded with zeros (research §4.3): only zero padding is accepted.
  log.expect(
    namesOf(p)["trailing_bytes"],
    prepared.trailingZero,
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

export function checkSignatures(ctx: Context, prepared: PreparedQuote): PckInfo | undefined {
  const { log, p } = ctx;
  const q = prepared.q;
  const cd = q.certification;
  let pck: PckInfo | undefined;
  if (
    log.expect(
      namesOf(p)["pck.cert_data_type"],
      cd.pckCertDataType === CERT_DATA_PCK_CHAIN,
      "5 (PCK certificate chain)",
      String(cd.pckCertDataType),
    )
  ) {
    const split = splitOrError(cd.pckCertData);
    if ("error" in split) {
      log.fail(namesOf(p)["pck.chain"], "a PEM PCK certificate chain", split.error);
    } else {
      const ders = split.ders;
      const chain = verifyChain(ders, ctx.roots, ctx.now, "PCK certificate chain", split.key);
      if (
        log.expect(
          namesOf(p)["pck.chain"],
          chain.ok,
          "PCK chain to a pinned Intel SGX root, valid now",
          chain.reason ?? "ok",
        )
      ) {
        ctx.usedRoots.push(chain.root!);
        const root = chain.root!;
        const shape = chainShape(chain.certs, root, "pck", () => pckChainShape(chain.certs, root));
        if (shape)
          log.fail(
            namesOf(p)["pck.chain_shape"],
            "PCK leaf ← Intel SGX PCK Platform/Processor CA ← root",
            shape,
          );
        try {
          const ext = leafExtensions(split);
          pck = { ext, leaf: chain.certs[0]! };
          if (chain.certs.length > 1) pck.issuer = { cert: chain.certs[1]!, der: ders[1]! };
          log.pass(namesOf(p)["pck.extensions"]);
        } catch (error) {
          log.fail(
            namesOf(p)["pck.extensions"],
            "Intel SGX extensions in the PCK certificate",
            (error as Error).message,
          );
        }
      }
    }
  }
  if (pck) {
    const ok = verifyP256Sha256Der(cd.qeReport.raw, pck.leaf.publicKey, prepared.qeReportSignatureDer);
    log.expect(
      namesOf(p)["qe_report.signature"],
      ok,
      "QE report signed by the PCK key",
      ok ? "valid" : "invalid",
    );
  } else {
    log.fail(
      namesOf(p)["qe_report.signature"],
      "QE report signed by the PCK key",
      "no verified PCK certificate",
    );
  }
  // The QE vouches for the attestation key: REPORT_DATA = SHA-256(attestation key ‖ QE auth data) ‖ 32 zero bytes.
  const rd = cd.qeReport.reportData;
  if (attestationKeyBound(q.attestationKey, cd.qeAuthData, rd)) {
    log.pass(namesOf(p)["qe_report.binding"]);
  } else {
    const digest = createHash("sha256").update(q.attestationKey).update(cd.qeAuthData).digest();
    log.fail(namesOf(p)["qe_report.binding"], `QE REPORT_DATA = ${digest.toString("hex")} ‖ 00…`, hex(rd));
  }
  const attKey = p256Key(q.attestationKey);
  const sigOk =
    attKey !== undefined && verifyP256Sha256Der(q.signedRegion, attKey, prepared.quoteSignatureDer);
  log.expect(
    namesOf(p)["quote.signature"],
    sigOk,
    "quote signed by the attestation key",
    attKey ? (sigOk ? "valid" : "invalid") : "attestation key is not a P-256 point",
  );
  return pck;
}
