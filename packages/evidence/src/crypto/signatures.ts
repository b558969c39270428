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

/** A DER INTEGER for the unsigned big-endian `bytes[from, to)`: leading zeros dropped, 0x00 added if the top bit is set. */
interface DerUnsigned {
  start: number;
  end: number;
  pad: number;
}

function derUnsigned(bytes: Uint8Array, from: number, to: number): DerUnsigned {
  let start = from;
  while (start < to - 1 && bytes[start] === 0) start++;
  return { start, end: to, pad: bytes[start]! & 0x80 ? 1 : 0 };
}

function derLength(length: number): number[] {
  return length < 0x80 ? [length] : [0x81, length]; // ≤ 255: enough for any P-256/P-384 Ecdsa-Sig-Value
}

/**
 * The DER Ecdsa-Sig-Value (SEQUENCE { INTEGER r, INTEGER s }) of a P1363 r‖s signature. This is the very
 * conversion node applies for `dsaEncoding: "ieee-p1363"` (src/crypto/crypto_sig.cc ConvertSignatureToDER:
 * BN_bin2bn of each half, then i2d_ECDSA_SIG, i.e. minimal INTEGERs), so the verdict is unchanged. Doing it here
 * lets crypto.verify take the KeyObject directly: node 24 recognises a key inside an options object only after
 * its KeyObject and CryptoKey brand checks have thrown and caught two TypeErrors, stack traces included, which
 * costs about 5% of a P-384 verification (issue #2).
 */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length >> 1;
  const ints = [derUnsigned(signature, 0, half), derUnsigned(signature, half, signature.length)];
  const body = ints.reduce((n, i) => n + 2 + i.pad + i.end - i.start, 0);
  const header = [0x30, ...derLength(body)];
  const out = new Uint8Array(header.length + body);
  out.set(header, 0);
  let at = header.length;
  for (const i of ints) {
    out[at++] = 0x02;
    out[at++] = i.pad + i.end - i.start;
    at += i.pad; // the 0x00 sign byte: already zero
    out.set(signature.subarray(i.start, i.end), at);
    at += i.end - i.start;
  }
  return out;
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
    // The KeyObject itself, not `{ key, dsaEncoding: "ieee-p1363" }`: see p1363ToDer.
    return cryptoVerify(digest, data, key, p1363ToDer(signature));
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
    // DER is node's default dsaEncoding; passing the KeyObject alone avoids the options-object cost (p1363ToDer).
    return cryptoVerify(digest, data, key, signature);
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
