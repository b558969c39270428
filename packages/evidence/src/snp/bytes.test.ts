import { test } from "node:test";
import assert from "node:assert/strict";
import { hexOf, sameBytes } from "./bytes.ts";

test("hexOf equals Buffer hex for every length and offset, including longer than its scratch space", () => {
  const data = new Uint8Array(600).map((_, i) => (i * 151 + 7) & 0xff);
  for (const length of [0, 1, 8, 48, 64, 255, 256, 257, 600]) {
    for (const offset of [0, 3]) {
      if (offset + length > data.length) continue;
      const expected = Buffer.from(data.subarray(offset, offset + length)).toString("hex");
      assert.equal(hexOf(data, offset, length), expected, `length ${length} offset ${offset}`);
      assert.equal(hexOf(data.subarray(offset, offset + length)), expected);
    }
  }
});

test("sameBytes compares contents and lengths", () => {
  assert.ok(sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])));
  assert.ok(sameBytes(new Uint8Array(0), new Uint8Array(0)));
  assert.ok(!sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])));
  assert.ok(!sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2])));
  const big = new Uint8Array([9, 1, 2, 3]);
  assert.ok(sameBytes(big.subarray(1), new Uint8Array([1, 2, 3])), "views are compared by their own range");
});
