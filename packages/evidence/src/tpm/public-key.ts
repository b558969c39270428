/**
 * Attestation-key public keys in every form a verifier meets: a node KeyObject, PEM (public key or
 * certificate), DER SubjectPublicKeyInfo, base64 DER (Trustee's `ak_public`), a JWK (Azure's HCLAkPub), or the
 * TPM's own TPM2B_PUBLIC / TPMT_PUBLIC (tpm2_create -u, TPM 2.0 Part 2 §12.2.4–12.2.5).
 */
import { createPublicKey, createHash, KeyObject, X509Certificate, type JsonWebKey } from "node:crypto";
import { TpmReader } from "./reader.ts";
import { TpmFormatError } from "./errors.ts";
import { TPM_ALG, TPM_ECC_CURVES, TPM_HASHES, algName } from "./constants.ts";

export type AkPublicKeyInput = KeyObject | string | Uint8Array | JsonWebKey;

export interface TpmtPublic {
  type: number;
  nameAlg: number;
  objectAttributes: number;
  /** The signing scheme fixed in the key (TPM_ALG_NULL when the caller chooses). */
  scheme: number;
  schemeHash: number;
  key: KeyObject;
  /** The TPM name: nameAlg ‖ H_nameAlg(TPMT_PUBLIC) (Part 1 §16), when nameAlg is a known hash. */
  name?: Uint8Array;
}

function readSymmetric(r: TpmReader): void {
  // TPMT_SYM_DEF_OBJECT: algorithm, then keyBits and mode unless TPM_ALG_NULL (Part 2 §11.1.7).
  const alg = r.u16("symmetric.algorithm");
  if (alg !== TPM_ALG.NULL) {
    r.u16("symmetric.keyBits");
    r.u16("symmetric.mode");
  }
}

function readScheme(r: TpmReader, field: string): { scheme: number; hash: number } {
  // TPMT_*_SCHEME: scheme, then details (a hash algorithm for every signing scheme) unless TPM_ALG_NULL.
  const scheme = r.u16(`${field}.scheme`);
  const hash = scheme === TPM_ALG.NULL ? TPM_ALG.NULL : r.u16(`${field}.details.hashAlg`);
  return { scheme, hash };
}

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Decodes a TPMT_PUBLIC holding an RSA or ECC key into a node public key. */
export function parseTpmtPublic(bytes: Uint8Array): TpmtPublic {
  const r = new TpmReader(bytes, "TPMT_PUBLIC");
  const type = r.u16("type");
  const nameAlg = r.u16("nameAlg");
  const objectAttributes = r.u32("objectAttributes");
  r.tpm2b("authPolicy", 64);
  let jwk: JsonWebKey;
  let scheme: { scheme: number; hash: number };
  if (type === TPM_ALG.RSA) {
    readSymmetric(r);
    scheme = readScheme(r, "scheme");
    const keyBits = r.u16("keyBits");
    const exponent = r.u32("exponent");
    const modulus = r.tpm2b("unique.rsa", 512);
    if (modulus.length * 8 !== keyBits) {
      throw new TpmFormatError(
        `TPMT_PUBLIC: RSA modulus is ${modulus.length * 8} bits, keyBits says ${keyBits}`,
      );
    }
    // An exponent of zero means the default 2^16 + 1 (Part 2 §12.2.3.5).
    const e = exponent === 0 ? 65537 : exponent;
    const eBytes = stripLeadingZeros(Uint8Array.of(e >>> 24, (e >>> 16) & 0xff, (e >>> 8) & 0xff, e & 0xff));
    jwk = { kty: "RSA", n: b64u(modulus), e: b64u(eBytes) };
  } else if (type === TPM_ALG.ECC) {
    readSymmetric(r);
    scheme = readScheme(r, "scheme");
    const curveId = r.u16("curveID");
    readScheme(r, "kdf");
    const x = r.tpm2b("unique.ecc.x", 66);
    const y = r.tpm2b("unique.ecc.y", 66);
    const curve = TPM_ECC_CURVES.get(curveId);
    if (curve === undefined)
      throw new TpmFormatError(`TPMT_PUBLIC: unsupported ECC curve 0x${curveId.toString(16)}`);
    if (x.length !== curve.size || y.length !== curve.size) {
      throw new TpmFormatError(
        `TPMT_PUBLIC: ECC point coordinates are not ${curve.size} bytes for ${curve.crv}`,
      );
    }
    jwk = { kty: "EC", crv: curve.crv, x: b64u(x), y: b64u(y) };
  } else {
    throw new TpmFormatError(`TPMT_PUBLIC: key type ${algName(type)} is not a signing key type (RSA or ECC)`);
  }
  r.end();
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: "jwk" });
  } catch (error) {
    throw new TpmFormatError(`TPMT_PUBLIC: the ${algName(type)} key is not a valid public key`, {
      cause: String(error),
    });
  }
  const hash = TPM_HASHES.get(nameAlg);
  const out: TpmtPublic = {
    type,
    nameAlg,
    objectAttributes,
    scheme: scheme.scheme,
    schemeHash: scheme.hash,
    key,
  };
  if (hash !== undefined) {
    const digest = createHash(hash.name).update(bytes).digest();
    out.name = Uint8Array.from([nameAlg >> 8, nameAlg & 0xff, ...digest]);
  }
  return out;
}

/** TPM2B_PUBLIC = UINT16 size ‖ TPMT_PUBLIC (what `tpm2_create -u` writes). */
export function parseTpm2bPublic(bytes: Uint8Array): TpmtPublic {
  const r = new TpmReader(bytes, "TPM2B_PUBLIC");
  const inner = r.tpm2b("publicArea");
  r.end();
  return parseTpmtPublic(inner);
}

/** TPMA_OBJECT bits (TPM 2.0 Part 2 §8.3.2). */
export const TPMA_OBJECT = {
  fixedTPM: 1 << 1,
  fixedParent: 1 << 4,
  sensitiveDataOrigin: 1 << 5,
  restricted: 1 << 16,
  decrypt: 1 << 17,
  sign: 1 << 18,
} as const;

/**
 * The TPM public area when the AK was given in the TPM's own form (TPM2B_PUBLIC / TPMT_PUBLIC), else undefined
 * (PEM, DER and JWK carry no TPM attributes).
 */
export function akPublicArea(input: AkPublicKeyInput): TpmtPublic | undefined {
  if (!(input instanceof Uint8Array)) return undefined;
  try {
    if (isTpm2bPublic(input)) return parseTpm2bPublic(input);
    if (input[0] === 0x30 || Buffer.from(input.subarray(0, 11)).toString("latin1").includes("-----BEGIN"))
      return undefined;
    return parseTpmtPublic(input);
  } catch {
    return undefined;
  }
}

export function isTpm2bPublic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0]! << 8) | bytes[1]!) === bytes.length - 2;
}

/**
 * Loads an attestation key's public key from any supported form. Throws TpmFormatError when the input is not a
 * public key in any of them.
 */
export function loadAkPublicKey(input: AkPublicKeyInput): KeyObject {
  try {
    if (input instanceof KeyObject) {
      if (input.type !== "public")
        throw new TpmFormatError(`AK public key: expected a public key, got ${input.type}`);
      return input;
    }
    if (typeof input === "string") {
      const text = input.trim();
      if (text.includes("-----BEGIN CERTIFICATE-----")) return new X509Certificate(text).publicKey;
      if (text.includes("-----BEGIN")) return createPublicKey(text);
      if (text.startsWith("{"))
        return createPublicKey({ key: JSON.parse(text) as JsonWebKey, format: "jwk" });
      return loadAkPublicKey(new Uint8Array(Buffer.from(text, "base64")));
    }
    if (input instanceof Uint8Array) {
      if (isTpm2bPublic(input)) return parseTpm2bPublic(input).key;
      const text = Buffer.from(input).toString("latin1");
      if (text.includes("-----BEGIN")) return loadAkPublicKey(text);
      if (input[0] === 0x30) {
        try {
          return createPublicKey({ key: Buffer.from(input), format: "der", type: "spki" });
        } catch {
          return new X509Certificate(Buffer.from(input)).publicKey;
        }
      }
      return parseTpmtPublic(input).key;
    }
    return createPublicKey({ key: input, format: "jwk" });
  } catch (error) {
    if (error instanceof TpmFormatError) throw error;
    throw new TpmFormatError("AK public key is not PEM, DER SubjectPublicKeyInfo, a JWK or a TPM2B_PUBLIC", {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}
