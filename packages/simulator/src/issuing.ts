/**
 * What the simulated AMD and Intel hierarchies do alike when they issue: per-chip certificates (VCEK, VLEK, PCK)
 * cached in the state directory and re-issued only when the cached one no longer fits, and empty CRLs.
 */
import { webcrypto } from "node:crypto";
import { type CryptoKey, type CryptoKeyPair, type KeyKind, signingAlgorithm, x509 } from "./keys.ts";
import type { StateDir } from "./state.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const YEAR_MS = 365 * DAY_MS;

/** A cached certificate is reused only when it certifies the derived key and is valid at `now`. */
function usable(der: Uint8Array, spki: Uint8Array, now: Date): boolean {
  try {
    const cert = new x509.X509Certificate(der);
    return (
      Buffer.from(cert.publicKey.rawData).equals(Buffer.from(spki)) &&
      cert.notBefore.getTime() <= now.getTime() &&
      now.getTime() <= cert.notAfter.getTime()
    );
  } catch {
    return false; // unreadable cache entry: issue a new certificate over it
  }
}

/**
 * The certificate for `keys` kept at `rel` in the state directory: the cached one while it is usable, otherwise
 * one made by `issue` and written over it (world-readable: certificates are public).
 */
export async function cachedCertificate(
  state: StateDir,
  rel: string,
  keys: CryptoKeyPair,
  now: Date,
  issue: () => Promise<x509.X509Certificate>,
): Promise<Uint8Array> {
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", keys.publicKey));
  const cached = await state.readOptional(rel);
  if (cached && usable(cached, spki, now)) return cached;
  const der = new Uint8Array((await issue()).rawData);
  await state.writeAtomic(rel, der, 0o644);
  return der;
}

/** A CRL revoking nothing, from `now` to `days` later, signed by the issuer's key. */
export async function emptyCrl(
  issuerDer: Uint8Array,
  signingKey: CryptoKey,
  kind: KeyKind,
  now: Date,
  days: number,
): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.X509Certificate(issuerDer).subject,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + days * DAY_MS),
    signingKey,
    signingAlgorithm: signingAlgorithm(kind),
  });
  return new Uint8Array(crl.rawData);
}
