import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import { RSet, type Value } from "../value/value.ts";
import { numbersBuiltins } from "./numbers.ts";
import { comparisonBuiltins } from "./comparison.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map([...numbersBuiltins, ...comparisonBuiltins].map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

function throwsBuiltin(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BuiltinError);
    assert.equal(e.code, code);
    assert.equal(e.detail, message);
    return true;
  });
}

test("integer arithmetic is exact beyond 2^53 and 2^64", () => {
  assert.equal(call("plus", 18446744073709551617n, 1), 18446744073709551618n);
  assert.equal(call("minus", -18446744073709551617n, 1), -18446744073709551618n);
  assert.equal(call("mul", 18446744073709551617n, 2), 36893488147419103234n);
  assert.equal(call("plus", 49649733057, 1), 49649733058);
  assert.equal(call("plus", 9007199254740991, 1), 9007199254740992n);
});

test("floats combine as doubles and integral results normalise to integers", () => {
  assert.equal(call("plus", 1.5, 2.5), 4);
  assert.equal(call("plus", 1, 2.5), 3.5);
  assert.equal(call("mul", 2.5, 2), 5);
  assert.equal(call("div", 7, 2), 3.5);
  assert.equal(call("div", 6, 3), 2);
});

test("division and remainder errors use OPA's wording", () => {
  throwsBuiltin(() => call("div", 1, 0), "eval_builtin_error", "div: divide by zero");
  throwsBuiltin(() => call("div", 1, 0.0), "eval_builtin_error", "div: divide by zero");
  throwsBuiltin(() => call("rem", 7, 0), "eval_builtin_error", "rem: modulo by zero");
  throwsBuiltin(() => call("rem", 1.1, 1), "eval_builtin_error", "rem: modulo on floating-point number");
  assert.equal(call("rem", 7, 4), 3);
  assert.equal(call("rem", -7, 4), -3);
  assert.equal(call("rem", 10, 18446744073709551616n), 10);
  assert.equal(call("rem", 18446744073709551617n, 18446744073709551616n), 1);
});

test("operand type errors name the operand and both types", () => {
  throwsBuiltin(
    () => call("plus", 1, "a"),
    "eval_type_error",
    "plus: operand 2 must be number but got string",
  );
  throwsBuiltin(
    () => call("minus", RSet.of([1]), 1),
    "eval_type_error",
    "minus: operand 2 must be set but got number",
  );
  throwsBuiltin(
    () => call("minus", 1, RSet.of([1])),
    "eval_type_error",
    "minus: operand 2 must be number but got set",
  );
  throwsBuiltin(
    () => call("minus", "x", 1),
    "eval_type_error",
    "minus: operand 1 must be one of {number, set} but got string",
  );
});

test("minus on sets is set difference", () => {
  const d = call("minus", RSet.of([1, 2, 3]), RSet.of([2])) as RSet;
  assert.deepEqual(d.sorted(), [1, 3]);
});

test("rounding family", () => {
  assert.equal(call("round", 2.5), 3);
  assert.equal(call("round", -2.5), -3);
  assert.equal(call("round", 2.4), 2);
  assert.equal(call("ceil", 1.01), 2);
  assert.equal(call("ceil", -1.99999), -1);
  assert.equal(call("floor", -1.001), -2);
  assert.equal(call("floor", 99.99999), 99);
  assert.equal(call("abs", -10), 10);
  assert.equal(call("abs", -18446744073709551617n), 18446744073709551617n);
});

test("numbers.range and range_step", () => {
  assert.deepEqual(call("numbers.range", 1, 4), [1, 2, 3, 4]);
  assert.deepEqual(call("numbers.range", 2, -1), [2, 1, 0, -1]);
  assert.deepEqual(call("numbers.range_step", 0, 10, 3), [0, 3, 6, 9]);
  assert.deepEqual(call("numbers.range_step", 10, 0, 4), [10, 6, 2]);
  throwsBuiltin(
    () => call("numbers.range_step", 0, 10, 0),
    "eval_builtin_error",
    "numbers.range_step: step must be a positive integer",
  );
  throwsBuiltin(
    () => call("numbers.range", 1.5, 3),
    "eval_type_error",
    "numbers.range: operand 1 must be integer number but got floating-point number",
  );
  throwsBuiltin(
    () => call("numbers.range", "a", 3),
    "eval_type_error",
    "numbers.range: operand 1 must be integer but got string",
  );
  assert.throws(
    () => call("numbers.range", 0, 1e12),
    (e: unknown) => e instanceof BuiltinError && e.halt,
  );
});

test("comparisons follow OPA's total order across types", () => {
  assert.equal(call("equal", 1, 1.0), true);
  assert.equal(call("equal", 2n ** 64n, 2n ** 64n), true);
  assert.equal(call("neq", "1", 1), true);
  assert.equal(call("lt", null, false), true);
  assert.equal(call("lt", 99, "a"), true);
  assert.equal(call("gt", RSet.of([]), [1]), true);
  assert.equal(call("gte", 2, 2), true);
  assert.equal(call("lte", 3, 2), false);
  assert.equal(call("lt", 28857836529306024611912n, 28857836529306024611913n), true);
});
