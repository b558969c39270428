import { test } from "node:test";
import assert from "node:assert/strict";
import { ArithmeticError, add, ceil, div, floor, mul, normalize, rem, round, sub } from "./number.ts";

test("results are normalised: safe integers as numbers, larger as bigint", () => {
  assert.equal(normalize(5n), 5);
  assert.equal(normalize(2n ** 60n), 2n ** 60n);
  assert.equal(normalize(-0), 0);
  assert.equal(add(2n ** 60n, -(2n ** 60n)), 0);
  assert.equal(sub(2n ** 53n, 1), 9007199254740991);
  assert.equal(mul(0.5, 4), 2);
  assert.equal(typeof mul(1e300, 10), "bigint");
});

test("division is exact when it divides, float otherwise", () => {
  assert.equal(div(10n ** 30n, 10n ** 20n), 10000000000);
  assert.equal(div(1, 3), 1 / 3);
  assert.throws(() => div(1, 0), ArithmeticError);
});

test("remainder is integer-only and truncates toward zero", () => {
  assert.equal(rem(-7, 2), -1);
  assert.equal(rem(2n ** 70n + 1n, 2n ** 70n), 1);
  assert.throws(() => rem(1.5, 1), /modulo on floating-point number/);
  assert.throws(() => rem(1, 0), /modulo by zero/);
});

test("overflowing doubles are an error, not Infinity", () => {
  assert.throws(() => mul(1e308, 1e10 + 0.5), ArithmeticError);
});

test("rounding", () => {
  assert.equal(round(-0.5), -1);
  assert.equal(round(0.49), 0);
  assert.equal(ceil(2n ** 70n), 2n ** 70n);
  assert.equal(floor(-0.5), -1);
});
