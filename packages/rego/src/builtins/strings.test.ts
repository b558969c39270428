import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { stringsBuiltins, goReplace } from "./strings.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map(stringsBuiltins.map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof BuiltinError && e.code === code && e.detail === message);
}

test("concat joins arrays in order and sets in Rego order", () => {
  assert.equal(call("concat", ",", ["b", "a"]), "b,a");
  assert.equal(call("concat", "-", RSet.of(["b", "a"])), "a-b");
  assert.equal(call("concat", ",", []), "");
  fails(
    () => call("concat", ",", ["a", 1]),
    "eval_type_error",
    "concat: operand 2 must be array of strings but got array containing number",
  );
  fails(
    () => call("concat", ",", "a"),
    "eval_type_error",
    "concat: operand 2 must be one of {set, array} but got string",
  );
});

test("indexof and substring count runes, not UTF-16 units", () => {
  assert.equal(call("indexof", "😀abc", "b"), 2);
  assert.equal(call("indexof", "abc", "x"), -1);
  assert.deepEqual(call("indexof_n", "aaa", "aa"), [0, 1]);
  assert.equal(call("substring", "😀abc", 1, 2), "ab");
  assert.equal(call("substring", "abcdef", 2, -1), "cdef");
  assert.equal(call("substring", "abc", 10, 1), "");
  fails(() => call("substring", "abc", -1, 1), "eval_builtin_error", "substring: negative offset");
  fails(() => call("indexof", "abc", ""), "eval_builtin_error", "indexof: empty search character");
  fails(
    () => call("substring", "abc", 1.5, 1),
    "eval_type_error",
    "substring: operand 2 must be integer number but got floating-point number",
  );
});

test("trim family follows Go's strings package", () => {
  assert.equal(call("trim", "xxhixx", "x"), "hi");
  assert.equal(call("trim_left", "xyhi", "yx"), "hi");
  assert.equal(call("trim_right", "hi!?", "?!"), "hi");
  assert.equal(call("trim_prefix", "prefix-x", "prefix-"), "x");
  assert.equal(call("trim_suffix", "x.rego", ".rego"), "x");
  assert.equal(call("trim_space", "\u0085\t hi \n\u00a0"), "hi");
  // Go does not treat U+FEFF as space (JS String#trim does).
  assert.equal(call("trim_space", "\ufeffhi"), "\ufeffhi");
  // A long inner run of spaces stays linear.
  assert.equal(
    (call("trim_space", " ".repeat(200000) + "x" + " ".repeat(200000) + "y") as string).length,
    200002,
  );
});

test("split, split_n, replace, replace_n", () => {
  assert.deepEqual(call("split", "a.b.c", "."), ["a", "b", "c"]);
  assert.deepEqual(call("split", "abc", ""), ["a", "b", "c"]);
  assert.deepEqual(call("split", "abc", "x"), ["abc"]);
  assert.deepEqual(call("strings.split_n", "a.b.c.d", ".", 2), ["a", "b"]);
  assert.deepEqual(call("strings.split_n", "a.b.c.d", ".", -2), ["c", "d"]);
  assert.deepEqual(call("strings.split_n", "a.b.c.d", ".", 0), []);
  assert.deepEqual(call("strings.split_n", "abc", "", -2), ["b", "c"]);
  assert.deepEqual(call("strings.split_n", "", ".", 2), [""]);
  assert.equal(call("replace", "aaa", "a", "b"), "bbb");
  assert.equal(call("replace", "ab", "", "-"), "-a-b-");
  assert.equal(call("replace", "a-b", "-", "$&$1$$"), "a$&$1$$b");
  assert.equal(call("trim", "  ..x..  ", " ."), "x");
  assert.equal(call("trim", "«x»", "«»"), "x");
  assert.equal(call("trim_right", "x😀😀", "😀é"), "x");
  assert.equal(call("trim_left", "😀é😀x", "😀é"), "x");
  assert.equal(call("substring", "é😀ü", 1, 5), "😀ü");
  assert.equal(call("substring", "é😀ü", 3, 1), "");
  assert.equal(
    call("strings.replace_n", RObject.fromRecord({ a: "1", ab: "2" }), "abab"),
    // Keys in Rego order: "a" < "ab", and the first pattern in order wins at each position.
    "1b1b",
  );
  assert.equal(
    goReplace("abc", [
      ["bc", "X"],
      ["b", "Y"],
    ]),
    "aX",
  );
  fails(
    () => call("strings.replace_n", RObject.fromEntries([[1, "x"]]), "abc"),
    "eval_type_error",
    "strings.replace_n: operand 1 non-string key found in pattern object",
  );
  fails(
    () => call("strings.replace_n", RObject.fromRecord({}), 1),
    "eval_type_error",
    "strings.replace_n: operand 2 must be string but got number",
  );
});

test("format_int truncates toward zero and checks the base", () => {
  assert.equal(call("format_int", 255, 16), "ff");
  assert.equal(call("format_int", -5.9, 2), "-101");
  assert.equal(call("format_int", 8, 8), "10");
  assert.equal(call("format_int", 2n ** 70n, 10), "1180591620717411303424");
  fails(
    () => call("format_int", 1, 3),
    "eval_type_error",
    "format_int: operand 2 must be one of {2, 8, 10, 16}",
  );
});

test("prefix/suffix matching over strings, arrays and sets", () => {
  assert.equal(call("strings.any_prefix_match", ["foo", "bar"], "ba"), true);
  assert.equal(call("strings.any_suffix_match", "foo.rego", RSet.of([".json", ".rego"])), true);
  assert.equal(call("strings.any_prefix_match", [], "x"), false);
  fails(
    () => call("strings.any_prefix_match", 1, "x"),
    "eval_type_error",
    "strings.any_prefix_match: operand 1 must be one of {string, set, array} but got number",
  );
  fails(
    () => call("strings.any_suffix_match", "a", [1]),
    "eval_type_error",
    "strings.any_suffix_match: operand 2 must be array of strings but got array containing number",
  );
});

test("case, count, reverse, contains", () => {
  assert.equal(call("upper", "abc"), "ABC");
  assert.equal(call("lower", "ÀB"), "àb");
  // Go's simple case mapping: no expansion, no final-sigma rule.
  assert.equal(call("upper", "straße"), "STRAßE");
  assert.equal(call("lower", "ΟΔΟΣ"), "οδοσ");
  assert.equal(call("lower", "İ"), "i");
  assert.equal(call("strings.count", "cheese", "e"), 3);
  assert.equal(call("strings.count", "five", ""), 5);
  assert.equal(call("strings.reverse", "a😀b"), "b😀a");
  assert.equal(call("contains", "abc", "bc"), true);
  assert.equal(call("startswith", "abc", "ab"), true);
  assert.equal(call("endswith", "abc", "ab"), false);
  fails(
    () => call("strings.reverse", 1),
    "eval_type_error",
    "strings.reverse: operand 1 must be string but got number",
  );
});
