import { test } from "node:test";
import assert from "node:assert/strict";
import {
  RObject,
  RSet,
  compare,
  equals,
  keyOf,
  parseJSON,
  toJSONText,
  typeName,
  type Value,
} from "./index.ts";

test("equal values share a key: numbers by value, objects and sets regardless of order", () => {
  assert.equal(keyOf(1), keyOf(1.0));
  assert.equal(keyOf(2n ** 60n), keyOf(2 ** 60));
  assert.notEqual(keyOf("1"), keyOf(1));
  assert.notEqual(keyOf("\u0000z"), keyOf(null));
  const a = RObject.fromEntries([
    ["x", 1],
    [2, [true]],
  ]);
  const b = RObject.fromEntries([
    [2, [true]],
    ["x", 1],
  ]);
  assert.ok(equals(a, b));
  assert.ok(equals(RSet.of([1, "a"]), RSet.of(["a", 1])));
  assert.ok(!equals(RSet.of([1]), [1]));
});

test("compare follows OPA's type order and orders within types", () => {
  const values: Value[] = [RSet.of([]), new RObject(), [], "a", 1, true, false, null];
  const sorted = [...values].sort(compare).map(typeName);
  assert.deepEqual(sorted, ["null", "boolean", "boolean", "number", "string", "array", "object", "set"]);
  assert.equal(compare([1, 2], [1, 2, 0]), -1);
  assert.equal(compare(10n ** 20n, 1e19), 1);
  assert.equal(compare("a", "b"), -1);
});

test("JSON round trip keeps big integers exact and prints sets sorted", () => {
  const v = parseJSON('{"b":18446744073709551614,"a":[1.5,-0]}');
  assert.equal(toJSONText(v), '{"a":[1.5,0],"b":18446744073709551614}');
  assert.equal(toJSONText(RSet.of([3, 1, 2])), "[1,2,3]");
  assert.equal(toJSONText(RObject.fromEntries([[1, "x"]])), '{"1":"x"}');
});
