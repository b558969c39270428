/**
 * Which modules Rego v1 accepts, case by case as OPA's parser tests assert them (TestRegoV1Import in
 * v1/ast/parser_test.go): a v0 module that imports rego.v1 must satisfy v1's rule syntax.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseModule } from "./index.ts";

const IF_RULE = "`if` keyword is required before rule body";
const IF_FUNC = "`if` keyword is required before function body";
const CONTAINS = "`contains` keyword is required for partial set rules";
const NO_BODY = "rule must have value assignment and/or body declaration";

/** [module body after `package test\nimport rego.v1\n`, expected error substrings ([] = accepted)]. */
const CASES: [string, string[]][] = [
  ["p contains 1 if 1 == 1", []],
  ["import future.keywords\np contains 1 if {\n\tinput.x == 1\n}", []],
  ["p if {\n\tinput.x == 1\n}", []],
  ["p {\n\tinput.x == 1\n}", [IF_RULE]],
  ["p := 1", []],
  ["p if {\n\tinput.x == 1\n} else if {\n\tinput.x == 2\n}", []],
  [
    'p := "foo" if {\n\tinput.x == 1\n} else := "bar" if {\n\tinput.x == 2\n} else := "baz" if input.x == 3\nelse := "qux"',
    [],
  ],
  ['p if {\n\tinput.x == 1\n} else := "baz" if input.x == 3\nelse := "qux"', []],
  ["p if {\n\tinput.x == 1\n} else {\n\tinput.x == 2\n}", [IF_RULE]],
  ['p := "foo" if {\n\tinput.x == 1\n} else := "bar" {\n\tinput.x == 2\n}', [IF_RULE]],
  ['p contains "q"', []],
  ['p.q contains "r"', []],
  ["p.q", [CONTAINS]],
  ["p.q.r", [NO_BODY]],
  ["p contains input.x", []],
  ["p[input.x]", [CONTAINS]],
  ["p.q[input.x]", [NO_BODY]],
  ["p contains x if { x = input.x}", []],
  ["p[x] if { x = input.x}", []],
  ["p[x] { x = input.x}", [CONTAINS, IF_RULE]],
  ["p.q[x] { x = input.x}", [IF_RULE]],
  ["default allow := false", []],
  ["f(x) := x", []],
  ["f(x) := x if {\n\tx == 1\n}", []],
  ["f(x) := x {\n\tx == 1\n}", [IF_FUNC]],
  ["f(x) if {\n\tx == 1\n}", []],
  ["f(x) {\n\tx == 1\n}", [IF_FUNC]],
  ["f(x) := x if {\n\tx == 1\n} else := 42", []],
  ["f(x) if {\n\tx == 1\n} else := 42", []],
  ["f(x) := x if {\n\tx == 1\n} else := 42 if {\n\tx == 2\n}", []],
  ["f(x) if {\n\tx == 1\n} else if {\n\tx == 2\n}", []],
  ["f(x) := x if {\n\tx == 1\n} else := 42 {\n\tx == 2\n}", [IF_FUNC]],
  ["f(x) if {\n\tx == 1\n} else {\n\tx == 2\n}", [IF_FUNC]],
  ["f(x) := x if {\n\tx == 1\n} else := 1 if {\n\tx == 2\n} else := 42 {\n\tx == 2\n}", [IF_FUNC]],
  ["f(x) := x if {\n\tx == 1\n} else {\n\tx == 2\n} else if {\n\tx == 2\n}", [IF_FUNC]],
  ["f(x) := x {\n\tx == 1\n} else := 1 {\n\tx == 2\n} else := 42 {\n\tx == 2\n}", [IF_FUNC]],
  ["p {\n\tinput.x == 1\n} {\n\tinput.x == 2\n} {\n\tinput.x == 3\n}", [IF_RULE]],
  // chained bodies inherit the first body's `if`
  ["p if {\n\tinput.x == 1\n} {\n\tinput.x == 2\n} {\n\tinput.x == 3\n}", []],
  [
    "p if {\n\tinput.x == 1\n} if {\n\tinput.x == 2\n} {\n\tinput.x == 3\n}",
    ["5:3: rego_parse_error: unexpected if keyword\n\t} if {\n\t  ^"],
  ],
  ["p contains x if {\n\tx == 1\n} {\n\tx == 2\n} {\n\tx == 3\n}", []],
  ["f(x) if {\n\tx == 1\n} {\n\tx == 2\n} {\n\tx == 3\n}", []],
];

test("v0 modules importing rego.v1 follow the v1 rule syntax (OPA TestRegoV1Import)", () => {
  const mismatches: string[] = [];
  for (const [body, expected] of CASES) {
    const text = `package test\nimport rego.v1\n${body}`;
    let actual = "";
    try {
      parseModule(text, { version: "v0" });
    } catch (e) {
      actual = (e as Error).message;
    }
    if (expected.length === 0 ? actual !== "" : !expected.every((x) => actual.includes(x))) {
      mismatches.push(
        `${JSON.stringify(body)}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
      );
    }
    // Rego v1 itself judges the same texts the same way.
    let v1 = "";
    try {
      parseModule(text, { version: "v1" });
    } catch (e) {
      v1 = (e as Error).message;
    }
    if ((v1 === "") !== (actual === ""))
      mismatches.push(`${JSON.stringify(body)}: v1 and v0+rego.v1 disagree`);
  }
  assert.deepEqual(mismatches, []);
});

test("the rego.v1 import itself: only `rego.v1`, never aliased", () => {
  const err = (imp: string): string => {
    try {
      parseModule(`package p\n${imp}`, { version: "v0" });
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(err("import rego"), /invalid import `rego`, must be `rego\.v1`/);
  assert.match(err("import rego.foo.bar"), /invalid import `rego\.foo\.bar`, must be `rego\.v1`/);
  assert.match(err("import rego.v1.bar"), /invalid import `rego\.v1\.bar`, must be `rego\.v1`/);
  assert.match(err("import rego.v1 as xyz"), /`rego` imports cannot be aliased/);
  assert.equal(err("import rego.v1"), "");
});
