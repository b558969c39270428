import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { conversionsBuiltins } from "./conversions.ts";
import { typesBuiltins } from "./typenames.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map([...conversionsBuiltins, ...typesBuiltins].map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

test("to_number converts strings (Go ParseFloat syntax), booleans and null", () => {
  assert.equal(call("to_number", "-42.0"), -42);
  assert.equal(call("to_number", "100.1"), 100.1);
  assert.equal(call("to_number", "18446744073709551617"), 18446744073709551617n);
  assert.equal(call("to_number", "1e3"), 1000);
  assert.equal(call("to_number", "0x10"), 16);
  assert.equal(call("to_number", false), 0);
  assert.equal(call("to_number", true), 1);
  assert.equal(call("to_number", null), 0);
  assert.equal(call("to_number", 7), 7);
  assert.throws(
    () => call("to_number", "broken"),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.code === "eval_builtin_error" &&
      e.detail === 'to_number: strconv.ParseFloat: parsing "broken": invalid syntax',
  );
  for (const bad of ["nan", "-Infinity", "iNf", "+inf"]) {
    assert.throws(
      () => call("to_number", bad),
      (e: unknown) =>
        e instanceof BuiltinError &&
        e.code === "eval_type_error" &&
        e.detail === "to_number: operand 1 must be valid number string but got string",
    );
  }
  assert.throws(
    () => call("to_number", "1e400"),
    (e: unknown) => e instanceof BuiltinError && /value out of range/.test(e.detail),
  );
  assert.throws(
    () => call("to_number", []),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.detail === "to_number: operand 1 must be one of {null, boolean, number, string} but got array",
  );
});

test("deprecated casts", () => {
  assert.deepEqual(call("cast_array", RSet.of([2, 1])), [1, 2]);
  assert.deepEqual((call("cast_set", [1, 1, 2]) as RSet).sorted(), [1, 2]);
  assert.equal(call("cast_string", "a"), "a");
  assert.throws(
    () => call("cast_boolean", 1),
    (e: unknown) =>
      e instanceof BuiltinError && e.detail === "cast_boolean: operand 1 must be boolean but got number",
  );
  assert.equal(call("cast_null", null), null);
  assert.ok(call("cast_object", RObject.fromRecord({})) instanceof RObject);
});

test("type predicates are false (not undefined) on other types, type_name names them", () => {
  assert.equal(call("is_number", 2n ** 70n), true);
  assert.equal(call("is_number", "1"), false);
  assert.equal(call("is_string", "x"), true);
  assert.equal(call("is_boolean", false), true);
  assert.equal(call("is_array", RSet.of([])), false);
  assert.equal(call("is_set", RSet.of([])), true);
  assert.equal(call("is_object", RObject.fromRecord({})), true);
  assert.equal(call("is_null", null), true);
  assert.deepEqual(
    [null, true, 1, "s", [], RObject.fromRecord({}), new RSet()].map((v) => call("type_name", v)),
    ["null", "boolean", "number", "string", "array", "object", "set"],
  );
});
