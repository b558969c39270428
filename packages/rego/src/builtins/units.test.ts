import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import type { Value } from "../value/value.ts";
import { unitsBuiltins } from "./units.ts";
import { semverBuiltins } from "./semver.ts";
import { uuidBuiltins } from "./uuid.ts";
import { bitsBuiltins } from "./bits.ts";
import { walkBuiltins } from "./walk.ts";
import { RObject, RSet } from "../value/value.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map(
  [...unitsBuiltins, ...semverBuiltins, ...uuidBuiltins, ...bitsBuiltins, ...walkBuiltins].map((d) => [
    d.name,
    d,
  ]),
);
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BuiltinError);
    assert.equal(e.code, code);
    assert.equal(e.detail, message);
    return true;
  });
}

test("units.parse: SI and binary units, exact decimals", () => {
  assert.equal(call("units.parse", "500m"), 0.5);
  assert.equal(call("units.parse", "0.0005K"), 0.5);
  assert.equal(call("units.parse", "1.1Ki"), 1126.4);
  assert.equal(call("units.parse", "10e"), 10000000000000000000n);
  assert.equal(call("units.parse", "10KI"), 10240);
  assert.equal(call("units.parse", '"100TI"'), 109951162777600);
  assert.equal(call("units.parse", "-3.5E2m"), -0.35);
  assert.equal(call("units.parse", "1e-2"), 0.01);
  assert.equal(call("units.parse", "5E"), 5000000000000000000n);
  fails(() => call("units.parse", ""), "eval_builtin_error", "units.parse: no amount provided");
  fails(
    () => call("units.parse", "0.0.0"),
    "eval_builtin_error",
    "units.parse: could not parse amount to a number",
  );
  fails(
    () => call("units.parse", "100 k"),
    "eval_builtin_error",
    "units.parse: spaces not allowed in resource strings",
  );
  fails(() => call("units.parse", "10e10000000Ei"), "eval_builtin_error", "units.parse: exponent too large");
  fails(() => call("units.parse", "1e999999"), "eval_builtin_error", "units.parse: exponent too large");
  fails(() => call("units.parse", "1Q"), "eval_builtin_error", "units.parse: unit Q not recognized");
});

test("units.parse_bytes: case-insensitive units, truncated to integers", () => {
  assert.equal(call("units.parse_bytes", "1.1KiB"), 1126);
  assert.equal(call("units.parse_bytes", "10KIB"), 10240);
  assert.equal(call("units.parse_bytes", "1e-2KB"), 10);
  assert.equal(call("units.parse_bytes", "10eib"), 11529215046068469760n);
  assert.equal(call("units.parse_bytes", ".5KB"), 500);
  fails(
    () => call("units.parse_bytes", "GB"),
    "eval_builtin_error",
    "units.parse_bytes: no byte amount provided",
  );
  fails(
    () => call("units.parse_bytes", ".5.2"),
    "eval_builtin_error",
    "units.parse_bytes: could not parse byte amount to a number",
  );
  fails(
    () => call("units.parse_bytes", "1xb"),
    "eval_builtin_error",
    "units.parse_bytes: byte unit xb not recognized",
  );
});

test("semver", () => {
  assert.equal(call("semver.is_valid", "1.0.0"), true);
  assert.equal(call("semver.is_valid", "1.0.0-rc.1+build.5"), true);
  assert.equal(call("semver.is_valid", "1"), false);
  assert.equal(call("semver.is_valid", 1), false);
  assert.equal(call("semver.compare", "1.0.0", "2.0.0"), -1);
  assert.equal(call("semver.compare", "1.0.0-alpha", "1.0.0"), -1);
  assert.equal(call("semver.compare", "1.0.0-alpha.10", "1.0.0-alpha.9"), 1);
  assert.equal(call("semver.compare", "1.0.0-alpha.1", "1.0.0-alpha.beta"), -1);
  assert.equal(call("semver.compare", "1.0.0+a", "1.0.0+b"), 0);
  assert.equal(call("semver.compare", "1.0.0-01", "1.0.0-1"), 0);
  fails(
    () => call("semver.compare", "1", "1.0.0"),
    "eval_builtin_error",
    'semver.compare: operand 1: string "1" is not a valid SemVer',
  );
  fails(
    () => call("semver.compare", "1.0.0", "1"),
    "eval_builtin_error",
    'semver.compare: operand 2: string "1" is not a valid SemVer',
  );
});

test("uuid.parse decodes versions 1-2 and accepts Go's input forms", () => {
  const v2 = call("uuid.parse", "000003e8-48b9-21ee-b200-325096b39f47") as RObject;
  assert.equal(v2.get("version"), 2);
  assert.equal(v2.get("variant"), "RFC4122");
  assert.equal(v2.get("time"), 1693566990121469600n);
  assert.equal(v2.get("clocksequence"), 12800);
  assert.equal(v2.get("nodeid"), "32-50-96-b3-9f-47");
  assert.equal(v2.get("macvariables"), "local:unicast");
  assert.equal(v2.get("id"), 1000);
  assert.equal(v2.get("domain"), "Person");
  for (const s of [
    "{00000000-0000-4000-8000-000000000000}",
    "(00000000-0000-4000-8000-000000000000)",
    "URN:UUID:00000000-0000-4000-8000-000000000000",
    "00000000000040008000000000000000",
  ]) {
    const v = call("uuid.parse", s) as RObject;
    assert.equal(v.get("version"), 4, s);
    assert.equal(v.size, 2);
  }
  assert.equal(call("uuid.parse", "not-a-uuid"), undefined);
  assert.equal(call("uuid.parse", "00000000-0000-4000-8000-00000000000g"), undefined);
});

test("bits on exact integers", () => {
  assert.equal(call("bits.and", 7, 9), 1);
  assert.equal(call("bits.or", 7, 9), 15);
  assert.equal(call("bits.xor", 42, 3), 41);
  assert.equal(call("bits.negate", 42), -43);
  assert.equal(call("bits.lsh", 9223372036854775807n, 1), 18446744073709551614n);
  assert.equal(call("bits.rsh", 8, 3), 1);
  assert.equal(call("bits.rsh", -8, 1), -4);
  fails(
    () => call("bits.and", 7.2, 42),
    "eval_type_error",
    "bits.and: operand 1 must be integer number but got floating-point number",
  );
  fails(
    () => call("bits.lsh", 7, -1),
    "eval_type_error",
    "bits.lsh: operand 2 must be an unsigned integer number but got a negative integer",
  );
  assert.throws(
    () => call("bits.lsh", 1, 1e9),
    (e: unknown) => e instanceof BuiltinError,
  );
});

test("walk yields [path, value] pre-order, keys in Rego order", () => {
  const doc = RObject.fromRecord({ b: [true], a: RSet.of(["x"]) });
  const out = call("walk", doc) as Value[];
  assert.equal(out.length, 5);
  assert.deepEqual((out[0] as Value[])[0], []);
  assert.deepEqual(
    out.map((pair) => (pair as Value[])[0]),
    [[], ["a"], ["a", "x"], ["b"], ["b", 0]],
  );
  assert.equal((out[4] as Value[])[1], true);
});
