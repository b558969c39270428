import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import * as asn1js from "asn1js";
import { p256SignatureToDer, verifyP256Sha256 } from "./ecdsa.ts";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });

/** r‖s of a DER signature, each left-padded to 32 bytes (independent decoder: asn1js). */
function derToRaw(der: Uint8Array): Uint8Array {
  const seq = asn1js.fromBER(der).result as asn1js.Sequence;
  const out = new Uint8Array(64);
  seq.valueBlock.value.forEach((v, i) => {
    const bytes = new Uint8Array((v as asn1js.Integer).valueBlock.valueHexView);
    const trimmed = bytes[0] === 0 ? bytes.subarray(1) : bytes;
    out.set(trimmed, 32 * (i + 1) - trimmed.length);
  });
  return out;
}

test("r‖s re-encodes to exactly the DER OpenSSL produces (high bits, leading zeros)", () => {
  let highBit = 0;
  for (let i = 0; i < 300; i++) {
    const der = new Uint8Array(sign("sha256", Buffer.from(`message ${i}`), privateKey));
    const raw = derToRaw(der);
    if (raw[0]! & 0x80) highBit++;
    assert.deepEqual(p256SignatureToDer(raw), der, `signature ${i}`);
  }
  assert.ok(highBit > 0, "some r needed the sign padding byte");
});

test("minimal INTEGER encoding of small and zero halves", () => {
  const raw = new Uint8Array(64);
  raw[31] = 0x01; // r = 1
  raw[32 + 30] = 0x80; // s = 0x8000: leading zeros dropped, a sign byte added
  assert.deepEqual(
    p256SignatureToDer(raw),
    new Uint8Array([0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0x80, 0x00]),
  );
  assert.deepEqual(
    p256SignatureToDer(new Uint8Array(64)),
    new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]),
  );
  assert.equal(p256SignatureToDer(new Uint8Array(65)), undefined);
});

test("verifies exactly what ieee-p1363 verification accepts", () => {
  const data = Buffer.from("quote body");
  const raw = new Uint8Array(sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" }));
  assert.equal(verifyP256Sha256(data, publicKey, raw), true);
  assert.equal(verifyP256Sha256(Buffer.from("quote bodY"), publicKey, raw), false);
  const flipped = new Uint8Array(raw);
  flipped[40]! ^= 1;
  assert.equal(verifyP256Sha256(data, publicKey, flipped), false);
  assert.equal(verifyP256Sha256(data, publicKey, raw.subarray(0, 63)), false, "short signature");
  assert.equal(verifyP256Sha256(data, publicKey, new Uint8Array(64)), false, "r = s = 0");
  assert.equal(verifyP256Sha256(data, publicKey, new Uint8Array(64).fill(0xff)), false, "r, s ≥ n");
});

test("a key on another curve never verifies, as with ieee-p1363 (which wants 96 bytes for P-384)", () => {
  const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const data = Buffer.from("x");
  const raw = new Uint8Array(sign("sha256", data, { key: p384.privateKey, dsaEncoding: "ieee-p1363" }));
  assert.equal(verifyP256Sha256(data, p384.publicKey, raw), false, "96-byte P-384 signature");
  assert.equal(verifyP256Sha256(data, p384.publicKey, raw.subarray(0, 64)), false);
  const ed = generateKeyPairSync("ed25519");
  assert.equal(verifyP256Sha256(data, ed.publicKey, new Uint8Array(64)), false);
});
