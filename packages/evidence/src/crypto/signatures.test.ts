/**
 * Every case of the Wycheproof files gathered in shared/vectors/wycheproof must get Wycheproof's verdict.
 * "acceptable" cases: none exist in these five files (checked below); were one to appear we would require
 * rejection, the conservative choice for a verifier.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generateKeyPairSync, sign } from "node:crypto";
import { vectorPath } from "@cocoon/core";
import {
  verifyEcdsaP1363,
  verifyEcdsaDer,
  verifyRsaPss,
  littleEndianToBigEndian,
  littleEndianToBigEndianInto,
  p1363ToDer,
  InvalidPublicKeyError,
  type EcCurve,
  type DigestAlg,
} from "./signatures.ts";

interface WycheproofTest {
  tcId: number;
  msg: string;
  sig: string;
  result: "valid" | "invalid" | "acceptable";
}
interface WycheproofGroup {
  publicKeyDer: string;
  sha: string;
  sLen?: number;
  mgfSha?: string;
  tests: WycheproofTest[];
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: WycheproofGroup[];
}

function load(name: string): WycheproofFile {
  return JSON.parse(readFileSync(vectorPath("wycheproof", name), "utf8")) as WycheproofFile;
}

function digestOf(sha: string): DigestAlg {
  const map: Record<string, DigestAlg> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };
  const d = map[sha];
  assert.ok(d, `unexpected digest ${sha}`);
  return d;
}

function runFile(
  name: string,
  check: (group: WycheproofGroup, key: Buffer, sig: Buffer, msg: Buffer) => boolean,
): void {
  const file = load(name);
  let count = 0;
  const mismatches: number[] = [];
  for (const group of file.testGroups) {
    const key = Buffer.from(group.publicKeyDer, "hex");
    for (const t of group.tests) {
      count++;
      assert.notEqual(t.result, "acceptable", `tcId ${t.tcId}: acceptable cases need a documented choice`);
      const verdict = check(group, key, Buffer.from(t.sig, "hex"), Buffer.from(t.msg, "hex"));
      if (verdict !== (t.result === "valid")) mismatches.push(t.tcId);
    }
  }
  assert.equal(count, file.numberOfTests, "every test of the file was run");
  assert.deepEqual(mismatches, [], `${name}: verdict differs from Wycheproof for tcIds`);
}

const ecdsaFiles: [string, EcCurve, "p1363" | "der"][] = [
  ["ecdsa_secp256r1_sha256_p1363_test.json", "P-256", "p1363"],
  ["ecdsa_secp384r1_sha384_p1363_test.json", "P-384", "p1363"],
  ["ecdsa_secp256r1_sha256_test.json", "P-256", "der"],
  ["ecdsa_secp384r1_sha384_test.json", "P-384", "der"],
];

for (const [name, curve, encoding] of ecdsaFiles) {
  test(`wycheproof ${name}`, () => {
    runFile(name, (group, key, sig, msg) =>
      encoding === "p1363"
        ? verifyEcdsaP1363(curve, digestOf(group.sha), key, sig, msg)
        : verifyEcdsaDer(curve, digestOf(group.sha), key, sig, msg),
    );
  });
}

test("wycheproof rsa_pss_4096_sha384_mgf1_48_test.json", () => {
  runFile("rsa_pss_4096_sha384_mgf1_48_test.json", (group, key, sig, msg) => {
    assert.equal(group.mgfSha, group.sha, "MGF1 digest equals the message digest in this file");
    return verifyRsaPss(digestOf(group.sha), group.sLen!, key, sig, msg);
  });
});

test("wrong key type or curve is a typed error, not a verdict", () => {
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  assert.throws(
    () => verifyEcdsaP1363("P-384", "sha384", publicKey, new Uint8Array(96), new Uint8Array(1)),
    InvalidPublicKeyError,
  );
  assert.throws(
    () => verifyRsaPss("sha384", 48, publicKey, new Uint8Array(512), new Uint8Array(1)),
    InvalidPublicKeyError,
  );
  assert.throws(
    () => verifyEcdsaDer("P-256", "sha256", new Uint8Array([1, 2, 3]), new Uint8Array(8), new Uint8Array(1)),
    InvalidPublicKeyError,
  );
});

test("P1363 signatures of the wrong length are invalid", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const data = Buffer.from("cocoon");
  const sig = sign("sha384", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  assert.equal(verifyEcdsaP1363("P-384", "sha384", publicKey, sig, data), true);
  assert.equal(
    verifyEcdsaP1363("P-384", "sha384", publicKey, Buffer.concat([sig, Buffer.alloc(1)]), data),
    false,
  );
  assert.equal(verifyEcdsaP1363("P-384", "sha384", publicKey, sig.subarray(1), data), false);
});

test("little-endian zero-extended fields convert, and overflowing ones are refused", () => {
  const field = new Uint8Array(72);
  field[0] = 0x01;
  field[47] = 0xff;
  const be = littleEndianToBigEndian(field, 48)!;
  assert.equal(be.length, 48);
  assert.equal(be[0], 0xff);
  assert.equal(be[47], 0x01);
  field[48] = 1;
  assert.equal(littleEndianToBigEndian(field, 48), undefined);
});

test("littleEndianToBigEndianInto writes in place and refuses values that do not fit", () => {
  const field = new Uint8Array(72);
  for (let i = 0; i < 48; i++) field[i] = i + 1;
  const out = new Uint8Array(96);
  assert.equal(littleEndianToBigEndianInto(field, out, 48, 48), true);
  assert.deepEqual(out.subarray(48), littleEndianToBigEndian(field, 48));
  assert.deepEqual(out.subarray(0, 48), new Uint8Array(48), "bytes outside the destination range untouched");
  field[48] = 1;
  assert.equal(littleEndianToBigEndianInto(field, out, 0, 48), false);
  assert.equal(littleEndianToBigEndianInto(new Uint8Array(10), out, 0, 48), false, "field shorter than size");
  assert.equal(littleEndianToBigEndianInto(new Uint8Array(72), out, 60, 48), false, "destination too small");
});

test("a key accepted for one curve is still refused for another (the curve check is remembered per curve)", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const data = Buffer.from("curve");
  const signature = sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  assert.equal(verifyEcdsaP1363("P-256", "sha256", publicKey, signature, data), true);
  assert.throws(() => verifyEcdsaP1363("P-384", "sha384", publicKey, new Uint8Array(96), data), {
    code: "ERR_INVALID_PUBLIC_KEY",
  });
  assert.equal(verifyEcdsaP1363("P-256", "sha256", publicKey, signature, data), true);
});

/** Reads a DER Ecdsa-Sig-Value (short-form lengths, as P-256/P-384 signatures have) into fixed-size r‖s. */
function derToP1363(der: Uint8Array, size: number): Uint8Array {
  assert.equal(der[0], 0x30);
  const out = new Uint8Array(2 * size);
  let at = 2;
  for (const half of [0, 1]) {
    assert.equal(der[at], 0x02);
    const length = der[at + 1]!;
    const value = der.subarray(at + 2, at + 2 + length);
    const magnitude = value[0] === 0 ? value.subarray(1) : value;
    out.set(magnitude, half * size + size - magnitude.length);
    at += 2 + length;
  }
  return out;
}

test("p1363ToDer produces exactly node's canonical DER for real signatures (P-256 and P-384)", () => {
  for (const [curve, size, digest] of [
    ["P-256", 32, "sha256"],
    ["P-384", 48, "sha384"],
  ] as const) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
    for (let i = 0; i < 150; i++) {
      const data = Buffer.from(`message ${i}`);
      const der = sign(digest, data, privateKey); // default dsaEncoding: DER, minimal INTEGERs
      const p1363 = derToP1363(der, size);
      assert.deepEqual(p1363ToDer(p1363), new Uint8Array(der), `${curve} #${i}`);
      assert.equal(verifyEcdsaP1363(curve, digest, publicKey, p1363, data), true);
    }
  }
});

test("p1363ToDer: leading zeros dropped, sign byte added, zero kept as one byte", () => {
  const sig = new Uint8Array(64);
  sig[31] = 0x05; // r = 5
  sig[32] = 0x80; // s has its top bit set
  sig[63] = 0x01;
  const der = p1363ToDer(sig);
  assert.deepEqual([...der.subarray(0, 5)], [0x30, 3 + 2 + 33, 0x02, 0x01, 0x05]);
  assert.deepEqual([...der.subarray(5, 8)], [0x02, 33, 0x00]);
  assert.equal(der.length, 2 + 3 + 2 + 33);
  assert.deepEqual([...p1363ToDer(new Uint8Array(96))], [0x30, 6, 0x02, 1, 0, 0x02, 1, 0]);
});
