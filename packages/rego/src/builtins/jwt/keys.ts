/**
 * Keys for io.jwt.*: PEM certificates / public keys and JWK(S) as OPA accepts them
 * (v1/topdown/tokens.go getKeysFromCertOrJWK), and JWS sign/verify per RFC 7518 §3 via node:crypto.
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  X509Certificate,
  type KeyObject,
} from "node:crypto";

export class KeyError extends Error {}

/** A verification key: an asymmetric public key or an HMAC secret (JWK "oct"). */
export interface VerificationKey {
  key: KeyObject | Buffer;
  alg: string;
  kid: string;
}

/** The JWS algorithms OPA knows (tokens.go tokenAlgorithms). */
export const TOKEN_ALGORITHMS = new Set([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "HS256",
  "HS384",
  "HS512",
  "EdDSA",
]);

export interface PemBlock {
  type: string;
  bytes: Buffer;
  rest: string;
}

/**
 * Go's pem.Decode: the first well-formed block, and the text after its END line. Returns undefined when
 * no block is found. (Headers inside the block are skipped; OPA's inputs do not use them.) Linear-time:
 * each block type's END marker is searched for at most once, and the number of candidate BEGIN lines
 * is bounded, so hostile input cannot make this quadratic.
 */
export function pemDecode(text: string): PemBlock | undefined {
  const missingEnd = new Set<string>();
  let from = 0;
  for (let attempts = 0; attempts < 1000; attempts++) {
    const begin = text.indexOf("-----BEGIN ", from);
    if (begin < 0) return undefined;
    from = begin + 11;
    const typeEnd = text.indexOf("-----", from);
    if (typeEnd < 0) return undefined;
    const type = text.slice(from, typeEnd);
    if (/[\r\n]/.test(type) || missingEnd.has(type)) continue;
    const lineEnd = text.indexOf("\n", typeEnd + 5);
    if (lineEnd < 0 || text.slice(typeEnd + 5, lineEnd).trim() !== "") continue;
    const endMarker = `-----END ${type}-----`;
    const end = text.indexOf(endMarker, lineEnd);
    if (end < 0) {
      missingEnd.add(type);
      continue;
    }
    const after = end + endMarker.length;
    const nl = text.indexOf("\n", after);
    const trailer = text.slice(after, nl < 0 ? text.length : nl);
    if (trailer.trim() !== "") continue;
    const body = text
      .slice(lineEnd + 1, end)
      .split(/\r?\n/)
      .filter((l) => !l.includes(":"))
      .join("")
      .replace(/[ \t\r]/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    return { type, bytes: Buffer.from(body, "base64"), rest: nl < 0 ? "" : text.slice(nl + 1) };
  }
  return undefined;
}

function jwkToKey(jwk: Record<string, unknown>): KeyObject | Buffer {
  const kty = jwk.kty;
  if (kty === "oct") {
    if (typeof jwk.k !== "string") throw new KeyError(`invalid "oct" key: missing "k"`);
    return Buffer.from(jwk.k, "base64url");
  }
  if (kty !== "RSA" && kty !== "EC" && kty !== "OKP")
    throw new KeyError(`invalid key type from JSON (${String(kty)})`);
  try {
    return createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" });
  } catch (e) {
    throw new KeyError(`failed to parse ${kty} key: ${(e as Error).message}`);
  }
}

/** Parses a JWK or a JWK Set ({"keys": [...]}) into keys, skipping keys whose "alg" OPA does not know. */
export function parseJWKSet(text: string): VerificationKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new KeyError(`failed to unmarshal JSON into key set: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new KeyError("invalid JWK: not an object");
  const obj = json as Record<string, unknown>;
  const list = Array.isArray(obj.keys) ? (obj.keys as unknown[]) : [obj];
  const out: VerificationKey[] = [];
  for (const k of list) {
    if (k === null || typeof k !== "object") throw new KeyError("invalid JWK in set");
    const jwk = k as Record<string, unknown>;
    const alg = typeof jwk.alg === "string" ? jwk.alg : "";
    if (alg !== "" && !TOKEN_ALGORITHMS.has(alg)) continue;
    out.push({ key: jwkToKey(jwk), alg, kid: typeof jwk.kid === "string" ? jwk.kid : "" });
  }
  return out;
}

/** OPA's getKeysFromCertOrJWK, with its error texts. */
export function keysFromCertOrJWK(text: string): VerificationKey[] {
  const block = pemDecode(text);
  if (block) {
    if (block.rest.length > 0) throw new KeyError("extra data after a PEM certificate block");
    if (block.type === "CERTIFICATE") {
      try {
        return [{ key: new X509Certificate(block.bytes).publicKey, alg: "", kid: "" }];
      } catch (e) {
        throw new KeyError(`failed to parse a PEM certificate: x509: ${(e as Error).message}`);
      }
    }
    if (block.type === "PUBLIC KEY") {
      try {
        return [
          { key: createPublicKey({ key: block.bytes, format: "der", type: "spki" }), alg: "", kid: "" },
        ];
      } catch (e) {
        throw new KeyError(`failed to parse a PEM public key: ${(e as Error).message}`);
      }
    }
    throw new KeyError("failed to extract a Key from the PEM certificate");
  }
  try {
    return parseJWKSet(text);
  } catch (e) {
    throw new KeyError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
}

const HASHES: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/** Verifies a JWS signature for `alg` (RFC 7518 §3); a key of the wrong type simply fails. */
export function verifySignature(
  alg: string,
  key: KeyObject | Buffer,
  data: Buffer,
  signature: Buffer,
): boolean {
  const family = alg.slice(0, 2);
  const hash = HASHES[alg.slice(2)];
  try {
    if (family === "HS" && hash) {
      if (!Buffer.isBuffer(key)) return false;
      const mac = createHmac(hash, key).update(data).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    if (Buffer.isBuffer(key)) return false;
    if (alg === "EdDSA")
      return key.asymmetricKeyType === "ed25519" && cryptoVerify(null, data, key, signature);
    if (family === "RS" && hash)
      return key.asymmetricKeyType === "rsa" && cryptoVerify(hash, data, key, signature);
    if (family === "PS" && hash) {
      // Go's rsa.VerifyPSS with nil options accepts any salt length (PSSSaltLengthAuto).
      return (
        key.asymmetricKeyType === "rsa" &&
        cryptoVerify(
          hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          signature,
        )
      );
    }
    if (family === "ES" && hash) {
      return (
        key.asymmetricKeyType === "ec" &&
        cryptoVerify(hash, data, { key, dsaEncoding: "ieee-p1363" }, signature)
      );
    }
  } catch {
    return false;
  }
  return false;
}

/** Signs for io.jwt.encode_sign with the first key of a JWK (set), as lestrrat-go/jwx's jwsbb.Sign. */
export function signWithJWK(alg: string, jwkText: string, data: Buffer): Buffer {
  let json: unknown;
  try {
    json = JSON.parse(jwkText);
  } catch (e) {
    throw new KeyError(`failed to unmarshal JWK: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new KeyError("failed to parse JWK: not an object");
  const obj = json as Record<string, unknown>;
  const list = Array.isArray(obj.keys) ? (obj.keys as Record<string, unknown>[]) : [obj];
  if (list.length === 0) throw new KeyError("no keys found in JWK set");
  const jwk = list[0]!;
  const family = alg.slice(0, 2);
  const hash = HASHES[alg.slice(2)];
  if (family === "HS" && hash) {
    if (jwk.kty !== "oct" || typeof jwk.k !== "string")
      throw new KeyError(`invalid key for ${alg}: expected an "oct" JWK`);
    return createHmac(hash, Buffer.from(jwk.k, "base64url")).update(data).digest();
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" });
  } catch (e) {
    throw new KeyError(`failed to create private key for ${alg}: ${(e as Error).message}`);
  }
  if (alg === "EdDSA") return cryptoSign(null, data, key);
  if (family === "RS" && hash) return cryptoSign(hash, data, key);
  if (family === "PS" && hash) {
    // jwx signs PSS with a salt as long as the hash (rsa.PSSSaltLengthEqualsHash).
    return cryptoSign(hash, data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  if (family === "ES" && hash) return cryptoSign(hash, data, { key, dsaEncoding: "ieee-p1363" });
  throw new KeyError(`unsupported algorithm ${alg}`);
}
