/**
 * Focused parser tests: the tree shape of each construct, as OPA's parser builds it (v1/ast/parser.go,
 * parser_ext.go). Expressions are compared in a prefix notation (printer.ts) that shows precedence.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bodyToString,
  exprToString,
  parseModule,
  parseQuery,
  parseTerm,
  termToString,
  type Module,
  type RegoVersion,
  type Rule,
  type Term,
} from "./index.ts";

const mod = (text: string, version: RegoVersion = "v1"): Module =>
  parseModule(text, { file: "t.rego", version });
const q = (text: string, version: RegoVersion = "v1"): string => bodyToString(parseQuery(text, { version }));
const t = (text: string): string => termToString(parseTerm(text));

/** `kind ref [key=…] [args=(…)] [:=|=] value { body }` — one line per rule, else chains indented. */
function rule(r: Rule): string {
  const h = r.head;
  let s = `${r.default ? "default " : ""}${h.kind} ${h.ref.map(termToString).join(" ")}`;
  if (h.args) s += ` args=(${h.args.map(termToString).join(", ")})`;
  if (h.key) s += ` key=${termToString(h.key)}`;
  if (h.value) s += ` ${h.assign ? ":=" : "="} ${termToString(h.value)}`;
  s += ` { ${bodyToString(r.body)} }`;
  if (r.else) s += ` else ${rule(r.else).replace(/^\S+ \S+ /, "")}`;
  return s;
}
const rules = (text: string, version: RegoVersion = "v1"): string[] => mod(text, version).rules.map(rule);

test("packages: dotted, bracketed and keyword paths", () => {
  assert.deepEqual(mod("package a.b.c").package.path, ["a", "b", "c"]);
  assert.deepEqual(mod('package a["b.c"].d').package.path, ["a", "b.c", "d"]);
  assert.deepEqual(mod("package a.if.else").package.path, ["a", "if", "else"]);
  assert.deepEqual(mod("package x").package.loc, { file: "t.rego", row: 1, col: 1 });
});

test("imports: data/input paths, aliases, future keywords, rego.v1", () => {
  const m = mod("package p\nimport data.a.b as c\nimport input.x\nimport future.keywords.in\nimport rego.v1");
  assert.deepEqual(
    m.imports.map((i) => `${termToString(i.path)}${i.alias ? ` as ${i.alias}` : ""}`),
    ["data.a.b as c", "input.x", "future.keywords.in", "rego.v1"],
  );
  // `import rego.v1` makes a v0 module a v1 one (v1 keywords and checks apply)
  const v0 = mod("package p\nimport rego.v1\nq contains 1 if true", "v0");
  assert.equal(v0.version, "v1");
  assert.deepEqual(v0.rules.map(rule), ["partial_set q key=1 { true }"]);
});

test("complete rules: := and = values, if bodies, v0 bare bodies", () => {
  assert.deepEqual(rules("package p\nx := 1\ny = 2 if { true }\nz if input.a"), [
    "complete x := 1 { true }",
    "complete y = 2 { true }",
    "complete z = true { input.a }",
  ]);
  assert.deepEqual(rules("package p\np { input.a }\nq = 3 { true }", "v0"), [
    "complete p = true { input.a }",
    "complete q = 3 { true }",
  ]);
  // A generated `true` body is marked as such.
  assert.equal(mod("package p\nx := 1").rules[0]!.body[0]!.generated, true);
});

test("partial sets: contains (with and without body) and v0 p[x]", () => {
  assert.deepEqual(rules("package p\na contains x if some x in [1]\nb contains 1\nc.d contains 2 if true"), [
    "partial_set a key=x { some x in [1] }",
    "partial_set b key=1 { true }",
    'partial_set c "d" key=2 { true }',
  ]);
  assert.deepEqual(rules("package p\np[x] { x := 1 }\nq.a { true }", "v0"), [
    "partial_set p key=x { assign(x, 1) }",
    'partial_set q key="a" { true }',
  ]);
});

test("partial objects and ref heads", () => {
  assert.deepEqual(rules('package p\np[k] = v { k := "a"; v := 1 }', "v0"), [
    'partial_object p k key=k = v { assign(k, "a"); assign(v, 1) }',
  ]);
  assert.deepEqual(
    rules("package p\na.b[k] := v if { some k, v in input }\nc.d.e := 1\np[x] if x := 1\nq.r if true"),
    [
      'partial_object a "b" k key=k := v { some k, v in input }',
      'complete c "d" "e" := 1 { true }',
      "partial_object p x key=x = true { assign(x, 1) }",
      'complete q "r" = true { true }',
    ],
  );
  // v0 `p.a.b { … }` is a single-value rule with value true (docs v0-upgrade L322-330)
  assert.deepEqual(rules("package p\np.a.b { true }", "v0"), ['complete p "a" "b" = true { true }']);
});

test("functions: := values, multiple definitions, patterns, dotted names", () => {
  assert.deepEqual(rules("package p\nf(x) := y if y := x + 1\nf([a, _]) := a\ng.h(x) if x > 1\nk(1)"), [
    "function f args=(x) := y { assign(y, plus(x, 1)) }",
    "function f args=([a, _]) := a { true }",
    'function g "h" args=(x) = true { gt(x, 1) }',
    "function k args=(1) = true { true }",
  ]);
  assert.deepEqual(rules("package p\nf(x) = y { y := x }", "v0"), [
    "function f args=(x) = y { assign(y, x) }",
  ]);
});

test("default rules and functions", () => {
  assert.deepEqual(rules("package p\ndefault allow := false\ndefault f(_) := 0\ndefault v := {[1 | true]}"), [
    "default complete allow := false { true }",
    "default function f args=(_) := 0 { true }",
    "default complete v := {[1 | true]} { true }",
  ]);
});

test("else chains, with and without values", () => {
  assert.deepEqual(rules("package p\nr := 1 if input.a else := 2 if input.b else := 3"), [
    "complete r := 1 { input.a } else := 2 { input.b } else := 3 { true }",
  ]);
  assert.deepEqual(rules("package p\nr = 1 { false } else { true }", "v0"), [
    "complete r = 1 { false } else = true { true }",
  ]);
});

test("v0 multiple bodies `p { a } { b }` are separate definitions", () => {
  const m = mod("package p\np { input.a } { input.b }", "v0");
  assert.deepEqual(m.rules.map(rule), ["complete p = true { input.a }", "complete p = true { input.b }"]);
  assert.equal(m.rules[1]!.loc.col, 15);
});

test("some, some-in, every, not, with", () => {
  assert.deepEqual(parseQuery("some x, y").map(exprToString), ["some x, y"]);
  assert.equal(q("some x in xs"), "some x in xs");
  assert.equal(q("some k, v in {1: 2}"), "some k, v in {1: 2}");
  assert.equal(q("every k, v in xs { v > k }"), "every k, v in xs { gt(v, k) }");
  assert.equal(q("not f(x)"), "not f(x)");
  assert.equal(
    q("data.p with input as {} with data.q as 1 with f as g"),
    "data.p with input as {} with data.q as 1 with f as g",
  );
  const e = parseQuery("x = 1 with input.a as 2")[0]!;
  assert.equal(e.with[0]!.target.type, "ref");
  assert.equal(e.body.type, "call");
});

test("comprehensions; sets, empty object and set()", () => {
  assert.equal(t("[x | x := y[_]]"), "[x | assign(x, y[_])]");
  assert.equal(t("{x | x := 1}"), "{x | assign(x, 1)}");
  assert.equal(t("{k: v | k := 1; v := 2}"), "{k: v | assign(k, 1); assign(v, 2)}");
  assert.deepEqual(parseTerm("{1, 2}").type, "set");
  assert.deepEqual(parseTerm("{}").type, "object");
  assert.deepEqual(parseTerm("set()").type, "set");
  assert.deepEqual(parseTerm('{"a": 1,}').type, "object");
  // `{a | b}` prefers the comprehension over an `or` call, as OPA does
  assert.equal(parseTerm("{a | b}").type, "setcomp");
  assert.equal(t("{a | b, c}"), "{or(a, b), c}");
});

test("refs: dots, brackets, calls and composite heads", () => {
  assert.equal(t('a.b[c]["d e"][1]'), 'a.b[c]["d e"][1]');
  const call = parseTerm("f(x).y");
  assert.equal(call.type, "ref");
  assert.equal((call as Extract<Term, { type: "ref" }>).terms[0]!.type, "call");
  assert.equal(t("[1, 2][0]"), "[1, 2][0]");
  assert.equal(q("a.b.c(1, 2)"), "a.b.c(1, 2)");
  // a call is an expression, not a term (OPA ParseTerm: "expected term")
  assert.throws(() => parseTerm("f(1)"), /expected term/);
  // a string cannot head a ref
  assert.throws(() => parseTerm('"abc"[0]'), /illegal ref \(head cannot be string\)/);
  // whitespace ends a ref: `a [1]` is not a ref
  assert.throws(() => parseTerm("a [1]"));
  // input and data alone are refs
  assert.equal(parseTerm("input").type, "ref");
  // keywords after a dot, and keywords as ref heads (keywords_in_refs)
  assert.equal(t("input.if.contains.in"), "input.if.contains.in");
  assert.equal(q("if.x == 1"), "equal(if.x, 1)");
  assert.equal(q("contains(x, y)"), "contains(x, y)");
  assert.equal(q("__local0__ = 1"), "eq(__local0__, 1)");
});

test("numbers keep their text and an exact value", () => {
  const n = (s: string) => parseTerm(s) as Extract<Term, { type: "number" }>;
  assert.deepEqual([n("42").value, n("42").text], [42, "42"]);
  assert.deepEqual([n("-1.5").value, n("-1.5").text], [-1.5, "-1.5"]);
  assert.equal(n("18446744073709551616").value, 18446744073709551616n);
  assert.equal(n("1e3").value, 1000);
  assert.equal(n("2.5e1").value, 25);
  assert.equal(n("1e1000").value, 10n ** 1000n);
  assert.equal(n("1e1000").text, "1e1000");
  assert.equal(n(".5").value, 0.5);
  assert.equal(n("1e-3").value, 0.001);
  assert.throws(() => parseTerm("1e100000"), /number too big/);
  assert.throws(() => parseTerm("007"), /expected number without leading zero/);
});

test("strings: escapes, raw strings, template strings", () => {
  const s = (x: string) => (parseTerm(x) as Extract<Term, { type: "string" }>).value;
  assert.equal(s(String.raw`"a\"b\\c\n\u00e9\ud83d\ude00"`), 'a"b\\c\né😀');
  assert.equal(s("`raw \\n ${x}`"), "raw \\n ${x}");
  assert.equal(s("`multi\nline`"), "multi\nline");
  const tpl = parseTerm('$"hi {input.name}, {1 + 2} \\{not} {x with input as 1}"');
  assert.equal(tpl.type, "template");
  const parts = (tpl as Extract<Term, { type: "template" }>).parts;
  assert.equal(parts[0], "hi ");
  assert.equal(termToString(parts[1] as Term), "input.name");
  assert.equal(termToString(parts[3] as Term), "plus(1, 2)");
  assert.equal(parts[4], " {not} ");
  assert.equal((parts[5] as { type: string }).type, "expr");
  assert.equal(t("$`raw {x}\n`"), '$"raw {x}\n"');
});

test("separators: newlines, semicolons, comments", () => {
  assert.equal(q("x = 1; y = 2 # trailing\n# own line\nz = 3"), "eq(x, 1); eq(y, 2); eq(z, 3)");
  assert.deepEqual(rules("package p\np if {\n  a := 1 # c\n  b := 2; c := 3\n}"), [
    "complete p = true { assign(a, 1); assign(b, 2); assign(c, 3) }",
  ]);
  // At the top of a query each statement may follow on the same line (OPA's Parse loop) …
  assert.equal(q("x = 1 y = 2"), "eq(x, 1); eq(y, 2)");
  // … but inside braces expressions need a newline or `;`.
  assert.throws(
    () => mod("package p\np if { x = 1 y = 2 }"),
    /unexpected identifier token: expected \\n or ; or }/,
  );
});

test("operator precedence follows OPA", () => {
  assert.equal(q("x := a + b * c - d / e % f"), "assign(x, minus(plus(a, mul(b, c)), rem(div(d, e), f)))");
  assert.equal(q("a | b & c == d"), "equal(or(a, and(b, c)), d)");
  assert.equal(q("x in xs == true"), "internal.member_2(x, equal(xs, true))");
  assert.equal(q("k, v in obj"), "internal.member_3(k, v, obj)");
  assert.equal(q("a == b != c"), "neq(equal(a, b), c)");
  assert.equal(q("x = -1 - -2"), "eq(x, minus(-1, -2))");
  assert.equal(q("(1 + 2) * 3 > 4"), "gt(mul(plus(1, 2), 3), 4)");
  // unary minus is only for number literals
  assert.throws(() => parseQuery("[1, -x]"), /unexpected identifier token: expected number/);
});

test(":= vs = vs == are distinct builtins", () => {
  assert.equal(q("a := 1"), "assign(a, 1)");
  assert.equal(q("a = 1"), "eq(a, 1)");
  assert.equal(q("a == 1"), "equal(a, 1)");
});

test("v0 needs future.keywords imports; v1 has them built in", () => {
  assert.equal(q("x in xs", "v1"), "internal.member_2(x, xs)");
  assert.throws(
    () => mod("package p\nq { x in xs }", "v0"),
    /unexpected identifier token: expected \\n or ; or }/,
  );
  const m = mod("package p\nimport future.keywords.in\nq { 1 in [1] }", "v0");
  assert.equal(rule(m.rules[0]!), "complete q = true { internal.member_2(1, [1]) }");
  // `every` brings `in` along
  assert.equal(
    mod("package p\nimport future.keywords.every\nq { every x in [1] { x } }", "v0").rules.length,
    1,
  );
  // in v0 `contains` and `if` are ordinary names without the import
  assert.deepEqual(rules("package p\nif[x] { x := 1 }", "v0"), ["partial_set if key=x { assign(x, 1) }"]);
});

test("experimental and/or and not { } (conformance folder logic_operators)", () => {
  const head =
    "package p\nimport future.keywords.and\nimport future.keywords.or\nimport future.keywords.not\n";
  const body = (src: string) => bodyToString(mod(`${head}p if {\n${src}\n}`).rules[0]!.body);
  assert.equal(body("a and b or c and d"), "((a and b) or (c and d))");
  assert.equal(body("not a or b"), "(not a or b)");
  assert.equal(body("a and (b or c)"), "(a and (b or c))");
  assert.equal(body("{ x := 1; x > 0 } and y == 2"), "({ assign(x, 1); gt(x, 0) } and equal(y, 2))");
  assert.equal(body("a and b with input as 1"), "(a and b) with input as 1");
  assert.equal(body("not { x := 1; x == 3 }"), "not { assign(x, 1); equal(x, 3) }");
  assert.equal(body("not { not { true } }"), "not { not { true } }");
  // without and/or a braced term is still a set literal
  assert.equal(body("{ x }"), "{x}");
});
