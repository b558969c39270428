import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import type { Value } from "../value/value.ts";
import { regexBuiltins } from "./regex.ts";
import { globBuiltins } from "./glob.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map([...regexBuiltins, ...globBuiltins].map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

function fails(fn: () => unknown, code: string, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BuiltinError);
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.detail, message);
    else assert.match(e.detail, message);
    return true;
  });
}

test("regex.match is an unanchored search with Go syntax", () => {
  assert.equal(call("regex.match", "^[a-z]+$", "abc"), true);
  assert.equal(call("regex.match", "b", "abc"), true);
  assert.equal(call("regex.match", "(?i)ABC", "xabc"), true);
  assert.equal(call("regex.match", `(?P<n>\\d+)\\z`, "a12"), true);
  assert.equal(call("re_match", "^x", "abc"), false);
  fails(
    () => call("regex.match", "a(b", "x"),
    "eval_builtin_error",
    "regex.match: error parsing regexp: missing closing ): `a(b`",
  );
  fails(
    () => call("regex.match", "a(?=b)", "x"),
    "eval_builtin_error",
    /^regex\.match: error parsing regexp: invalid or unsupported Perl syntax/,
  );
});

test("a pathological pattern runs in linear time", () => {
  const input = "a".repeat(5000) + "!";
  assert.equal(call("regex.match", "^(a+)+$", input), false);
  assert.equal(call("regex.match", "(a|aa)*c", input), false);
});

test("regex.is_valid", () => {
  assert.equal(call("regex.is_valid", ".*"), true);
  assert.equal(call("regex.is_valid", "[a"), false);
  assert.equal(call("regex.is_valid", 1), false);
});

test("regex.split, find_n, find_all_string_submatch_n follow Go's regexp", () => {
  assert.deepEqual(call("regex.split", "a", "banana"), ["b", "n", "n", ""]);
  assert.deepEqual(call("regex.split", "x*", "abc"), ["a", "b", "c"]);
  assert.deepEqual(call("regex.split", "a", ""), [""]);
  assert.deepEqual(call("regex.find_n", "[a-z]+", "ab 12 cd ef", 2), ["ab", "cd"]);
  assert.deepEqual(call("regex.find_n", "[a-z]+", "ab 12 cd ef", -1), ["ab", "cd", "ef"]);
  assert.deepEqual(call("regex.find_n", "a*", "baaac", -1), ["", "aaa", ""]);
  assert.deepEqual(call("regex.find_all_string_submatch_n", "a(x*)b(c)?", "-ab-axxb-abc-", -1), [
    ["ab", "", ""],
    ["axxb", "xx", ""],
    ["abc", "", "c"],
  ]);
});

test("regex.replace expands $n and ${name} like Go's ReplaceAllString", () => {
  assert.equal(call("regex.replace", "-wy-wxxy-", "w(x*)y", "0"), "-0-0-");
  assert.equal(call("regex.replace", "foo", "(foo)", "$1$1"), "foofoo");
  assert.equal(call("regex.replace", "foo", "^[a-z]", "F"), "Foo");
  assert.equal(call("regex.replace", "foo barx", "[a-z]{2}", "_"), "_o __");
  assert.equal(call("regex.replace", "ab", "(?P<x>a)", "${x}$$"), "a$b");
  // "$1x" names group "1x", which does not exist: empty.
  assert.equal(call("regex.replace", "ab", "(a)", "$1x"), "b");
});

test("regex.template_match", () => {
  assert.equal(call("regex.template_match", "urn:foo:{.*}", "urn:foo:bar:baz", "{", "}"), true);
  assert.equal(call("regex.template_match", "urn:foo.bar.com:{.*}", "urn:foo.com:bar:baz", "{", "}"), false);
  assert.equal(call("regex.template_match", "urn:foo:<[0-9]{2}>", "urn:foo:42", "<", ">"), true);
  fails(
    () => call("regex.template_match", "urn:{a", "x", "{", "}"),
    "eval_builtin_error",
    'regex.template_match: unbalanced braces in "urn:{a"',
  );
  fails(
    () => call("regex.template_match", "x", "x", "{{", "}"),
    "eval_builtin_error",
    "regex.template_match: start delimiter has to be exactly one character long but is 2 long",
  );
});

test("regex.globs_match decides glob intersection", () => {
  assert.equal(call("regex.globs_match", "a.a.[0-9]+z", ".b.b2359825792*594823z"), true);
  assert.equal(call("regex.globs_match", "[a-z]+", "[0-9]*"), false);
  assert.equal(call("regex.globs_match", "[a-z]+\\[[0-9]+\\]", "foo\\[1\\]"), true);
  assert.equal(call("regex.globs_match", "[a-z]+\\[[0-9]+\\]", 'foo["bar"]'), false);
  assert.equal(call("regex.globs_match", "b.*", "b"), true);
  fails(
    () => call("regex.globs_match", "pqrs]", "[a-b]+"),
    "eval_builtin_error",
    "regex.globs_match: input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
  );
});

test("glob.match with delimiters (gobwas/glob)", () => {
  assert.equal(call("glob.match", "*.github.com", ["."], "api.github.com"), true);
  assert.equal(call("glob.match", "*.github.com", ["."], "api.cdn.github.com"), false);
  assert.equal(call("glob.match", "api.**.com", ["."], "api.cdn.github.com"), true);
  assert.equal(call("glob.match", "*", [], "foo.bar"), false);
  assert.equal(call("glob.match", "*", null, "foo.bar"), true);
  assert.equal(call("glob.match", "?at", ["f"], "fat"), false);
  assert.equal(call("glob.match", "[!a-c]at", [], "fat"), true);
  assert.equal(call("glob.match", "[abc]at", [], "fat"), false);
  assert.equal(call("glob.match", "{cat,bat,[fr]at}", [], "rat"), true);
  assert.equal(call("glob.match", "{cat,bat,[fr]at}", [], "at"), false);
  assert.equal(call("glob.match", "a\\*b", [], "a*b"), true);
  fails(
    () => call("glob.match", "*", [1], "x"),
    "eval_type_error",
    "glob.match: operand 2 must be array of strings but got array containing number",
  );
  fails(() => call("glob.match", "[a", [], "x"), "eval_builtin_error", /^glob\.match: /);
  assert.equal(call("glob.quote_meta", "*.github.com"), "\\*.github.com");
});

test("hostile patterns end in typed errors, quickly", () => {
  fails(
    () => call("regex.match", "(".repeat(5000) + "a" + ")".repeat(5000), "a"),
    "eval_builtin_error",
    /nests too deeply/,
  );
  fails(() => call("regex.match", "(a{1000}){1000}", "a"), "eval_builtin_error", /invalid repeat count/);
  fails(() => call("glob.match", "{".repeat(100000), null, "a"), "eval_builtin_error", /nest deeper than/);
  fails(
    () => call("regex.globs_match", ".*".repeat(20000), "a+".repeat(20000)),
    "eval_builtin_error",
    /too large/,
  );
  assert.equal(call("regex.globs_match", ".*".repeat(500), "a+".repeat(500)), true);
});
