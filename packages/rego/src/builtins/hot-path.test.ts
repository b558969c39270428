/**
 * The Kata hot-path shortcuts give exactly the answers of the slow paths they bypass:
 * regex.match's result memo vs. re2js itself, to_number's small-integer path vs. BigInt parsing,
 * replace's split/join vs. Go's strings.Replace, and value equality on arrays vs. canonical keys.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RE2JS } from "re2js";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, compare, equals, keyOf, type Value } from "../value/value.ts";
import { regexMatches } from "./regex.ts";
import { goReplace } from "./strings.ts";
import { parseNumberString } from "./conversions.ts";

const TRICKY_PATTERNS = [
  "^a.c$",
  "a$",
  "^$",
  "",
  "x*",
  "(?s)^a.b$",
  "^a.b$",
  "(?m)^b$",
  "^\\w+$",
  "^\\d{2,3}$",
  "^[^a-z]+$",
  "é|ß",
  "^.$",
  "(?i)straße",
  "^(foo|foobar)$",
];
const TRICKY_INPUTS = [
  "",
  "abc",
  "a\nb",
  "a\n",
  "b\na",
  "😀",
  "é",
  "ÉSS",
  "STRASSE",
  "straße",
  "12",
  "1234",
  "foobar",
  "ABC\n",
];

test("regex.match memo: first and repeated answers equal re2js's for Unicode, newlines, `$` and empty matches", () => {
  for (let round = 0; round < 3; round++) {
    for (const p of TRICKY_PATTERNS) {
      const re = RE2JS.compile(p);
      for (const s of TRICKY_INPUTS) {
        assert.equal(
          regexMatches("regex.match", p, s),
          re.test(s),
          `${JSON.stringify(p)} on ${JSON.stringify(s)}`,
        );
      }
    }
  }
});

test("regex.match memo: stays correct past its per-pattern bound and for long (unmemoized) strings", () => {
  const p = "^[0-9]*[13579]$";
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 1500; i++) assert.equal(regexMatches("regex.match", p, String(i)), i % 2 === 1);
  }
  const long = "1".repeat(5000);
  assert.equal(regexMatches("regex.match", p, long), true);
  assert.equal(regexMatches("regex.match", p, long + "2"), false);
  assert.equal(regexMatches("regex.match", p, long), true);
});

test("regex.match: an invalid pattern is an error every time, never a memoized answer", () => {
  for (let i = 0; i < 2; i++) {
    assert.throws(
      () => regexMatches("regex.match", "a(b", "ab"),
      (e: unknown) => e instanceof BuiltinError && /missing closing \)/.test(e.detail),
    );
  }
});

test("regex.match: patterns that make a backtracking engine exponential still finish (linear-time re2js)", () => {
  const evil = "a".repeat(20000) + "!";
  // A backtracking engine needs ~2^n steps on these; re2js runs them in time linear in the input.
  for (const p of ["^(a+)+$", "^(a*)*b$", "^(a|a)*$", "^(a|aa)+$", "(x+x+)+y"]) {
    assert.equal(regexMatches("regex.match", p, evil), false, p);
  }
  assert.equal(regexMatches("regex.match", "^(a+)+$", "a".repeat(20000)), true);
});

test("to_number: the small-integer path agrees with BigInt parsing at the 2^53 edges", () => {
  const cases: [string, number | bigint][] = [
    ["0", 0],
    ["-0", 0],
    ["+0", 0],
    ["007", 7],
    ["+12", 12],
    ["-255", -255],
    ["999999999999999", 999999999999999],
    ["-99999999999999", -99999999999999],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", 9007199254740992n],
    ["9999999999999999", 9999999999999999n],
    ["-9999999999999999", -9999999999999999n],
    ["000000000000000000001", 1],
  ];
  for (const [s, want] of cases) {
    const got = parseNumberString("to_number", s);
    assert.equal(typeof got, typeof want, s);
    assert.ok(Object.is(got, want) || got === want, `${s}: ${String(got)}`);
  }
  assert.ok(Object.is(parseNumberString("to_number", "-0"), 0));
  assert.throws(
    () => parseNumberString("to_number", "12a"),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.detail === 'to_number: strconv.ParseFloat: parsing "12a": invalid syntax',
  );
  assert.ok(Error.stackTraceLimit > 0, "the stack-trace limit is restored after a failed parse");
  assert.throws(() => parseNumberString("to_number", ""), BuiltinError);
});

test("replace: split/join keeps Go's strings.Replace semantics", () => {
  assert.equal(goReplace("aaa", [["aa", "b"]]), "ba"); // left to right, non-overlapping
  assert.equal(goReplace("a$b", [["$", "$&$1$$"]]), "a$&$1$$b"); // `$` in the replacement is literal
  assert.equal(goReplace("$(x)/$(x)", [["$(x)", "y"]]), "y/y");
  assert.equal(goReplace("none", [["zz", "y"]]), "none");
  assert.equal(goReplace("aé😀", [["", "-"]]), "-a-é-😀-"); // empty old: between every rune
  assert.equal(goReplace("", [["", "-"]]), "-");
});

test("equals on arrays element by element matches canonical-key equality", () => {
  const values: Value[] = [
    [],
    [1],
    [1.0],
    [1n],
    ["1"],
    [[1, 2], "x"],
    [[1, 2], "x", null],
    [[1, 3], "x"],
    [RObject.fromRecord({ a: [1] })],
    [RObject.fromRecord({ a: [2] })],
    [RSet.of([1, 2])],
    [RSet.of([2, 1])],
    RSet.of([1]),
    RObject.fromRecord({ "0": 1 }),
    "\u0000a",
    1,
    null,
  ];
  for (const a of values) {
    for (const b of values) {
      assert.equal(equals(a, b), keyOf(a) === keyOf(b), `${keyOf(a)} vs ${keyOf(b)}`);
    }
  }
  assert.equal(equals([1, [2, [3]]], [1.0, [2, [3]]]), true);
  assert.equal(equals([1, [2, [3]]], [1, [2, [4]]]), false);
});

test("string compare without encoding agrees with Go's bytewise UTF-8 order, surrogates included", () => {
  const pieces = [
    "",
    "a",
    "b",
    "ab",
    "z",
    "é",
    "\u00ff",
    "\ud7ff",
    "\ue000",
    "\uffff",
    "\ufffd",
    "😀",
    "😁",
    "\ud83d",
    "\ude00",
    "\u0000",
  ];
  const strings = new Set<string>();
  for (const x of pieces) for (const y of pieces) strings.add(x + y);
  const utf8 = (a: string, b: string): number => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const a of strings) {
    for (const b of strings)
      assert.equal(compare(a, b), utf8(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});
