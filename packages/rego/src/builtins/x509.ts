/**
 * crypto.x509.* and crypto.parse_private_keys (OPA v1/topdown/crypto.go). Inputs are PEM text, or base64
 * of PEM or DER, exactly as OPA sniffs them; outputs follow Go's JSON encoding of the parsed structs.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { RObject, RSet, type Value } from "../value/value.ts";
import { Base64Error, stdBase64 } from "./gobase64.ts";
import { pemDecode } from "./jwt/keys.ts";
import { fail, objectOperand, stringOperand } from "./operands-b.ts";
import type { BuiltinContext, BuiltinDef } from "./types.ts";
import {
  EXT_KEY_USAGES,
  parseCertificateRequest,
  parseCertificates,
  type ParsedCertificate,
} from "./x509/certificate.ts";
import { DerError } from "./x509/der.ts";
import { verifyChain } from "./x509/verify.ts";

class X509Error extends Error {}

function run<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    // Input nested deeper than recursion allows: a clear error rather than a crash.
    if (e instanceof RangeError && /call stack/.test(e.message)) throw fail(name, "input nesting too deep");
    if (e instanceof X509Error || e instanceof DerError || e instanceof Base64Error)
      throw fail(name, e.message);
    throw e;
  }
}

const b64decode = (s: string): Buffer => Buffer.from(stdBase64(s));

/** All PEM blocks of a text, with Go's pem.Decode loop semantics. */
function pemBlocks(text: string): { type: string; bytes: Buffer }[] {
  const out: { type: string; bytes: Buffer }[] = [];
  let rest = text;
  for (;;) {
    const block = pemDecode(rest);
    if (!block) return out;
    out.push(block);
    rest = block.rest;
  }
}

/** OPA's getX509CertsFromString. */
function certsFromString(input: string): ParsedCertificate[] {
  const fromPem = (text: string): ParsedCertificate[] => {
    const blocks = pemBlocks(text);
    for (const b of blocks) {
      if (b.type !== "CERTIFICATE")
        throw new X509Error(`PEM block type is '${b.type}', expected CERTIFICATE`);
    }
    return parseCertificates(Buffer.concat(blocks.map((b) => b.bytes)));
  };
  if (input.startsWith("-----BEGIN")) return fromPem(input);
  const bytes = b64decode(input);
  if (bytes.subarray(0, 10).toString("latin1") === "-----BEGIN") return fromPem(bytes.toString("utf8"));
  return parseCertificates(bytes);
}

const certsValue = (certs: ParsedCertificate[]): Value => certs.map((c) => c.json);

function parseVerifyOptions(options: RObject): {
  dnsName: string;
  nowMs: number | undefined;
  keyUsages: number[];
} {
  const out = { dnsName: "", nowMs: undefined as number | undefined, keyUsages: [] as number[] };
  for (const [k, v] of options.sortedEntries()) {
    if (typeof k !== "string") continue;
    switch (k) {
      case "DNSName":
        if (typeof v !== "string") throw new X509Error("'DNSName' should be a string");
        out.dnsName = v.replace(/^"+|"+$/g, "");
        break;
      case "CurrentTime":
        if (typeof v !== "number" && typeof v !== "bigint")
          throw new X509Error("'CurrentTime' should be a number");
        if (typeof v === "number" && !Number.isInteger(v))
          throw new X509Error("'CurrentTime' should be a valid int64 number");
        out.nowMs = Number(BigInt(v) / 1_000_000n);
        break;
      case "MaxConstraintComparisons":
        if (typeof v !== "number" && typeof v !== "bigint")
          throw new X509Error("'MaxConstraintComparisons' should be a number");
        break;
      case "KeyUsages": {
        const items = Array.isArray(v) ? v : v instanceof RSet ? v.sorted() : undefined;
        if (!items) throw new X509Error("'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const u of items) {
          if (typeof u !== "string") continue;
          const usage = KEY_USAGE_NAMES[u];
          if (usage === undefined) invalid.push(u);
          else out.keyUsages.push(usage);
        }
        if (invalid.length)
          throw new X509Error(`invalid entries for 'KeyUsages' found: [${invalid.join(" ")}]`);
        break;
      }
      default:
        throw new X509Error("invalid key option");
    }
  }
  return out;
}

/** OPA's allowedKeyUsages names → Go ExtKeyUsage constants. */
const KEY_USAGE_NAMES: Record<string, number> = {
  KeyUsageAny: EXT_KEY_USAGES["2.5.29.37.0"]!,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

function nowMs(ctx: BuiltinContext): number {
  let now = ctx.cache.get("time.now_ns") as bigint | undefined;
  if (now === undefined) {
    now = ctx.hooks.nowNs();
    ctx.cache.set("time.now_ns", now);
  }
  return Number(now / 1_000_000n);
}

const bigOf = (b64url: string | undefined): number | bigint => {
  const n = b64url ? BigInt("0x" + (Buffer.from(b64url, "base64url").toString("hex") || "0")) : 0n;
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
};

/** A private key as Go's encoding/json marshals *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey. */
function privateKeyJSON(key: KeyObject): Value {
  const jwk = key.export({ format: "jwk" }) as Record<string, string | undefined>;
  switch (key.asymmetricKeyType) {
    case "rsa":
      // rsa.PrivateKey embeds PublicKey, so N and E are promoted to the top level.
      return RObject.fromRecord({
        N: bigOf(jwk.n),
        E: bigOf(jwk.e),
        D: bigOf(jwk.d),
        Primes: [bigOf(jwk.p), bigOf(jwk.q)],
        Precomputed: RObject.fromRecord({
          Dp: bigOf(jwk.dp),
          Dq: bigOf(jwk.dq),
          Qinv: bigOf(jwk.qi),
          CRTValues: [],
        }),
      });
    case "ec":
      return RObject.fromRecord({ Curve: new RObject(), X: bigOf(jwk.x), Y: bigOf(jwk.y), D: bigOf(jwk.d) });
    case "ed25519":
      return Buffer.concat([
        Buffer.from(jwk.d ?? "", "base64url"),
        Buffer.from(jwk.x ?? "", "base64url"),
      ]).toString("base64");
    default:
      return null;
  }
}

/** OPA's getPrivateKeysFromPEMData: RSA (PKCS #1), PKCS #8 and EC (SEC 1) blocks; others are skipped. */
function privateKeysFromPEM(text: string): KeyObject[] {
  try {
    text = Buffer.from(stdBase64(text)).toString("latin1");
  } catch {
    // not base64: PEM text as given
  }
  const keys: KeyObject[] = [];
  for (const block of pemBlocks(text)) {
    const parse = (type: "pkcs1" | "pkcs8" | "sec1", what: string): KeyObject => {
      try {
        return createPrivateKey({ key: block.bytes, format: "der", type });
      } catch (e) {
        throw new X509Error(`x509: failed to parse ${what}: ${(e as Error).message}`);
      }
    };
    if (block.type === "RSA PRIVATE KEY") keys.push(parse("pkcs1", "private key"));
    else if (block.type === "PRIVATE KEY") keys.push(parse("pkcs8", "private key"));
    else if (block.type === "EC PRIVATE KEY") keys.push(parse("sec1", "EC private key"));
  }
  return keys;
}

function keyPair(certText: string, keyText: string): Value {
  const isPem = (s: string): boolean => s.startsWith("-----BEGIN ");
  let certPem = certText;
  let keyPem = keyText;
  if (!isPem(certPem)) certPem = b64decode(certPem).toString("latin1");
  if (!isPem(keyPem)) keyPem = b64decode(keyPem).toString("latin1");
  const wrap = (type: string, s: string): string =>
    `-----BEGIN ${type}-----\n${Buffer.from(s, "latin1").toString("base64")}\n-----END ${type}-----\n`;
  if (!isPem(certPem)) certPem = wrap("CERTIFICATE", certPem);
  if (!keyPem.startsWith("-----BEGIN")) keyPem = wrap("PRIVATE KEY", keyPem);
  const certBlocks = pemBlocks(certPem).filter((b) => b.type === "CERTIFICATE");
  if (certBlocks.length === 0) throw new X509Error("tls: failed to find any PEM data in certificate input");
  const keyBlock = pemBlocks(keyPem).find((b) => b.type === "PRIVATE KEY" || b.type.endsWith(" PRIVATE KEY"));
  if (!keyBlock) throw new X509Error("tls: failed to find any PEM data in key input");
  const certs = parseCertificates(Buffer.concat(certBlocks.map((b) => b.bytes)));
  let key: KeyObject | undefined;
  for (const type of ["pkcs1", "pkcs8", "sec1"] as const) {
    try {
      key = createPrivateKey({ key: keyBlock.bytes, format: "der", type });
      break;
    } catch {
      // try the next encoding, as tls.parsePrivateKey does
    }
  }
  if (!key) throw new X509Error("tls: failed to parse private key");
  const leaf = certs[0]!;
  const certPub = createPublicKey({
    key: Buffer.from(leaf.json.get("RawSubjectPublicKeyInfo") as string, "base64"),
    format: "der",
    type: "spki",
  });
  const derived = createPublicKey(key);
  if (
    !certPub.export({ format: "der", type: "spki" }).equals(derived.export({ format: "der", type: "spki" }))
  ) {
    throw new X509Error("tls: private key does not match public key");
  }
  return RObject.fromRecord({
    Certificate: certs.map((c) => c.der.toString("base64")),
    PrivateKey: privateKeyJSON(key),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: leaf.json,
  });
}

export const x509Builtins: BuiltinDef[] = [
  {
    name: "crypto.x509.parse_certificates",
    arity: 1,
    fn: ([a]) => {
      const name = "crypto.x509.parse_certificates";
      const input = stringOperand(name, a!, 1);
      return run(name, () => certsValue(certsFromString(input)));
    },
  },
  {
    name: "crypto.x509.parse_and_verify_certificates",
    arity: 1,
    fn: ([a], ctx) => {
      const input = stringOperand("crypto.x509.parse_and_verify_certificates", a!, 1);
      let certs: ParsedCertificate[];
      try {
        certs = certsFromString(input);
      } catch {
        return [false, []];
      }
      const chain = verifyChain(certs, { dnsName: "", nowMs: nowMs(ctx), keyUsages: [] });
      return chain ? [true, certsValue(chain)] : [false, []];
    },
  },
  {
    name: "crypto.x509.parse_and_verify_certificates_with_options",
    arity: 2,
    fn: ([a, o], ctx) => {
      const name = "crypto.x509.parse_and_verify_certificates_with_options";
      const input = stringOperand(name, a!, 1);
      const options = objectOperand(name, o!, 2);
      let certs: ParsedCertificate[];
      try {
        certs = certsFromString(input);
      } catch {
        return [false, []];
      }
      const opts = run(name, () => parseVerifyOptions(options));
      const chain = verifyChain(certs, {
        dnsName: opts.dnsName,
        nowMs: opts.nowMs ?? nowMs(ctx),
        keyUsages: opts.keyUsages,
      });
      return chain ? [true, certsValue(chain)] : [false, []];
    },
  },
  {
    name: "crypto.x509.parse_certificate_request",
    arity: 1,
    fn: ([a]) => {
      const name = "crypto.x509.parse_certificate_request";
      const input = stringOperand(name, a!, 1);
      return run(name, () => {
        let bytes = input.startsWith("-----BEGIN CERTIFICATE REQUEST-----")
          ? Buffer.from(input, "utf8")
          : b64decode(input);
        const block = pemDecode(bytes.toString("latin1"));
        if (block && block.type !== "CERTIFICATE REQUEST")
          throw new X509Error("invalid PEM-encoded certificate signing request");
        if (block) bytes = block.bytes;
        if (bytes[0] !== 0x30) {
          throw new X509Error(
            `asn1: structure error: tags don't match (16 vs {class:${(bytes[0] ?? 0) >> 6} tag:${(bytes[0] ?? 0) & 0x1f}})`,
          );
        }
        return parseCertificateRequest(bytes);
      });
    },
  },
  {
    name: "crypto.x509.parse_keypair",
    arity: 2,
    fn: ([c, k]) => {
      const name = "crypto.x509.parse_keypair";
      const cert = stringOperand(name, c!, 1);
      const key = stringOperand(name, k!, 1);
      return run(name, () => keyPair(cert, key));
    },
  },
  {
    name: "crypto.x509.parse_rsa_private_key",
    arity: 1,
    fn: ([a]) => {
      const name = "crypto.x509.parse_rsa_private_key";
      let input = stringOperand(name, a!, 1);
      return run(name, () => {
        if (input === "") throw new X509Error("input PEM data was empty");
        if (!input.startsWith("-----BEGIN")) input = b64decode(input).toString("latin1");
        const keys = privateKeysFromPEM(input);
        if (keys.length === 0) return null;
        // The first key as a JWK (lestrrat-go/jwx's jwk.New + json.Marshal).
        const jwk = keys[0]!.export({ format: "jwk" }) as Record<string, string>;
        return RObject.fromRecord(jwk);
      });
    },
  },
  {
    name: "crypto.parse_private_keys",
    arity: 1,
    fn: ([a]) => {
      const name = "crypto.parse_private_keys";
      const input = stringOperand(name, a!, 1);
      if (input === "") return null;
      return run(name, () => privateKeysFromPEM(input).map(privateKeyJSON));
    },
  },
];
