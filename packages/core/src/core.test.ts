import { test } from "node:test";
import assert from "node:assert/strict";
import {
  canonicalize,
  decodePemBlocks,
  encodePem,
  fromBase64,
  fromBase64Url,
  fromHex,
  toHex,
} from "./index.ts";

test("hex round-trips and rejects bad input with a typed error", () => {
  assert.equal(toHex(fromHex("00ff10")), "00ff10");
  assert.throws(() => fromHex("abc"), { code: "ERR_INVALID_INPUT" });
  assert.throws(() => fromHex("zz"), { code: "ERR_INVALID_INPUT" });
});

test("base64 and base64url are strict", () => {
  assert.deepEqual([...fromBase64("AQID")], [1, 2, 3]);
  assert.deepEqual([...fromBase64Url("-_8")], [0xfb, 0xff]);
  assert.throws(() => fromBase64("A"), { code: "ERR_INVALID_INPUT" });
  assert.throws(() => fromBase64Url("a+b"), { code: "ERR_INVALID_INPUT" });
});

test("PEM encode/decode", () => {
  const pem = encodePem("CERTIFICATE", Buffer.from([1, 2, 3])) + "junk\n" + encodePem("X", Buffer.from([4]));
  const blocks = decodePemBlocks(pem);
  assert.deepEqual(
    blocks.map((b) => [b.label, [...b.der]]),
    [
      ["CERTIFICATE", [1, 2, 3]],
      ["X", [4]],
    ],
  );
});

test("JCS (RFC 8785) sorts keys and formats numbers like ECMAScript", () => {
  assert.equal(
    canonicalize({ b: [1, 2e21, 1e-7], a: "\u20ac\n", c: null }),
    '{"a":"€\\n","b":[1,2e+21,1e-7],"c":null}',
  );
  assert.throws(() => canonicalize(Number.NaN), { code: "ERR_INVALID_INPUT" });
});
