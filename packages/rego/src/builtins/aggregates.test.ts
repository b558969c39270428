import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { aggregatesBuiltins } from "./aggregates.ts";
import { arraysBuiltins } from "./arrays.ts";
import { setsBuiltins } from "./sets.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map([...aggregatesBuiltins, ...arraysBuiltins, ...setsBuiltins].map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof BuiltinError && e.code === code && e.detail === message);
}

test("count counts members, keys and runes", () => {
  assert.equal(call("count", [1, 2]), 2);
  assert.equal(call("count", RObject.fromRecord({ a: 1 })), 1);
  assert.equal(call("count", RSet.of([1, 1.0, 2])), 2);
  assert.equal(call("count", "a😀"), 2);
  fails(
    () => call("count", null),
    "eval_type_error",
    "count: operand 1 must be one of {array, object, set, string} but got null",
  );
});

test("sum and product are exact over integers", () => {
  assert.equal(call("sum", [1, 2, 3]), 6);
  assert.equal(call("sum", [9007199254740991, 2]), 9007199254740993n);
  assert.equal(call("sum", RSet.of([1.5, 2.5])), 4);
  assert.equal(call("product", [2n ** 40n, 2n ** 40n]), 2n ** 80n);
  assert.equal(call("product", []), 1);
  fails(
    () => call("sum", [1, "a"]),
    "eval_type_error",
    "sum: operand 1 must be array of numbers but got array containing string",
  );
  fails(
    () => call("product", "x"),
    "eval_type_error",
    "product: operand 1 must be one of {set, array} but got string",
  );
});

test("max, min and sort use OPA's order; empty max is undefined", () => {
  assert.equal(call("max", [1, "a", null]), "a");
  assert.equal(call("min", RSet.of([3, 1, 2])), 1);
  assert.equal(call("max", []), undefined);
  assert.deepEqual(call("sort", [3, "b", null, 1, false]), [null, false, 1, 3, "b"]);
  assert.deepEqual(call("sort", RSet.of([2, 1])), [1, 2]);
});

test("deprecated all/any", () => {
  assert.equal(call("all", [true, true]), true);
  assert.equal(call("all", RSet.of([true, false])), false);
  assert.equal(call("all", []), true);
  assert.equal(call("any", new RSet()), false);
  assert.equal(call("any", [false, true]), true);
  fails(() => call("any", 1), "eval_type_error", "any: operand 1 must be one of {array, set} but got number");
});

test("arrays", () => {
  assert.deepEqual(call("array.concat", [1], [2, 3]), [1, 2, 3]);
  assert.deepEqual(call("array.slice", [1, 2, 3, 4], 1, 3), [2, 3]);
  assert.deepEqual(call("array.slice", [1, 2, 3], -5, 10), [1, 2, 3]);
  assert.deepEqual(call("array.slice", [1, 2, 3], 2, 1), []);
  assert.deepEqual(call("array.reverse", [1, 2, 3]), [3, 2, 1]);
  assert.deepEqual(call("array.flatten", [[1, [2]], 3, []]), [1, [2], 3]);
  fails(
    () => call("array.concat", RObject.fromRecord({}), []),
    "eval_type_error",
    "array.concat: operand 1 must be array but got object",
  );
  fails(
    () => call("array.flatten", 42),
    "eval_type_error",
    "array.flatten: operand 1 must be array but got number",
  );
});

test("sets", () => {
  assert.deepEqual((call("and", RSet.of([1, 2, 3]), RSet.of([2, 3, 4])) as RSet).sorted(), [2, 3]);
  assert.deepEqual((call("or", RSet.of([1]), RSet.of([2])) as RSet).sorted(), [1, 2]);
  assert.deepEqual((call("intersection", RSet.of([RSet.of([1, 2]), RSet.of([2, 3])])) as RSet).sorted(), [2]);
  assert.deepEqual((call("union", RSet.of([RSet.of([1, 2]), RSet.of([2, 3])])) as RSet).sorted(), [1, 2, 3]);
  assert.equal((call("intersection", new RSet()) as RSet).size, 0);
  assert.deepEqual((call("set_diff", RSet.of([1, 2, 3]), RSet.of([2])) as RSet).sorted(), [1, 3]);
  fails(() => call("and", RSet.of([1]), 1), "eval_type_error", "and: operand 2 must be set but got number");
  fails(() => call("union", RSet.of([1])), "eval_type_error", "union: operand 1 must be set but got number");
});
