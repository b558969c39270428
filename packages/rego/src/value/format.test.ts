import { test } from "node:test";
import assert from "node:assert/strict";
import { formatNumber, formatValue, goQuote } from "./format.ts";
import { RObject, RSet } from "./value.ts";

test("scalars print as OPA's String()", () => {
  assert.equal(formatValue(null), "null");
  assert.equal(formatValue(true), "true");
  assert.equal(formatValue(42), "42");
  assert.equal(formatValue(2n ** 64n), "18446744073709551616");
  assert.equal(formatValue(1e21), "1000000000000000000000");
  assert.equal(formatValue(0.5), "0.5");
  assert.equal(formatNumber(1e-7), "1e-07");
  assert.equal(formatValue('a"b'), '"a\\"b"');
});

test("strings are quoted as Go's strconv.Quote", () => {
  assert.equal(goQuote("tab\there\n"), '"tab\\there\\n"');
  assert.equal(goQuote("\u0000\u007f"), '"\\x00\\x7f"');
  assert.equal(goQuote("é😀"), '"é😀"');
  assert.equal(goQuote("\u00a0\u200b"), '"\\u00a0\\u200b"');
});

test("composites print in Rego syntax with members in Rego order", () => {
  assert.equal(formatValue([1, "a", [null]]), '[1, "a", [null]]');
  assert.equal(formatValue(RSet.of([3, 1, 2])), "{1, 2, 3}");
  assert.equal(formatValue(new RSet()), "set()");
  assert.equal(formatValue(new RObject()), "{}");
  assert.equal(formatValue(RObject.fromRecord({ b: 1, a: RSet.of(["x"]) })), '{"a": {"x"}, "b": 1}');
  assert.equal(
    formatValue(
      RObject.fromEntries([
        [[1], "k"],
        [1, "n"],
      ]),
    ),
    '{1: "n", [1]: "k"}',
  );
});
