/**
 * io.jwt.* builtins (OPA v1/topdown/tokens.go): decoding, signature verification, full decode_verify
 * with constraints, and signing. JWS compact serialization only (RFC 7515 §7.1); JWE is rejected.
 */

import { parseJSON, toJSONText } from "../value/json.ts";
import { RObject, RSet, compareNumbers, type Value } from "../value/value.ts";
import { Base64Error, goBase64Decode } from "./gobase64.ts";
import {
  keysFromCertOrJWK,
  KeyError,
  signWithJWK,
  TOKEN_ALGORITHMS,
  verifySignature,
  type VerificationKey,
} from "./jwt/keys.ts";
import { fail, objectOperand, stringOperand } from "./operands-b.ts";
import type { BuiltinContext, BuiltinDef } from "./types.ts";

/** A failure whose message OPA returns as "<builtin>: <message>". */
class TokenError extends Error {}

interface Token {
  header: string;
  payload: string;
  signature: string;
}

/** OPA's decodeJWT: split the compact serialization into its three parts. */
function splitToken(name: string, v: Value): Token {
  const text = stringOperand(name, v, 1);
  if (!text.includes(".")) throw new TokenError("encoded JWT had no period separators");
  const parts = text.split(".");
  if (parts.length !== 3) throw new TokenError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

/**
 * OPA's base64url.decode: restores missing padding (RFC 7515 Appendix C), then Go's URLEncoding.
 */
function base64url(s: string): Buffer {
  if (!s.endsWith("=")) {
    switch (s.length % 4) {
      case 2:
        s += "==";
        break;
      case 3:
        s += "=";
        break;
      case 1:
        throw new TokenError(`illegal base64url string: ${s}`);
    }
  }
  try {
    return Buffer.from(goBase64Decode(s, { url: true, padded: true }));
  } catch (e) {
    if (e instanceof Base64Error) throw new TokenError(e.message);
    throw e;
  }
}

function decodePart(s: string, what: string): Buffer {
  try {
    return base64url(s);
  } catch (e) {
    if (e instanceof TokenError) throw new TokenError(`JWT ${what} had invalid encoding: ${e.message}`);
    throw e;
  }
}

/** OPA's extractJSONObject: JSON text that must be an object (duplicate keys: last wins, as Go). */
function jsonObject(text: string): RObject {
  let v: Value;
  try {
    v = parseJSON(text);
  } catch (e) {
    throw new TokenError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!(v instanceof RObject)) throw new TokenError("decoded JSON type was not an Object");
  return v;
}

function decodeHeader(token: Token): RObject {
  const bytes = decodePart(token.header, "header");
  let header: RObject;
  try {
    header = jsonObject(bytes.toString("utf8"));
  } catch (e) {
    if (e instanceof TokenError) throw new TokenError(`bad JWT header: ${e.message}`);
    throw e;
  }
  // RFC 7516 §9: a JWE has "enc" in its header.
  if (header.has("enc")) throw new TokenError("JWT is a JWE object, which is not supported");
  return header;
}

function decodeSignature(token: Token): Buffer {
  return base64url(token.signature);
}

/** Runs a token operation, reporting TokenError/KeyError as OPA does ("<name>: <message>"). */
function run<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    // Input nested deeper than recursion allows: a clear error rather than a crash.
    if (e instanceof RangeError && /call stack/.test(e.message)) throw fail(name, "input nesting too deep");
    if (e instanceof TokenError || e instanceof KeyError) throw fail(name, e.message);
    throw e;
  }
}

function decode(name: string, jwt: Value, depth = 0): Value {
  const token = splitToken(name, jwt);
  const header = decodeHeader(token);
  let payloadBytes: Buffer;
  try {
    payloadBytes = base64url(token.payload);
  } catch (e) {
    if (e instanceof TokenError) throw new TokenError(`JWT payload had invalid encoding: ${e.message}`);
    throw e;
  }
  if (header.get("cty") === "JWT" && depth < 16) {
    // A nested token: the payload is another JWT, possibly quoted (jwt.io's behaviour).
    const inner = payloadBytes.toString("utf8").replace(/^["']+|["']+$/g, "");
    return decode(name, inner, depth + 1);
  }
  const payload = jsonObject(payloadBytes.toString("utf8"));
  let sig: Buffer;
  try {
    sig = base64url(token.signature);
  } catch (e) {
    if (e instanceof TokenError) throw new TokenError(`JWT signature had invalid encoding: ${e.message}`);
    throw e;
  }
  return [header, payload, sig.toString("hex")];
}

interface TokenHeader {
  alg: string;
  kid: string;
  cty: string;
  crit: Set<string>;
  unknown: string[];
}

/** OPA's parseTokenHeader: typed registered parameters, the rest remembered for the "crit" check. */
function parseTokenHeader(header: RObject): TokenHeader {
  const h: TokenHeader = { alg: "", kid: "", cty: "", crit: new Set(), unknown: [] };
  for (const [k, v] of header.entries()) {
    const key = k as string;
    if (key === "alg" || key === "kid" || key === "typ" || key === "cty") {
      if (typeof v !== "string") throw new TokenError(`${key}: must be a string`);
      if (key !== "typ") h[key] = v;
    } else if (key === "crit") {
      if (!Array.isArray(v)) throw new TokenError("crit: must be a list");
      for (const c of v) if (typeof c === "string") h.crit.add(c);
      if (h.crit.size === 0) throw new TokenError("crit: must be a nonempty list");
    } else {
      h.unknown.push(key);
    }
  }
  return h;
}

/** The verify_* family: the builtin fixes the algorithm; keys come from a PEM or JWK(S). */
function verifyWith(alg: string): BuiltinDef {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  return {
    name,
    arity: 2,
    fn: ([jwt, keyArg]) =>
      run(name, () => {
        const token = splitToken(name, jwt!);
        const keys = keysFromCertOrJWK(stringOperand(name, keyArg!, 2));
        const signature = decodeSignature(token);
        const header = parseTokenHeader(decodeHeader(token));
        const data = Buffer.from(`${token.header}.${token.payload}`, "utf8");
        if (header.kid !== "") {
          const byKid = keys.find((k) => k.kid === header.kid);
          if (byKid) return verifySignature(alg, byKid.key, data, signature);
        }
        for (const k of keys) {
          if (k.alg !== "" && k.alg !== header.alg) continue;
          if (verifySignature(alg, k.key, data, signature)) return true;
        }
        return false;
      }),
  };
}

function verifyHS(alg: string): BuiltinDef {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  return {
    name,
    arity: 2,
    fn: ([jwt, secret]) =>
      run(name, () => {
        stringOperand(name, jwt!, 1);
        const key = Buffer.from(stringOperand(name, secret!, 2), "utf8");
        const token = splitToken(name, jwt!);
        const data = Buffer.from(`${token.header}.${token.payload}`, "utf8");
        return verifySignature(alg, key, data, decodeSignature(token));
      }),
  };
}

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | undefined;
  /** Nanoseconds, as a float (OPA converts with Float64()). */
  time: number;
}

function timeFromValue(v: Value): number {
  if (typeof v !== "number" && typeof v !== "bigint")
    throw new TokenError("token time constraint: must be a number");
  const t = Number(v);
  if (t < 0) throw new TokenError("token time constraint: must not be negative");
  return t;
}

function parseConstraints(o: RObject, ctx: BuiltinContext): Constraints {
  const c: Constraints = { secret: "", alg: "", iss: "", aud: "", keys: undefined, time: -1 };
  for (const [k, v] of o.sortedEntries()) {
    const key = k as string;
    switch (key) {
      case "cert":
        if (typeof v !== "string") throw new TokenError("cert constraint: must be a string");
        c.keys = keysFromCertOrJWK(v);
        break;
      case "secret":
      case "alg":
      case "iss":
      case "aud":
        if (typeof v !== "string") throw new TokenError(`${key} constraint: must be a string`);
        c[key] = v;
        break;
      case "time":
        c.time = timeFromValue(v);
        break;
      default:
        throw new TokenError(
          `unknown token validation constraint: ${typeof k === "string" ? k : toJSONText(k)}`,
        );
    }
  }
  if (c.time === -1) {
    // Defaults to the query's wall clock (time.now_ns, constant within the query).
    let now = ctx.cache.get("time.now_ns") as bigint | undefined;
    if (now === undefined) {
      now = ctx.hooks.nowNs();
      ctx.cache.set("time.now_ns", now);
    }
    c.time = Number(now);
  }
  const keyCount = (c.keys !== undefined ? 1 : 0) + (c.secret !== "" ? 1 : 0);
  if (keyCount > 1) throw new TokenError("duplicate key constraints");
  if (keyCount < 1) throw new TokenError("no key constraint");
  return c;
}

function constraintsVerify(c: Constraints, h: TokenHeader, token: Token, signature: Buffer): boolean {
  const data = Buffer.from(`${token.header}.${token.payload}`, "utf8");
  if (c.keys !== undefined) {
    if (h.kid !== "") {
      const byKid = c.keys.find((k) => k.kid === h.kid);
      if (byKid) return verifySignature(h.alg, byKid.key, data, signature);
    }
    return c.keys.some(
      (k) => (k.alg === "" || k.alg === h.alg) && verifySignature(h.alg, k.key, data, signature),
    );
  }
  return verifySignature(h.alg, Buffer.from(c.secret, "utf8"), data, signature);
}

function validAudience(aud: Value, want: string): boolean {
  if (typeof aud === "string") return aud === want;
  if (!Array.isArray(aud)) return false;
  return aud.some((a) => typeof a === "string" && a === want);
}

function decodeVerify(jwtArg: Value, constraintsArg: Value, ctx: BuiltinContext): Value {
  const name = "io.jwt.decode_verify";
  const unverified: Value = [false, new RObject(), new RObject()];
  const o = objectOperand(name, constraintsArg, 2);
  const c = parseConstraints(o, ctx);
  let jwt: Value = jwtArg;
  let header: RObject;
  let payloadBytes: Buffer;
  for (let depth = 0; ; depth++) {
    const token = splitToken(name, jwt);
    header = decodeHeader(token);
    const h = parseTokenHeader(header);
    // RFC 7515 §4.1.1: alg is required; §4.1.11: unknown critical parameters invalidate the JWS.
    if (h.alg === "" || h.unknown.some((u) => h.crit.has(u))) return unverified;
    if (c.alg !== "" && c.alg !== h.alg) return unverified;
    const signature = decodeSignature(token);
    if (!TOKEN_ALGORITHMS.has(h.alg) || !constraintsVerify(c, h, token, signature)) return unverified;
    try {
      payloadBytes = base64url(token.payload);
    } catch (e) {
      if (e instanceof TokenError) throw new TokenError(`JWT payload had invalid encoding: ${e.message}`);
      throw e;
    }
    if (h.cty.toLowerCase() === "jwt" && depth < 16) {
      jwt = payloadBytes.toString("utf8");
      continue;
    }
    break;
  }
  const payload = jsonObject(payloadBytes.toString("utf8"));
  if (c.iss !== "") {
    const iss = payload.get("iss");
    if (iss === undefined || iss !== c.iss) return unverified;
  }
  const aud = payload.get("aud");
  if (aud !== undefined) {
    if (!validAudience(aud, c.aud)) return unverified;
  } else if (c.aud !== "") {
    return unverified;
  }
  const nowSeconds = c.time / 1e9;
  const exp = payload.get("exp");
  if (exp !== undefined) {
    if (typeof exp !== "number" && typeof exp !== "bigint")
      throw new TokenError("exp value must be a number");
    // Expired when now >= exp (RFC 7519 §4.1.4).
    if (compareNumbers(nowSeconds, exp) !== -1) return unverified;
  }
  const nbf = payload.get("nbf");
  if (nbf !== undefined) {
    if (typeof nbf !== "number" && typeof nbf !== "bigint")
      throw new TokenError("nbf value must be a number");
    if (compareNumbers(nowSeconds, nbf) === -1) return unverified;
  }
  return [true, header, payload];
}

/** Go's json.Marshal escapes HTML-significant characters and the JS line separators. */
function goJSON(v: Value): string {
  return toJSONText(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** jwsbb.HeaderGetString("alg") on the raw header bytes, with jwx's error texts. */
function headerAlg(headerText: string): string {
  if (headerText === "")
    throw new TokenError("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  let parsed: unknown;
  try {
    parsed = JSON.parse(headerText);
  } catch (e) {
    if (headerText.trimStart().startsWith("{")) {
      throw new TokenError(`missing or invalid 'alg' header: cannot parse JSON: ${(e as Error).message}`);
    }
    parsed = undefined;
  }
  const alg =
    parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>).alg : undefined;
  if (typeof alg !== "string")
    throw new TokenError(`missing or invalid 'alg' header: jwsbb: header "alg" not found`);
  return alg;
}

function headerTyp(headerText: string): string | undefined {
  try {
    const parsed = JSON.parse(headerText) as unknown;
    const typ =
      parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>).typ : undefined;
    return typeof typ === "string" ? typ : undefined;
  } catch {
    return undefined;
  }
}

function isJSON(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** OPA's commonBuiltinJWTEncodeSign. */
function encodeSign(headerText: string, payloadText: string, jwkText: string): string {
  const alg = headerAlg(headerText);
  if (!TOKEN_ALGORITHMS.has(alg)) throw new TokenError(`unknown JWS algorithm: ${alg}`);
  const typ = headerTyp(headerText);
  if ((typ === undefined || typ === "JWT") && !isJSON(payloadText)) {
    throw new TokenError("type is JWT but payload is not JSON");
  }
  const signingInput =
    Buffer.from(headerText, "utf8").toString("base64url") +
    "." +
    Buffer.from(payloadText, "utf8").toString("base64url");
  const signature = signWithJWK(alg, jwkText, Buffer.from(signingInput, "utf8"));
  return `${signingInput}.${signature.toString("base64url")}`;
}

/** JSON text of a value as OPA marshals it: sets become arrays; non-string keys are an error in Go. */
function marshal(name: string, v: Value, what: string): string {
  const check = (x: Value): void => {
    if (x instanceof RObject) {
      for (const [k, val] of x.entries()) {
        if (typeof k !== "string")
          throw fail(name, `failed to prepare JWT ${what} for marshalling: object key must be string`);
        check(val);
      }
    } else if (Array.isArray(x)) x.forEach(check);
    else if (x instanceof RSet) for (const m of x) check(m);
  };
  check(v);
  return goJSON(v);
}

export const jwtBuiltins: BuiltinDef[] = [
  {
    name: "io.jwt.decode",
    arity: 1,
    fn: ([jwt]) => run("io.jwt.decode", () => decode("io.jwt.decode", jwt!)),
  },
  ...["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"].map(verifyWith),
  verifyWith("EdDSA"),
  ...["HS256", "HS384", "HS512"].map(verifyHS),
  {
    name: "io.jwt.decode_verify",
    arity: 2,
    nondeterministic: true,
    fn: ([jwt, constraints], ctx) => run("io.jwt.decode_verify", () => decodeVerify(jwt!, constraints!, ctx)),
  },
  {
    name: "io.jwt.encode_sign",
    arity: 3,
    nondeterministic: true,
    fn: ([h, p, k]) => {
      const name = "io.jwt.encode_sign";
      const header = marshal(name, h!, "headers");
      const payload = marshal(name, p!, "payload");
      const key = marshal(name, k!, "signature");
      return run(name, () => encodeSign(header, payload, key));
    },
  },
  {
    name: "io.jwt.encode_sign_raw",
    arity: 3,
    nondeterministic: true,
    fn: ([h, p, k]) => {
      const name = "io.jwt.encode_sign_raw";
      const key = stringOperand(name, k!, 3);
      const header = stringOperand(name, h!, 1);
      const payload = stringOperand(name, p!, 2);
      return run(name, () => encodeSign(header, payload, key));
    },
  },
];
