import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { jwtBuiltins } from "./jwt.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, toJSONText, type Value } from "../value/index.ts";
import { runLiteralCases } from "./testing/literal-cases.ts";
import { testContext } from "./testing/context.ts";

const call = (name: string, ...args: Value[]): Value | undefined =>
  jwtBuiltins.find((b) => b.name === name)!.fn(args, testContext());

test("io.jwt.* conformance cases that are single literal calls", () => {
  const folders = [
    "jwtbuiltins",
    "jwtdecodeverify",
    "jwtencodesign",
    "jwtencodesignheadererrors",
    "jwtencodesignpayloaderrors",
    "jwtencodesignraw",
    "jwtverifyeddsa",
    "jwtverifyhs256",
    "jwtverifyhs384",
    "jwtverifyhs512",
    "jwtverifyrsa",
  ];
  const r = runLiteralCases(folders, jwtBuiltins, () => testContext(BigInt(Date.now()) * 1_000_000n));
  assert.deepEqual(r.failures, []);
  assert.ok(r.pass >= 110, `only ${r.pass} cases ran`);
});

test("sign then verify round trips for every asymmetric family", () => {
  const payload = RObject.fromRecord({ sub: "alice", exp: 4102444800 });
  const cases: [string, string, Record<string, unknown>][] = [];
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const ed = generateKeyPairSync("ed25519");
  for (const alg of ["RS256", "PS512"]) cases.push([alg, "rsa", rsa.privateKey.export({ format: "jwk" })]);
  cases.push(["ES384", "ec", ec.privateKey.export({ format: "jwk" })]);
  cases.push(["EdDSA", "ed", ed.privateKey.export({ format: "jwk" })]);
  const publics: Record<string, unknown> = {
    rsa: rsa.publicKey.export({ format: "jwk" }),
    ec: ec.publicKey.export({ format: "jwk" }),
    ed: ed.publicKey.export({ format: "jwk" }),
  };
  for (const [alg, kind, jwk] of cases) {
    const token = call(
      "io.jwt.encode_sign",
      RObject.fromRecord({ alg }),
      payload,
      RObject.fromRecord(jwk as Record<string, string>),
    ) as string;
    const pub = JSON.stringify(publics[kind]);
    assert.equal(call(`io.jwt.verify_${alg.toLowerCase()}`, token, pub), true, alg);
    const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assert.equal(call(`io.jwt.verify_${alg.toLowerCase()}`, tampered, pub), false, alg);
    const [ok, , claims] = call("io.jwt.decode_verify", token, RObject.fromRecord({ cert: pub })) as Value[];
    assert.equal(ok, true, alg);
    assert.equal(toJSONText(claims!), '{"exp":4102444800,"sub":"alice"}');
  }
});

test("decode_verify enforces exp, nbf, iss, aud and the key constraints", () => {
  const key = RObject.fromRecord({ kty: "oct", k: Buffer.from("secret").toString("base64url") });
  const sign = (claims: Record<string, Value>): string =>
    call(
      "io.jwt.encode_sign",
      RObject.fromRecord({ alg: "HS256", typ: "JWT" }),
      RObject.fromRecord(claims),
      key,
    ) as string;
  const verify = (token: string, constraints: Record<string, Value>): Value =>
    (call("io.jwt.decode_verify", token, RObject.fromRecord(constraints)) as Value[])[0]!;
  const now = 1_700_000_000;
  assert.equal(verify(sign({ exp: now + 10 }), { secret: "secret" }), true);
  assert.equal(verify(sign({ exp: now - 10 }), { secret: "secret" }), false);
  assert.equal(verify(sign({ nbf: now + 10 }), { secret: "secret" }), false);
  assert.equal(verify(sign({ iss: "a" }), { secret: "secret", iss: "b" }), false);
  assert.equal(verify(sign({ aud: ["x", "y"] }), { secret: "secret", aud: "y" }), true);
  assert.equal(verify(sign({ aud: "x" }), { secret: "secret" }), false);
  assert.equal(verify(sign({}), { secret: "wrong" }), false);
  assert.throws(
    () => verify(sign({}), {}),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("no key constraint"),
  );
  assert.throws(
    () => verify(sign({}), { secret: "secret", foo: 1 }),
    (e: unknown) =>
      e instanceof BuiltinError && e.message.includes("unknown token validation constraint: foo"),
  );
  assert.throws(
    () => verify(sign({ exp: "soon" }), { secret: "secret" }),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("exp value must be a number"),
  );
});
