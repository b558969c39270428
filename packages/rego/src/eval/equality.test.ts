import { test } from "node:test";
import assert from "node:assert/strict";
import { RObject, RSet, equals, type Value } from "../value/value.ts";
import { fastEquals } from "./equality.ts";

const o = (r: Record<string, Value>): RObject => RObject.fromRecord(r);

// Pairs chosen to hit every branch: scalars of mixed types, number/bigint, nested composites,
// same sizes with different keys, sets with different members, composite types that differ.
const values: Value[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  1.5,
  2 ** 53,
  2n ** 53n,
  "",
  "a",
  "\u0000n1",
  [],
  [1],
  [1.0],
  ["1"],
  [1, [2, 3]],
  [1, [2, 4]],
  o({}),
  o({ a: 1 }),
  o({ b: 1 }),
  o({ a: [1, 2] }),
  o({ a: [1, 3] }),
  RObject.fromEntries([[1, "x"]]),
  RObject.fromEntries([["1", "x"]]),
  new RSet(),
  RSet.of([1, 2]),
  RSet.of([2, 1]),
  RSet.of([1, 3]),
  RSet.of([o({ a: 1 })]),
];

test("fastEquals agrees with value.ts equals on every pair", () => {
  let equalPairs = 0;
  for (const a of values) {
    for (const b of values) {
      assert.equal(fastEquals(a, b), equals(a, b), `${String(a)} vs ${String(b)}`);
      if (equals(a, b)) equalPairs++;
    }
  }
  // Distinct objects that are equal exist in the list (1 and 1.0 arrays, sets in another order, ±0).
  assert.ok(equalPairs > values.length);
});

test("fastEquals compares deep structures built separately", () => {
  const mk = (): Value => o({ mounts: [o({ destination: "/a", options: ["rbind", "ro"] })], n: 3 });
  assert.equal(fastEquals(mk(), mk()), true);
  assert.equal(fastEquals(mk(), o({ mounts: [o({ destination: "/a", options: ["rbind"] })], n: 3 })), false);
});
