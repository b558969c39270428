/**
 * crypto.* hashes and HMACs (OPA v1/topdown/crypto.go): hex digests of the UTF-8 bytes of a string.
 * The x509 and key parsing builtins live in ./x509.ts.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { stringOperand } from "./operands-b.ts";
import type { BuiltinDef } from "./types.ts";

function digest(name: string, algorithm: string): BuiltinDef {
  return {
    name,
    arity: 1,
    fn: ([s]) =>
      createHash(algorithm)
        .update(stringOperand(name, s!, 1), "utf8")
        .digest("hex"),
  };
}

function hmac(name: string, algorithm: string): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: ([message, key]) => {
      const m = stringOperand(name, message!, 1);
      const k = stringOperand(name, key!, 2);
      return createHmac(algorithm, Buffer.from(k, "utf8")).update(m, "utf8").digest("hex");
    },
  };
}

export const cryptoBuiltins: BuiltinDef[] = [
  digest("crypto.md5", "md5"),
  digest("crypto.sha1", "sha1"),
  digest("crypto.sha256", "sha256"),
  hmac("crypto.hmac.md5", "md5"),
  hmac("crypto.hmac.sha1", "sha1"),
  hmac("crypto.hmac.sha256", "sha256"),
  hmac("crypto.hmac.sha512", "sha512"),
  {
    name: "crypto.hmac.equal",
    arity: 2,
    fn: ([a, b]) => {
      const name = "crypto.hmac.equal";
      const x = Buffer.from(stringOperand(name, a!, 1), "utf8");
      const y = Buffer.from(stringOperand(name, b!, 2), "utf8");
      // Constant-time, as Go's hmac.Equal: comparing MACs must not leak where they differ.
      return x.length === y.length && timingSafeEqual(x, y);
    },
  },
];
