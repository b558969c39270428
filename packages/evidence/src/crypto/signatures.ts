/**
 * Signature verification helpers shared by every TEE verifier (SNP, TDX, SGX). Thin, strict wrappers over
 * node:crypto (OpenSSL): the only job here is to turn every malformed input into a `false` verdict or a typed
 * error, never an exception leaking from OpenSSL, and to pin the exact algorithm parameters each format uses.
 */
import { createPublicKey, verify as cryptoVerify, constants, type KeyObject } from "node:crypto";
import { CocoonError } from "@cocoon/core";

export type EcCurve = "P-256" | "P-384";
export type DigestAlg = "sha256" | "sha384" | "sha512";

/** A public key that could not be read at all (not a malformed signature: that is just `false`). */
export class InvalidPublicKeyError extends CocoonError {
  constructor(message: string, cause?: unknown) {
    super("ERR_INVALID_PUBLIC_KEY", message, { cause });
    this.name = "InvalidPublicKeyError";
  }
}

/** Field size in bytes of each curve: a P1363 signature is exactly twice this (SEC 1 / IEEE 1363). */
const CURVE_BYTES: Record<EcCurve, number> = { "P-256": 32, "P-384": 48 };
/** OpenSSL's names of the curves, as reported by KeyObject.asymmetricKeyDetails.namedCurve. */
const CURVE_OPENSSL: Record<EcCurve, string> = { "P-256": "prime256v1", "P-384": "secp384r1" };

export type PublicKeyInput = KeyObject | Uint8Array | string;

/** Accepts a KeyObject, a SubjectPublicKeyInfo in DER, or a PEM public key / certificate. */
export function toPublicKey(key: PublicKeyInput): KeyObject {
  if (typeof key !== "string" && !(key instanceof Uint8Array)) {
    if (key.type !== "public")
      throw new InvalidPublicKeyError(`expected a public key, got a ${key.type} key`);
    return key;
  }
  try {
    return typeof key === "string"
      ? createPublicKey(key)
      : createPublicKey({ key: Buffer.from(key), format: "der", type: "spki" });
  } catch (error) {
    throw new InvalidPublicKeyError("public key is not a valid SubjectPublicKeyInfo (DER) or PEM", error);
  }
}

/**
 * Keys already found to be EC keys on a curve. A KeyObject is immutable, so the answer never changes; remembering it
 * spares the `asymmetricKeyDetails` object node builds on every read (verifiers check the same cached VCEK/PCK key
 * for every report). Weak, so it holds no key alive.
 */
const checkedCurve = new WeakMap<KeyObject, EcCurve>();

function requireEcKey(key: KeyObject, curve: EcCurve): void {
  if (checkedCurve.get(key) === curve) return;
  const named = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== "ec" || named !== CURVE_OPENSSL[curve]) {
    throw new InvalidPublicKeyError(
      `expected an EC ${curve} public key, got ${key.asymmetricKeyType} ${named ?? ""}`,
    );
  }
  checkedCurve.set(key, curve);
}

/**
 * ECDSA over `data` with a raw r||s signature (IEEE P1363: fixed-length big-endian halves), as used by SNP
 * reports (after the little-endian conversion), DCAP quotes and QE reports. A signature of the wrong length is
 * invalid, never padded or truncated.
 */
export function verifyEcdsaP1363(
  curve: EcCurve,
  digest: DigestAlg,
  publicKey: PublicKeyInput,
  signature: Uint8Array,
  data: Uint8Array,
): boolean {
  const key = toPublicKey(publicKey);
  requireEcKey(key, curve);
  if (signature.length !== 2 * CURVE_BYTES[curve]) return false;
  try {
    return cryptoVerify(digest, data, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    // OpenSSL throws on some structurally invalid inputs; for a verifier they are simply not a valid signature.
    return false;
  }
}

/** ECDSA with a DER-encoded Ecdsa-Sig-Value (X.509 certificate, CRL and DCAP collateral signatures). */
export function verifyEcdsaDer(
  curve: EcCurve,
  digest: DigestAlg,
  publicKey: PublicKeyInput,
  signature: Uint8Array,
  data: Uint8Array,
): boolean {
  const key = toPublicKey(publicKey);
  requireEcKey(key, curve);
  try {
    return cryptoVerify(digest, data, { key, dsaEncoding: "der" }, signature);
  } catch {
    return false;
  }
}

/**
 * RSASSA-PSS with MGF1 using the same digest, and a fixed salt length. AMD's ARK/ASK/VCEK signatures use
 * SHA-384, MGF1-SHA-384, salt 48 (evidence.md §2.1; RFC 4055 parameters in the AMD certificates).
 */
export function verifyRsaPss(
  digest: DigestAlg,
  saltLength: number,
  publicKey: PublicKeyInput,
  signature: Uint8Array,
  data: Uint8Array,
): boolean {
  const key = toPublicKey(publicKey);
  if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "rsa-pss") {
    throw new InvalidPublicKeyError(`expected an RSA public key, got ${key.asymmetricKeyType}`);
  }
  try {
    return cryptoVerify(
      digest,
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
      signature,
    );
  } catch {
    return false;
  }
}

/**
 * Converts one little-endian, zero-extended integer field (as in the SNP signature: 72 bytes, of which only the
 * low `size` are significant) into a `size`-byte big-endian value. Returns undefined when any high byte is
 * non-zero, i.e. the value does not fit (≥ 2^(8·size)): such a signature must be rejected, not reduced.
 */
export function littleEndianToBigEndian(field: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  return littleEndianToBigEndianInto(field, out, 0, size) ? out : undefined;
}

/**
 * littleEndianToBigEndian written into `out` at `offset` (no allocation: the SNP verifier converts R and S of every
 * report). Returns false, leaving the destination unspecified, when the value does not fit in `size` bytes.
 */
export function littleEndianToBigEndianInto(
  field: Uint8Array,
  out: Uint8Array,
  offset: number,
  size: number,
): boolean {
  if (field.length < size || offset + size > out.length) return false;
  for (let i = size; i < field.length; i++) if (field[i] !== 0) return false;
  for (let i = 0; i < size; i++) out[offset + i] = field[size - 1 - i]!;
  return true;
}
