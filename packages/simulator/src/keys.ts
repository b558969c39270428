/**
 * Key material for the simulated vendors. Signing keys (ARK, ASK, Intel root/CA/TCB-signing, attestation key)
 * are random and stored as PKCS#8 in the state directory. Per-chip keys (VCEK, PCK) are DERIVED from a random
 * per-chip secret and the TCB, as on real hardware, so the same chip at the same TCB always has the same key and
 * a TCB change yields a new one (AMD: the VCEK is derived from the chip-unique secret and the reported TCB).
 */
import { createECDH, createHash, hkdfSync, KeyObject, sign as nodeSign, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

const subtle = webcrypto.subtle;

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningParams = webcrypto.Algorithm | webcrypto.EcdsaParams | webcrypto.RsaPssParams;

// @peculiar/x509 signs through WebCrypto; node's implementation does RSA-PSS and ECDSA natively.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyKind = "rsa-pss-4096-sha384" | "ecdsa-p256" | "ecdsa-p384";

function importParams(kind: KeyKind): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  switch (kind) {
    case "rsa-pss-4096-sha384":
      return { name: "RSA-PSS", hash: "SHA-384" };
    case "ecdsa-p256":
      return { name: "ECDSA", namedCurve: "P-256" };
    case "ecdsa-p384":
      return { name: "ECDSA", namedCurve: "P-384" };
  }
}

/** Signature parameters for certificates and CRLs issued by a key of this kind. */
export function signingAlgorithm(kind: KeyKind): SigningParams {
  switch (kind) {
    // AMD ARK/ASK: RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48 (evidence.md §2.1, as in the genuine ARK-Milan).
    case "rsa-pss-4096-sha384":
      return { name: "RSA-PSS", saltLength: 48 } as webcrypto.RsaPssParams;
    // Intel SGX PKI: ecdsa-with-SHA256 on P-256 (evidence.md §4.4).
    case "ecdsa-p256":
      return { name: "ECDSA", hash: "SHA-256" } as webcrypto.EcdsaParams;
    case "ecdsa-p384":
      return { name: "ECDSA", hash: "SHA-384" } as webcrypto.EcdsaParams;
  }
}

export async function generateKeyPair(kind: KeyKind): Promise<CryptoKeyPair> {
  const algorithm =
    kind === "rsa-pss-4096-sha384"
      ? { name: "RSA-PSS", hash: "SHA-384", modulusLength: 4096, publicExponent: Uint8Array.of(1, 0, 1) }
      : importParams(kind);
  return (await subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
}

export async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey("pkcs8", key));
}

/** Re-import a stored private key; the public half is recomputed from it so the pair always matches. */
export async function importKeyPair(kind: KeyKind, pkcs8: Uint8Array): Promise<CryptoKeyPair> {
  const params = importParams(kind);
  const privateKey = await subtle.importKey("pkcs8", pkcs8, params, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", privateKey);
  const publicJwk: webcrypto.JsonWebKey = { ...jwk, key_ops: ["verify"] };
  for (const secret of ["d", "p", "q", "dp", "dq", "qi"] as const) delete publicJwk[secret];
  const publicKey = await subtle.importKey("jwk", publicJwk, params, true, ["verify"]);
  return { privateKey, publicKey };
}

/** Group orders (SEC 2 v2 §2.4.2 secp256r1, §2.5.1 secp384r1 = NIST P-256 / P-384, FIPS 186-4 D.1.2). */
const CURVES = {
  "P-256": {
    ecdh: "prime256v1",
    size: 32,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  "P-384": {
    ecdh: "secp384r1",
    size: 48,
    order:
      0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
} as const;

/**
 * Derive an ECDSA key pair from a secret and a context label: d = (HKDF-SHA-384(secret, info) mod (n-1)) + 1
 * with 128 extra bits before the reduction, the "extra random bits" method of FIPS 186-4 B.4.1, so d is uniform
 * in [1, n-1].
 */
export async function deriveEcKeyPair(
  curve: "P-256" | "P-384",
  secret: Uint8Array,
  info: string,
): Promise<CryptoKeyPair> {
  const { ecdh, size, order } = CURVES[curve];
  const okm = Buffer.from(hkdfSync("sha384", secret, Buffer.alloc(0), Buffer.from(info, "utf8"), size + 16));
  const d = (BigInt(`0x${okm.toString("hex")}`) % (order - 1n)) + 1n;
  const dBytes = Buffer.from(d.toString(16).padStart(size * 2, "0"), "hex");
  const point = createECDH(ecdh);
  point.setPrivateKey(dBytes);
  const pub = point.getPublicKey(); // 04 ‖ X ‖ Y
  const jwk: webcrypto.JsonWebKey = {
    kty: "EC",
    crv: curve,
    x: pub.subarray(1, 1 + size).toString("base64url"),
    y: pub.subarray(1 + size).toString("base64url"),
  };
  const params = { name: "ECDSA", namedCurve: curve };
  const privateKey = await subtle.importKey(
    "jwk",
    { ...jwk, d: dBytes.toString("base64url") },
    params,
    true,
    ["sign"],
  );
  const publicKey = await subtle.importKey("jwk", jwk, params, true, ["verify"]);
  return { privateKey, publicKey };
}

/** ECDSA signature as raw r‖s (IEEE P1363), each big-endian and curve-size long. */
export function signP1363(key: CryptoKey, hash: "sha256" | "sha384", data: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(hash, data, { key: KeyObject.from(key), dsaEncoding: "ieee-p1363" }));
}

/** Uncompressed EC public point without the 0x04 prefix (X ‖ Y), as DCAP quotes carry the attestation key. */
export async function rawPublicPoint(key: CryptoKey): Promise<Uint8Array> {
  const raw = new Uint8Array(await subtle.exportKey("raw", key));
  return raw.subarray(1);
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function sha384(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha384");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export { x509 };
