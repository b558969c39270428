/**
 * Bad input ends in a typed error within bounded time: malformed policies, oversized and deeply nested
 * input, runaway evaluation and recursion, pathological regexes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "./engine.ts";
import { RegoError } from "./errors.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RegoError, `untyped error: ${String(e)}`);
    return e.code;
  }
  return undefined;
}

test("malformed policies are parse errors naming file and row", () => {
  const e = new Engine();
  assert.throws(
    () => e.addPolicy("bad.rego", "package x\np := {"),
    (err: unknown) => {
      assert.ok(err instanceof RegoError);
      assert.equal(err.code, "rego_parse_error");
      assert.match(err.message, /bad\.rego:2/);
      return true;
    },
  );
  assert.equal(
    code(() => e.addPolicy("b.rego", "p := 1")),
    "rego_parse_error",
  );
});

test("compile errors are typed: unsafe vars and undefined functions", () => {
  const e = new Engine();
  e.addPolicy("u.rego", "package x\np if { x > 1 }");
  assert.equal(
    code(() => e.compile()),
    "rego_unsafe_var_error",
  );
  const f = new Engine();
  f.addPolicy("f.rego", "package x\np if { nosuch(1) }");
  assert.throws(() => f.compile(), /undefined function nosuch/);
});

test("a 50 MB input evaluates; above the configured cap it is an eval_limit_error", () => {
  const big = JSON.stringify({ blob: "a".repeat(50 * 1024 * 1024) });
  const e = new Engine();
  e.addPolicy("p.rego", "package x\nn := count(input.blob)");
  e.setInputJSON(big);
  assert.equal(e.evalRule("data.x.n"), 50 * 1024 * 1024);
  const small = new Engine({ limits: { maxInputBytes: 1024 * 1024 } });
  assert.equal(
    code(() => small.setInputJSON(big)),
    "eval_limit_error",
  );
});

test("deeply nested input and data are limit errors, not stack overflows", () => {
  const depth = 200_000;
  const text = "[".repeat(depth) + "]".repeat(depth);
  const e = new Engine();
  e.addPolicy("p.rego", "package x\np := input == input");
  const c = code(() => {
    e.setInputJSON(text);
    e.evalRule("data.x.p");
  });
  assert.equal(c, "eval_limit_error");
  assert.equal(
    code(() => e.addDataJSON(`{"a": ${text}}`)),
    "eval_limit_error",
  );
});

test("runaway evaluation stops at the step budget", () => {
  const e = new Engine({ limits: { maxSteps: 100_000 } });
  e.addPolicy("p.rego", "package x\nn := count([1 | numbers.range(1, 1000)[_]; numbers.range(1, 1000)[_]])");
  assert.equal(
    code(() => e.evalRule("data.x.n")),
    "eval_limit_error",
  );
});

test("recursive rules and functions are recursion errors", () => {
  const e = new Engine();
  e.addPolicy("p.rego", "package x\nf(n) := y if { y := f(n + 1) }\np := f(1)");
  assert.equal(
    code(() => e.evalRule("data.x.p")),
    "rego_recursion_error",
  );
  const r = new Engine();
  r.addPolicy("q.rego", "package x\np if q\nq if p");
  assert.equal(
    code(() => r.evalRule("data.x.p")),
    "rego_recursion_error",
  );
});

test("a pathological regex runs in linear time (RE2 semantics)", () => {
  const e = new Engine();
  e.addPolicy("p.rego", 'package x\np := regex.match("^(a+)+$", concat("", [input.s, "!"]))');
  assert.equal(e.evalRule("data.x.p", { s: "a".repeat(100_000) }), false);
});

test("compile errors: arity mismatch, reassignment, shadowing input", () => {
  const cases: [string, string][] = [
    ["package x\np := count([1], 2, 3)", "rego_type_error"],
    ["package x\np if { x := 1; x := 2 }", "rego_compile_error"],
    ["package x\np if { input := 1 }", "rego_compile_error"],
    ["package x\np if q\nq if p", "rego_recursion_error"],
  ];
  for (const [src, want] of cases) {
    const e = new Engine();
    e.addPolicy("c.rego", src);
    assert.equal(
      code(() => e.compile()),
      want,
      src,
    );
  }
});
