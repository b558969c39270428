/**
 * Parse errors: typed (RegoError, code rego_parse_error), located (file:row:col plus the source line
 * and a caret) and worded as OPA words them; pathological input ends in an error, never a crash.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { RegoError, RegoErrors } from "../errors.ts";
import { MAX_PARSE_DEPTH, RegoParseError, parseModule, parseQuery, type RegoVersion } from "./index.ts";

function parseError(text: string, version: RegoVersion = "v1"): RegoError {
  try {
    parseModule(text, { file: "test.rego", version });
  } catch (e) {
    assert.ok(e instanceof RegoError, `not a RegoError: ${String(e)}`);
    assert.equal(e.code, "rego_parse_error");
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

/** The first error's first line: "<file>:<row>:<col>: rego_parse_error: <detail>" (OPA may report several). */
const first = (e: Error): string => (e instanceof RegoErrors ? e.errors[0]! : e).message.split("\n")[0]!;

test("errors name file:row:col and show the line with a caret", () => {
  const e = parseError("package p\n\np if {\n  x := [1, 2\n}\n");
  assert.ok(e instanceof RegoParseError);
  assert.equal(first(e), 'test.rego:5:1: rego_parse_error: unexpected } token: expected "," or "]"');
  assert.deepEqual(e.location, { file: "test.rego", row: 5, col: 1 });
  assert.equal(e.detail, 'unexpected } token: expected "," or "]"');
  assert.equal(e.message.split("\n").slice(1).join("\n"), "\t}\n\t^");
});

test("OPA's messages for common mistakes", () => {
  const cases: [string, string, RegoVersion?][] = [
    ["package p\np if }", "test.rego:2:6: rego_parse_error: unexpected } token"],
    ["package p\np := ", "test.rego:2:6: rego_parse_error: unexpected eof token"],
    ["package p\np {}", "test.rego:2:4: rego_parse_error: found empty body", "v0"],
    ["package p\np if { x := [y | ] }", "test.rego:2:18: rego_parse_error: found empty body"],
    [
      "package p\np := 1 if { true } else",
      "test.rego:2:24: rego_parse_error: unexpected eof token: expected else value term or rule body",
    ],
    ['package p\nx := "abc\n', "test.rego:2:6: rego_parse_error: non-terminated string"],
    ['package p\nx := "\\q"', "test.rego:2:6: rego_parse_error: illegal escape sequence"],
    ["package p\nx := 1 ! 2", "test.rego:2:8: rego_parse_error: illegal ! character"],
    ["package p\nx := 1.", "test.rego:2:6: rego_parse_error: expected fraction"],
    ["package p\nx := 12abc", "test.rego:2:6: rego_parse_error: illegal number format"],
    [
      "package p\nsome x",
      "test.rego:2:1: rego_parse_error: 'some' declarations cannot be used for rule head",
    ],
    ["package p\n1 = x", "test.rego:2:1: rego_parse_error: number cannot be used for rule name"],
    ["package p\nx == 1", "test.rego:2:1: rego_parse_error: rule name conflicts with built-in function"],
    ["package p\nnot x", "test.rego:2:1: rego_parse_error: negated expressions cannot be used for rule head"],
    [
      "package p\nimport foo.bar",
      "test.rego:2:8: rego_parse_error: unexpected import path, must begin with one of: {data, future, input, rego}, got: foo (hint: if this is unexpected, try updating OPA)",
    ],
    [
      "package p\nimport future.keywords.foo",
      "test.rego:2:8: rego_parse_error: unexpected keyword, must be one of [contains every if in]",
    ],
    [
      "package p\nimport rego.v2",
      "test.rego:2:8: rego_parse_error: invalid import `rego.v2`, must be `rego.v1`",
    ],
    [
      "package p\nimport future.keywords as k",
      "test.rego:2:8: rego_parse_error: `future` imports cannot be aliased",
    ],
    [
      "package p\ndefault p := input.x",
      "test.rego:2:1: rego_parse_error: illegal default rule (value cannot contain ref)",
    ],
    [
      "package p\ndefault f(1) := 1",
      "test.rego:2:1: rego_parse_error: illegal default rule (arguments cannot contain number)",
    ],
    [
      "package p\np[x] := 1 if { x := 1 } else := 2",
      "test.rego:2:25: rego_parse_error: else keyword cannot be used on rules with variables in head",
    ],
    [
      "package p\np if { not some x in [1] }",
      "test.rego:2:12: rego_parse_error: unexpected some keyword: illegal negation of 'some'",
    ],
    [
      "package p\np if { every x in [1] }",
      "test.rego:2:23: rego_parse_error: unexpected } token: missing body",
    ],
    [
      "package p\np if { every [x] in [1] { true } }",
      "test.rego:2:25: rego_parse_error: unexpected { token: expected value to be a variable",
    ],
    [
      'package p\nx := $"a {y := 1}"',
      "test.rego:2:11: rego_parse_error: unexpected assignment (':=') in template-string expression",
    ],
    ["x := 1", "test.rego:1:1: rego_parse_error: package expected"],
    ["", "test.rego:1:1: rego_parse_error: empty module"],
    ["package p\npackage q", "test.rego:2:1: rego_parse_error: unexpected package"],
  ];
  const got = cases.map(([text, , version]) => first(parseError(text, version)));
  assert.deepEqual(
    got,
    cases.map(([, want]) => want),
  );
});

test("some and every: domains and bodies (TestSomeDeclExpr, TestEvery)", () => {
  const q = (text: string): string => {
    try {
      parseQuery(text);
      return "";
    } catch (e) {
      return (e as Error).message.split("\n")[0]!;
    }
  };
  assert.match(q("some f(x)"), /expected `x in xs` or `x, y in xs` expression/);
  assert.match(q("some internal.member_2()"), /illegal domain/);
  assert.match(q("every internal.member_3()"), /illegal domain/);
  assert.match(q("every 10"), /expected `x\[, y\] in xs \{ \.\.\. \}` expression/);
  assert.match(q("every 10, x in xs { true }"), /unexpected \{ token: expected key to be a variable/);
  assert.match(q("every x in xs { + }"), /unexpected plus token/);
  assert.match(q("not every x in xs { true }"), /unexpected every keyword: illegal negation of 'every'/);
  assert.equal(q("some x, y,\n\t\tz"), "");
});

test("Rego v1 rules: `if` before bodies, `contains` for multi-value rules", () => {
  assert.equal(
    first(parseError("package p\np { true }")),
    "test.rego:2:1: rego_parse_error: `if` keyword is required before rule body",
  );
  assert.equal(
    first(parseError("package p\nf(x) { true }")),
    "test.rego:2:1: rego_parse_error: `if` keyword is required before function body",
  );
  const both = parseError("package p\np[x] { x := 1 }");
  assert.ok(both instanceof RegoErrors);
  assert.deepEqual(
    both.errors.map((e) => e.detail),
    ["`if` keyword is required before rule body", "`contains` keyword is required for partial set rules"],
  );
  assert.match(both.message, /^2 errors occurred:\ntest\.rego:2:1: rego_parse_error: `if`/);
  assert.equal(
    first(parseError("package p\np.q.r")),
    "test.rego:2:1: rego_parse_error: rule must have value assignment and/or body declaration",
  );
  // the same texts are fine in v0 …
  for (const ok of ["package p\np { true }", "package p\np[x] { x := 1 }", "package p\np.q.r"]) {
    assert.ok(parseModule(ok, { version: "v0" }));
  }
  // … unless the module imports rego.v1
  assert.equal(
    first(parseError("package p\nimport rego.v1\np { true }", "v0")),
    "test.rego:3:1: rego_parse_error: `if` keyword is required before rule body",
  );
});

test("queries report errors too, with row:col when there is no file", () => {
  assert.throws(
    () => parseQuery("x := [1,"),
    (e: Error) => e instanceof RegoError && first(e) === "1:9: rego_parse_error: unexpected eof token",
  );
  assert.throws(() => parseQuery(""), /empty query/);
});

test("deep nesting ends in a typed error, not a stack overflow", () => {
  for (const [open, close] of [
    ["[", "]"],
    ["{", "}"],
    ["(", ")"],
    ["[x | ", "]"],
    ['$"{', '}"'],
  ]) {
    const text = "x = " + open!.repeat(100_000) + "1" + close!.repeat(100_000);
    assert.throws(
      () => parseQuery(text),
      (e: Error) => e instanceof RegoParseError && /max parsing recursion depth exceeded/.test(e.message),
      open,
    );
  }
  // nesting well within the limit parses
  assert.ok(parseQuery("x = " + "[".repeat(200) + "]".repeat(200)));
  assert.ok(MAX_PARSE_DEPTH >= 1000);
  const deepNot =
    "package p\nimport future.keywords.not\np if " + "not { ".repeat(50_000) + "true" + " }".repeat(50_000);
  assert.throws(() => parseModule(deepNot), /max parsing recursion depth exceeded/);
});

test("backtracking stays linear on ambiguous nesting (memoised failures)", () => {
  // Each level is tried as a comprehension, then as a relation: without memoising failed terms this
  // is 2^depth parses (OPA's parsedTermCache keeps failures too).
  const text = "x = " + "{a: b | ".repeat(40) + "b" + ", c}".repeat(40);
  assert.throws(
    () => parseQuery(text),
    (e: Error) => e instanceof RegoError,
  );
});

test("long inputs: huge literals and long chains parse without recursion", () => {
  assert.equal(parseQuery(`x = "${"a".repeat(1_000_000)}"`).length, 1);
  assert.equal(parseQuery("x = " + Array(20_000).fill("1").join(" + ")).length, 1);
  assert.equal(parseQuery("x = a" + ".b".repeat(20_000)).length, 1);
  assert.throws(() => parseQuery(`x = "${"a".repeat(100_000)}`), /non-terminated string/);
});

test("illegal characters and a byte-order mark", () => {
  assert.equal(parseModule("\ufeffpackage p").package.path[0], "p");
  assert.equal(
    first(parseError("package p\nx := 1 \u0000")),
    "test.rego:2:8: rego_parse_error: illegal null character",
  );
  // OPA's scanner has no error for stray characters: the parser reports "illegal token" there
  assert.equal(first(parseError("package p\nx := @")), "test.rego:2:6: rego_parse_error: illegal token");
  assert.equal(first(parseError("\t\v\f ")), "test.rego:1:2: rego_parse_error: illegal token");
  assert.equal(
    first(parseError('package p\nx := "a\u0000b"')),
    "test.rego:2:6: rego_parse_error: illegal null character",
  );
  assert.equal(
    first(parseError("package p\n# a \u0000 comment\nx := 1")),
    "test.rego:2:1: rego_parse_error: illegal null character",
  );
  assert.equal(
    first(parseError("package p\nx := 1 \ufeff")),
    "test.rego:2:8: rego_parse_error: illegal byte-order mark",
  );
});

test("mutated real policies fail only with typed parse errors (deterministic fuzz)", () => {
  const src = readFileSync(vectorPath("genpolicy", "rules.rego"), "utf8");
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = [
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "|",
    ",",
    ";",
    ":=",
    "==",
    "not ",
    "some ",
    "every ",
    "in ",
    "if ",
    "else ",
    "with ",
    "\n",
    '"',
    "`",
    '$"',
    "#",
    ".",
    "_",
    "1",
    "-",
    "\0",
    "@",
    "\\",
    "1e",
  ];
  let failures = 0;
  for (let i = 0; i < 400; i++) {
    const start = rnd(src.length - 400);
    let s = "package p\n" + src.slice(start, start + 50 + rnd(350));
    for (let k = 0; k < 1 + rnd(4); k++) {
      const at = rnd(s.length);
      s = s.slice(0, at) + pieces[rnd(pieces.length)] + s.slice(at + rnd(3));
    }
    for (const version of ["v0", "v1"] as const) {
      try {
        parseModule(s, { version });
      } catch (e) {
        failures++;
        assert.ok(
          e instanceof RegoError && e.code === "rego_parse_error",
          `${String(e)} for ${JSON.stringify(s)}`,
        );
      }
    }
  }
  assert.ok(failures > 100, "the mutations should break most inputs");
});
