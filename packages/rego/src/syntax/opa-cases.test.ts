/**
 * Cases from OPA's own parser tests (v1/ast/parser_test.go): shorthand rule forms must parse to the
 * same rules as their long forms, ambiguous terms must resolve as OPA resolves them, and errors must
 * point where OPA points.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RegoErrors } from "../errors.ts";
import {
  bodyToString,
  parseModule,
  parseQuery,
  parseTerm,
  termToString,
  type RegoVersion,
  type Rule,
} from "./index.ts";

function show(r: Rule): string {
  const h = r.head;
  let s = `${r.default ? "default " : ""}${h.kind} ${h.ref.map(termToString).join(" ")}`;
  if (h.args) s += `(${h.args.map(termToString).join(", ")})`;
  if (h.key) s += ` key=${termToString(h.key)}`;
  if (h.value) s += ` ${h.assign ? ":=" : "="} ${termToString(h.value)}`;
  s += ` { ${bodyToString(r.body)} }`;
  if (r.else) s += ` else ${show(r.else)}`;
  return s;
}

const rules = (text: string, version: RegoVersion): string[] =>
  parseModule(`package a.b.c\n${text}`, { version }).rules.map(show);

test("rules written as bare expressions equal their long forms (TestRuleFromBody, TestRuleFromBodyRefs)", () => {
  const cases: [string, string, RegoVersion][] = [
    ["pi = 3.14159", "pi = 3.14159 { true }", "v0"],
    ['greeting = "hello"', 'greeting = "hello" { true }', "v0"],
    ["wrapper = cores[0][1]", "wrapper = cores[0][1] { true }", "v0"],
    ['foo["bar"] = "buz"', 'foo["bar"] = "buz" { true }', "v0"],
    ['foo.buz = "bar"', 'foo["buz"] = "bar" { true }', "v0"],
    ["bar[1]", "bar[1] { true }", "v0"],
    ["bar.qux", 'bar["qux"] { true }', "v0"],
    ["input = 1", "input = 1 { true }", "v0"],
    ["f(1) = 2", "f(1) = 2 { true }", "v0"],
    ["f(1)", "f(1) = true { true }", "v0"],
    ["d1 := 1234", "d1 := 1234 { true }", "v0"],
    ["test[arr[0]]", "test[arr[0]] { true }", "v0"],
    ["foo.bar.baz[3] { true }", "foo.bar.baz[3] { true }", "v0"],
    ['foo.bar["baz"]', "foo.bar.baz { true }", "v0"],
    ["foo[x] if x := 1", "foo[x] if { x := 1 }", "v1"],
    ["test contains arr[0]", "test contains arr[0] if { true }", "v1"],
    ['foo.bar = "buz"', 'foo.bar = "buz" if { true }', "v1"],
    ['foo.bar[x] = "buz"', 'foo.bar[x] = "buz" if { true }', "v1"],
    ['foo.bar["baz"] = "buz"', 'foo.bar.baz = "buz" if { true }', "v1"],
    ['foo.bar["baz"] := true', "foo.bar.baz := true if { true }", "v1"],
    ['foo.bar("baz") = y', 'foo.bar("baz") = y if { true }', "v1"],
    ["foo(x)", "foo(x) if { true }", "v1"],
    ["foo.bar[i].baz(x) = 3 if { i := 1 }", "foo.bar[i].baz(x) = 3 if { i := 1 }", "v1"],
  ];
  for (const [short, long, version] of cases) {
    const a = rules(short, version).map((s) => s.replace(/ \{ true \}$/, " {}"));
    const b = rules(long, version).map((s) => s.replace(/ \{ true \}$/, " {}"));
    assert.deepEqual(a, b, short);
  }
});

test("rule shapes (TestRule, TestRuleIf, TestRuleRefHeads)", () => {
  const cases: [string, string, RegoVersion][] = [
    ["p[x] { x = 42 }", "partial_set p key=x { eq(x, 42) }", "v0"],
    ['p[x] = y { x = 42; y = "hello" }', 'partial_object p x key=x = y { eq(x, 42); eq(y, "hello") }', "v0"],
    ["p[data.foo[x]] { true }", "partial_set p key=data.foo[x] { true }", "v0"],
    ["f([x, y]) = z { split(x, y, z) }", "function f([x, y]) = z { split(x, y, z) }", "v0"],
    ["p[f(x) + g(x)] { true }", "partial_set p key=plus(f(x), g(x)) { true }", "v0"],
    ["p(f(x) + g(x)) { true }", "function p(plus(f(x), g(x))) = true { true }", "v0"],
    ["x := 1 { false } else := 2", "complete x := 1 { false } else complete x := 2 { true }", "v0"],
    ["f() { x := 1 }", "complete f = true { assign(x, 1) }", "v0"],
    ["default a", "default complete a = true { true }", "v0"],
    [
      "default widgets = [x | x = data.fooz[_]]",
      "default complete widgets = [x | eq(x, data.fooz[_])] { true }",
      "v0",
    ],
    [
      'p := "yes" if { 10 > y } else := "no" if { 10 <= y }',
      'complete p := "yes" { gt(10, y) } else complete p := "no" { lte(10, y) }',
      "v1",
    ],
    ["p if true else := 3 if 2 < 1", "complete p = true { true } else complete p := 3 { lt(2, 1) }", "v1"],
    ["p if not q", "complete p = true { not q }", "v1"],
    ["f(xs) if every x in xs { x != 0 }", "function f(xs) = true { every x in xs { neq(x, 0) } }", "v1"],
    ['p["foo"] = "bar" if true', 'complete p "foo" = "bar" { true }', "v1"],
    ["p.q[2] if true", 'complete p "q" 2 = true { true }', "v1"],
    ["p.q[x] = 1 if x := 2", 'partial_object p "q" x key=x = 1 { assign(x, 2) }', "v1"],
    ["p.q.r contains x if x := 2", 'partial_set p "q" "r" key=x { assign(x, 2) }', "v1"],
    ["p.q.f(x) = x + 1 if true", 'function p "q" "f"(x) = plus(x, 1) { true }', "v1"],
    [
      'deny contains {"allow": false, "msg": msg} if { msg := "no" }',
      'partial_set deny key={"allow": false, "msg": msg} { assign(msg, "no") }',
      "v1",
    ],
    [
      "a.b.c := 1 if false\nelse := 2",
      'complete a "b" "c" := 1 { false } else complete a "b" "c" := 2 { true }',
      "v1",
    ],
  ];
  for (const [text, want, version] of cases) {
    assert.equal(rules(text, version).join("\n"), want, text);
  }
});

test("else chains: values, bodies and misuse (TestRuleElseKeyword)", () => {
  const m = parseModule(
    `package test
p if { "p1" } else if { "p1_e1" } else = [null] if { "p1_e2" } else = x if { x = "p1_e3" }
nobody = 1 if { false } else = 7`,
  );
  assert.deepEqual(m.rules.map(show), [
    'complete p = true { "p1" } else complete p = true { "p1_e1" } else complete p = [null] { "p1_e2" } else complete p = x { eq(x, "p1_e3") }',
    "complete nobody = 1 { false } else complete nobody = 7 { true }",
  ]);
  const err = (text: string) => {
    try {
      parseModule(`package test\n${text}`, { version: "v0" });
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(err("p[1] { false } else { true }"), /else keyword cannot be used on multi-value rules/);
  assert.match(err("p { false } { false } else { true }"), /unexpected else keyword/);
  assert.match(err("p { false } else { false } { true }"), /expected else keyword/);
  assert.match(
    err("a.b[x] := 1 { false } else := 2"),
    /else keyword cannot be used on rules with variables in head/,
  );
  assert.match(err("q(0).r(0) { true }"), /unexpected \{ token: rule head ref q\(0\)\.r invalid/);
});

test("ambiguous braces and bars resolve as in OPA (TestBitwiseOrVsComprehension, sets, objects)", () => {
  const cases: [string, string][] = [
    ["[x|y,z]", "[or(x, y), z]"],
    ["[z,x|y]", "[z, or(x, y)]"],
    ["{x|y,}", "{or(x, y)}"],
    ["{x:y|z,a:b}", "{x: or(y, z), a: b}"],
    ["{, 1 | 1}", "{or(1, 1)}"],
    ["{ 1 + 2 | 3}", "{or(plus(1, 2), 3)}"],
    ["{ 1+2: 3 | 4}", "{plus(1, 2): 3 | 4}"],
    ["[ a | b ]", "[a | b]"],
    ["{k | a = [1,2,3]; a[k]}", "{k | eq(a, [1, 2, 3]); a[k]}"],
    ["foo.bar(1)[0](1).baz", "foo.bar(1)[0](1).baz"],
    [
      '[{"x": [a[i] | xs = [{"a": ["baz", j]} | q[p]; p.a != "bar"]]}]',
      '[{"x": [a[i] | eq(xs, [{"a": ["baz", j]} | q[p]; neq(p.a, "bar")])]}]',
    ],
  ];
  for (const [text, want] of cases) assert.equal(termToString(parseTerm(text)), want, text);
  for (const bad of ["{a,,b}", "{,,a}", "{foo bar}", "foo[1,2]", "foo.", "0[0]", '"foo".bar', "foo.(1,2)"]) {
    assert.throws(() => parseQuery(bad), bad);
  }
});

test("multi-line bodies and whitespace before brackets (TestMultiLineBody)", () => {
  assert.equal(
    bodyToString(parseQuery("x = 1 ; # c\ny = 2   # c\nz = [ i | [x,y] = arr  # c\n\tarr[_] = i]\n")),
    "eq(x, 1); eq(y, 2); eq(z, [i | eq([x, y], arr); eq(arr[_], i)])",
  );
  assert.equal(bodyToString(parseQuery("f(x)\n [1]")), "f(x); [1]");
  assert.equal(bodyToString(parseQuery("data.p.q\n {1}")), "data.p.q; {1}");
  assert.equal(bodyToString(parseQuery("input = 2 \n {1}")), "eq(input, 2); {1}");
});

test("unmatched brackets point where OPA points (TestBraceBracketParenMatchingErrors)", () => {
  const at = (body: string): string => {
    try {
      parseModule(`package test\np {\n\tx := 5\n${body}\n}`, { file: "test.rego", version: "v0" });
      return "";
    } catch (e) {
      const first = e instanceof RegoErrors ? e.errors[0]! : (e as Error);
      return first.message.split("\n")[0]!;
    }
  };
  assert.equal(
    at('\ty := contains("a"), "b")'),
    "test.rego:4:20: rego_parse_error: unexpected , token: expected \\n or ; or }",
  );
  assert.equal(
    at('\ty := {"a", "b", "c"}, "a"}'),
    "test.rego:4:22: rego_parse_error: unexpected , token: expected \\n or ; or }",
  );
  assert.equal(
    at('\ty := contains("a", "b"'),
    'test.rego:5:1: rego_parse_error: unexpected } token: expected "," or ")"',
  );
  assert.equal(
    at('\ty := {{"a", "b", "c"}, "a"'),
    "test.rego:5:2: rego_parse_error: unexpected eof token: expected \\n or ; or }",
  );
  assert.equal(
    at('\ty := [["a", "b", "c"], "a"'),
    'test.rego:5:1: rego_parse_error: unexpected } token: expected "," or "]"',
  );
});

test("module-level statements that cannot be rules (TestModuleParseErrors, TestRuleFromBody)", () => {
  const e = (() => {
    try {
      parseModule("\nx = 1\npackage a\n1 = 2\n1 != 2\nx = y; x = 1\n", { file: "test.rego", version: "v0" });
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof RegoErrors);
  assert.deepEqual(
    e.errors.map((x) => x.detail),
    [
      "package expected",
      "unexpected package",
      "number cannot be used for rule name",
      "rule name conflicts with built-in function",
      "multiple expressions cannot be used for rule head",
    ],
  );
  for (const bad of [
    "p()",
    "assign()",
    "assign(x)",
    "eq(x)",
    "[][0]",
    "f(x)[x] { true }",
    "f().x = y { true }",
    "12[3]()=4",
    "data",
    '"foo" := 1',
  ]) {
    assert.throws(() => parseModule(`package a\n${bad}`, { version: "v0" }), bad);
  }
  assert.throws(() => parseModule("package a.b.c\ndata"), /refs cannot be used for rule head/);
});
